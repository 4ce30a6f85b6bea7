import Foundation

/// Writes OCSF Detection Finding updates for assessed incidents: each member finding is
/// re-emitted as received, every field Vigil does not own untouched, with `activity_id` 2
/// (Update), `type_uid` 200402, `risk_score`, `risk_level_id`, `confidence_score`,
/// `enrichments[]` (precedents and intel hits appended to any the producer sent),
/// `remediation.desc`, and the tier, recommendations and explanation under
/// `unmapped.vigil` (merged into the producer's `unmapped`, never replacing it).
public struct FindingUpdateWriter {
    /// Top-level keys Vigil writes itself.
    static let owned: Set<String> = ["activity_id", "type_uid", "risk_score", "risk_level_id", "confidence_score",
                                     "enrichments", "remediation", "unmapped"]

    public init() {}

    /// The parts of an update that are the same for every finding of one incident,
    /// serialised once per incident rather than once per member finding.
    public struct Prepared: Sendable {
        let riskScore: String, riskLevel: String, confidence: String
        let enrichments: [String]
        let remediation: String
        let vigil: String
        let vigilWithRemediationSlot: (prefix: String, suffix: String)
    }

    /// Serialises what `assessment` adds to each of its findings.
    public func prepare(_ assessment: IncidentAssessment) -> Prepared {
        let e = assessment.explanation
        let vigil = vigilObject(assessment, originalRemediation: nil)
        return Prepared(riskScore: String(e.riskScore), riskLevel: String(Self.riskLevel(e.riskScore)),
                        confidence: String(Int((e.confidence * 100).rounded())), enrichments: enrichments(assessment),
                        remediation: "{\"desc\":" + JSONText.quoted(remediation(assessment)) + "}",
                        vigil: vigil, vigilWithRemediationSlot: (String(vigil.dropLast()), "}"))
    }

    /// The updated finding for `raw` (a member of `assessment`'s incident), as one JSON line.
    public func update(raw: String, assessment: IncidentAssessment) -> String {
        update(raw: raw, prepared: prepare(assessment))
    }

    /// The updated finding for `raw`, from an incident's prepared parts.
    public func update(raw: String, prepared: Prepared) -> String {
        let bytes = Array(raw.utf8)
        guard let members = JSONFields.members(of: bytes) else { return raw }
        func text(_ r: Range<Int>) -> String { String(decoding: bytes[r], as: UTF8.self) }
        var out = "{"
        var first = true
        func add(_ key: String, _ value: String) {
            if !first { out += "," }
            first = false
            out += JSONText.quoted(key) + ":" + value
        }
        var originalEnrichments: String?, originalUnmapped: String?, originalRemediation: String?
        for m in members {
            switch m.key {
            case "enrichments": originalEnrichments = text(m.value)
            case "unmapped": originalUnmapped = text(m.value)
            case "remediation": originalRemediation = text(m.value)
            case let k where Self.owned.contains(k): continue
            default: add(m.key, text(m.value))
            }
        }
        add("activity_id", "2")
        add("type_uid", "200402")
        add("risk_score", prepared.riskScore)
        add("risk_level_id", prepared.riskLevel)
        add("confidence_score", prepared.confidence)
        add("enrichments", mergeArray(originalEnrichments, with: prepared.enrichments))
        add("remediation", prepared.remediation)
        let vigil = originalRemediation.map { prepared.vigilWithRemediationSlot.prefix + ",\"replaced_remediation\":" + $0 + prepared.vigilWithRemediationSlot.suffix } ?? prepared.vigil
        add("unmapped", mergeObject(originalUnmapped, vigil: vigil))
        return out + "}"
    }

    /// A finite number as JSON (JSON has no NaN or infinity: those become 0).
    static func number(_ v: Float) -> String { v.isFinite ? String(format: "%.4g", Double(v)) : "0" }

    /// OCSF risk_level_id: 0 Info, 1 Low, 2 Medium, 3 High, 4 Critical (bands of 20).
    static func riskLevel(_ score: Int) -> Int { min(4, max(0, score / 20)) }

    private func remediation(_ a: IncidentAssessment) -> String {
        let parts = a.recommendations.map { r in
            "\(r.action.kind.rawValue)\(r.target.map { " \($0.value)" } ?? "") — \(r.decision.tier)"
        }
        return parts.isEmpty ? "Vigil: no action proposed; analyst review." : "Vigil recommends: " + parts.joined(separator: "; ")
    }

    private func enrichments(_ a: IncidentAssessment) -> [String] {
        var items = a.explanation.precedents.map { p in
            "{\"name\":\"vigil.precedent\",\"type\":\"similar_closed_case\",\"value\":\(JSONText.quoted(p.incidentID)),\"data\":{\"similarity\":\(Self.number(p.similarity)),\"verdict\":\(JSONText.quoted(p.verdict)),\"action_taken\":\(p.actionTaken.map(JSONText.quoted) ?? "null"),\"title\":\(JSONText.quoted(p.title))}}"
        }
        for (entity, feeds) in a.context.intelHits.sorted(by: { $0.key < $1.key }) {
            items.append("{\"name\":\"vigil.threat_intel\",\"type\":\"threat_intel\",\"value\":\(JSONText.quoted(entity.value)),\"data\":{\"kind\":\(JSONText.quoted(entity.kind.rawValue)),\"validated_feeds\":\(feeds)}}")
        }
        return items
    }

    private func vigilObject(_ a: IncidentAssessment, originalRemediation: String?) -> String {
        let e = a.explanation
        let recs = a.recommendations.map { r in
            "{\"action\":\(JSONText.quoted(r.action.kind.rawValue)),\"target\":\(r.target.map { JSONText.quoted($0.description) } ?? "null"),\"tier\":\(r.decision.tier.rawValue),\"rule\":\(r.decision.ruleName.map(JSONText.quoted) ?? "null"),\"policy_version\":\(JSONText.quoted(r.decision.policyVersion)),\"demoted_for_staleness\":\(r.decision.demotedForStaleness),\"reason\":\(JSONText.quoted(r.decision.reason)),\"reversible\":\(r.action.reversible),\"rollback\":\(r.action.rollback.map(JSONText.quoted) ?? "null"),\"impact_of_acting\":\(JSONText.quoted(r.impactOfActing))}"
        }
        let indicators = e.indicators.map { "{\"indicator\":\(JSONText.quoted($0.name)),\"contribution\":\(Self.number($0.contribution))}" }
        let precedents = e.precedents.map { "{\"incident_id\":\(JSONText.quoted($0.incidentID)),\"similarity\":\(Self.number($0.similarity)),\"verdict\":\(JSONText.quoted($0.verdict)),\"action_taken\":\($0.actionTaken.map(JSONText.quoted) ?? "null")}" }
        var fields = [
            "\"incident_id\":\(JSONText.quoted(a.incident.id))",
            "\"incident_alerts\":\(a.incident.alerts.count)",
            "\"family\":\(JSONText.quoted(a.family.family.name))",
            "\"tier\":\(a.tier.rawValue)",
            "\"recommendations\":[\(recs.joined(separator: ","))]",
            "\"explanation\":{\"indicators\":[\(indicators.joined(separator: ","))],\"confidence\":\(Self.number(e.confidence)),\"logistic_probability\":\(Self.number(e.logisticProbability)),\"precedent_vote\":\(Self.number(e.precedentVote)),\"model_version\":\(JSONText.quoted(e.modelVersion)),\"precedents\":[\(precedents.joined(separator: ","))],\"limitations\":[\(e.limitations.map(JSONText.quoted).joined(separator: ","))],\"impact_of_not_acting\":\(JSONText.quoted(e.impactOfNotActing)),\"risk_score\":\(e.riskScore)}",
        ]
        if let originalRemediation { fields.append("\"replaced_remediation\":\(originalRemediation)") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// `original` array with `items` appended (a non-array original is kept as an item).
    private func mergeArray(_ original: String?, with items: [String]) -> String {
        guard let original else { return "[" + items.joined(separator: ",") + "]" }
        // `original` is a complete JSON value with no surrounding blanks (JSONFields ranges).
        if original.utf8.first == UInt8(ascii: "["), original.utf8.last == UInt8(ascii: "]") {
            let inner = original.utf8.dropFirst().dropLast()
            let empty = inner.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            return "[" + ((empty ? [] : [String(decoding: inner, as: UTF8.self)]) + items).joined(separator: ",") + "]"
        }
        return "[" + ([original] + items).joined(separator: ",") + "]"
    }

    /// The producer's `unmapped` object with `"vigil"` set (any earlier `vigil` member is
    /// replaced — it was ours); a non-object `unmapped` is kept under `unmapped.original`.
    private func mergeObject(_ original: String?, vigil: String) -> String {
        guard let original else { return "{\"vigil\":\(vigil)}" }
        let bytes = Array(original.utf8)
        guard let members = JSONFields.members(of: bytes) else {
            return "{\"original\":\(original),\"vigil\":\(vigil)}"
        }
        let kept = members.filter { $0.key != "vigil" }.map { JSONText.quoted($0.key) + ":" + String(decoding: bytes[$0.value], as: UTF8.self) }
        return "{" + (kept + ["\"vigil\":\(vigil)"]).joined(separator: ",") + "}"
    }
}
