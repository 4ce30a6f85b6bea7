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
        b.commaSeparated(incident.alerts) { b.quoted($0.uid) }
        b.raw("],\"hosts\":[")
        b.commaSeparated(incident.hosts.sorted()) { b.quoted($0) }
        b.raw("],\"linked_by\":[")
        b.commaSeparated(incident.linkingEntities.sorted()) { b.quoted($0.description) }
        b.raw("],\"family\":{\"name\":")
        b.quoted(a.family.family.name)
        b.raw(",\"matched_on\":")
        b.quoted(a.family.matchedOn)
        b.raw("},\"tier\":")
        b.int(a.tier.rawValue)
        b.raw(",\"risk_score\":")
        b.int(e.riskScore)
        b.raw(",\"confidence_score\":")
        b.int(a.confidenceScore)
        b.raw(",\"recommendations\":[")
        b.commaSeparated(a.recommendations) { r in
            let d = r.decision
            b.recommendationOpening(r)
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
        b.commaSeparated(e.indicators) { indicator in
            b.indicatorOpening(indicator, decimals: 4)
            b.raw(",\"column\":")
            b.int(indicator.column)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],")
        b.modelScores(e)
        b.raw(",\"precedents\":[")
        b.commaSeparated(e.precedents) { p in
            b.raw("{\"incident_uid\":")
            b.quoted(p.incidentID)
            b.raw(",\"title\":")
            b.quoted(p.title)
            b.byte(UInt8(ascii: ","))
            b.precedentOutcome(p, decimals: 4)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],\"limitations\":[")
        let fromCatalogue = a.catalogueLimitationCount
        b.commaSeparated(e.limitations.enumerated()) { (i, text) in
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
        b.raw("],")
        b.impactOfNotActing(e)
        b.raw("}}")
    }
}
