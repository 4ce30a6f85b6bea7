/// Writes one JSON record per assessed incident (`incidents.ndjson`): the full form of what
/// each member finding's `unmapped.vigil` carries compactly. It names the member findings,
/// the entities that linked them, the detection family and what matched it, every proposed
/// action with its tier, the policy's reason and the impact of acting, and the five-part
/// explanation with the catalogue's limitation texts and the precedents' titles.
///
/// Record shape (`"record": "vigil.incident/1"`): `incident_uid`, `first_time`,
/// `last_time` (ms since the epoch), `finding_uids[]`, `hosts[]`, `linked_by[]`, `family`
/// {`name`, `matched_on`}, `tier`, `risk_score`, `confidence_score`, `recommendations[]`
/// {`action`, `target`, `tier`, `rule`, `rule_tier`, `policy_version`,
/// `demoted_for_staleness`, `asset_unknown`, `reason`, `reversible`, `rollback`,
/// `impact_of_acting`}, `explanation` {`indicators[]` {`indicator`, `contribution`,
/// `column`}, `confidence`, `logistic_probability`, `precedent_vote`, `model_version`,
/// `precedents[]` {`incident_uid`, `title`, `similarity`, `verdict`, `action_taken`},
/// `limitations[]` {`id`, `text`}, `impact_of_not_acting`, `risk_score`}.
public struct IncidentRecordWriter: Sendable {
    public init() {}

    /// The record for `a` as one JSON line (no line ending).
    public func record(_ a: IncidentAssessment) -> String {
        let b = TextBuffer(capacity: 4096)
        append(a, to: b)
        return String(decoding: UnsafeBufferPointer(start: b.base, count: b.count), as: UTF8.self)
    }

    /// Appends the record for `a` to `b` (no line ending).
    func append(_ a: IncidentAssessment, to b: TextBuffer) {
        let e = a.explanation
        let incident = a.incident
        b.raw("{\"record\":\"vigil.incident/1\",\"incident_uid\":")
        b.quoted(incident.id)
        b.raw(",\"first_time\":")
        b.int(Int(incident.firstMs))
        b.raw(",\"last_time\":")
        b.int(Int(incident.lastMs))
        b.raw(",\"finding_uids\":[")
        for (i, alert) in incident.alerts.enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            b.quoted(alert.uid)
        }
        b.raw("],\"hosts\":[")
        for (i, host) in incident.hosts.sorted().enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            b.quoted(host)
        }
        b.raw("],\"linked_by\":[")
        for (i, entity) in incident.linkingEntities.sorted().enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            b.quoted(entity.description)
        }
        b.raw("],\"family\":{\"name\":")
        b.quoted(a.family.family.name)
        b.raw(",\"matched_on\":")
        b.quoted(a.family.matchedOn)
        b.raw("},\"tier\":")
        b.int(a.tier.rawValue)
        b.raw(",\"risk_score\":")
        b.int(e.riskScore)
        b.raw(",\"confidence_score\":")
        b.int(Int((Double(e.confidence) * 100).rounded()))
        b.raw(",\"recommendations\":[")
        for (i, r) in a.recommendations.enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            let d = r.decision
            b.raw("{\"action\":\"")
            b.text(r.action.kind.rawValue)
            b.raw("\",\"target\":")
            if let t = r.target { b.quoted(t.description) } else { b.raw("null") }
            b.raw(",\"tier\":")
            b.int(d.tier.rawValue)
            b.raw(",\"rule\":")
            if let rule = d.ruleName { b.quoted(rule) } else { b.raw("null") }
            b.raw(",\"rule_tier\":")
            if let t = d.ruleTier { b.int(t.rawValue) } else { b.raw("null") }
            b.raw(",\"policy_version\":")
            b.quoted(d.policyVersion)
            b.raw(",\"demoted_for_staleness\":")
            b.bool(d.demotedForStaleness)
            b.raw(",\"asset_unknown\":")
            b.bool(d.assetUnknown)
            b.raw(",\"reason\":")
            b.quoted(d.reason)
            b.raw(",\"reversible\":")
            b.bool(r.action.reversible)
            b.raw(",\"rollback\":")
            if let rollback = r.action.rollback { b.quoted(rollback) } else { b.raw("null") }
            b.raw(",\"impact_of_acting\":")
            b.quoted(r.impactOfActing)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],\"explanation\":{\"indicators\":[")
        for (i, indicator) in e.indicators.enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            b.raw("{\"indicator\":")
            b.quoted(indicator.name)
            b.raw(",\"contribution\":")
            b.fixed(Double(indicator.contribution), decimals: 4)
            b.raw(",\"column\":")
            b.int(indicator.column)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],\"confidence\":")
        b.fixed(Double(e.confidence), decimals: 4)
        b.raw(",\"logistic_probability\":")
        b.fixed(Double(e.logisticProbability), decimals: 4)
        b.raw(",\"precedent_vote\":")
        b.fixed(Double(e.precedentVote), decimals: 4)
        b.raw(",\"model_version\":")
        b.quoted(e.modelVersion)
        b.raw(",\"precedents\":[")
        for (i, p) in e.precedents.enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            b.raw("{\"incident_uid\":")
            b.quoted(p.incidentID)
            b.raw(",\"title\":")
            b.quoted(p.title)
            b.raw(",\"similarity\":")
            b.fixed(Double(p.similarity), decimals: 4)
            b.raw(",\"verdict\":")
            b.quoted(p.verdict)
            b.raw(",\"action_taken\":")
            if let action = p.actionTaken { b.quoted(action) } else { b.raw("null") }
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],\"limitations\":[")
        let catalogue = a.family.family.limitations
        let fromCatalogue = e.limitations.starts(with: catalogue) ? catalogue.count : 0
        for (i, text) in e.limitations.enumerated() {
            if i > 0 { b.byte(UInt8(ascii: ",")) }
            b.raw("{\"id\":")
            if i < fromCatalogue {
                b.quoted(FindingUpdateWriter.limitationReference(family: a.family.family.name, index: i))
            } else {
                b.raw("null")
            }
            b.raw(",\"text\":")
            b.quoted(text)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],\"impact_of_not_acting\":")
        b.quoted(e.impactOfNotActing)
        b.raw(",\"risk_score\":")
        b.int(e.riskScore)
        b.raw("}}")
    }
}
