/// The parts of an assessment that a finding update's `unmapped.vigil` (compact) and an
/// incident record (full) both write, written in one place so the two forms name and
/// format the same facts the same way. Each writes members without a leading comma; the
/// objects named "open" are left for the caller to extend and close.
extension TextBuffer {
    /// `{"action":"…","target":…,"tier":N,"rule":…` (object left open).
    func recommendationOpening(_ r: Recommendation) {
        raw("{\"action\":\"")
        text(r.action.kind.rawValue)
        raw("\",\"target\":")
        if let t = r.target { quoted(t.description) } else { raw("null") }
        raw(",\"tier\":")
        int(r.decision.tier.rawValue)
        raw(",\"rule\":")
        if let rule = r.decision.ruleName { quoted(rule) } else { raw("null") }
    }

    /// `{"indicator":"…","contribution":x` (object left open), `x` to `decimals` places.
    func indicatorOpening(_ indicator: Explanation.Indicator, decimals: Int) {
        raw("{\"indicator\":")
        quoted(indicator.name)
        raw(",\"contribution\":")
        fixed(Double(indicator.contribution), decimals: decimals)
    }

    /// `"confidence":…,"logistic_probability":…,"precedent_vote":…,"model_version":"…"`.
    func modelScores(_ e: Explanation) {
        raw("\"confidence\":")
        fixed(Double(e.confidence), decimals: 4)
        raw(",\"logistic_probability\":")
        fixed(Double(e.logisticProbability), decimals: 4)
        raw(",\"precedent_vote\":")
        fixed(Double(e.precedentVote), decimals: 4)
        raw(",\"model_version\":")
        quoted(e.modelVersion)
    }

    /// `"similarity":x,"verdict":"…","action_taken":…` of a precedent, `x` to `decimals` places.
    func precedentOutcome(_ p: Explanation.Precedent, decimals: Int) {
        raw("\"similarity\":")
        fixed(Double(p.similarity), decimals: decimals)
        raw(",\"verdict\":")
        quoted(p.verdict)
        raw(",\"action_taken\":")
        if let action = p.actionTaken { quoted(action) } else { raw("null") }
    }

    /// `"impact_of_not_acting":"…","risk_score":N`.
    func impactOfNotActing(_ e: Explanation) {
        raw("\"impact_of_not_acting\":")
        quoted(e.impactOfNotActing)
        raw(",\"risk_score\":")
        int(e.riskScore)
    }
}

extension IncidentAssessment {
    /// OCSF `confidence_score`: the confidence as a whole percentage.
    var confidenceScore: Int { Int((Double(explanation.confidence) * 100).rounded()) }

    /// How many of the explanation's limitations, from the first, are the detection
    /// family's catalogue entries (written by reference in findings, in full in records).
    var catalogueLimitationCount: Int {
        let catalogue = family.family.limitations
        return explanation.limitations.starts(with: catalogue) ? catalogue.count : 0
    }
}
