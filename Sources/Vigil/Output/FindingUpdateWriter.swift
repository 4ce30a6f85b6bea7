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
    /// serialised once per incident (as UTF-8) rather than once per member finding.
    public struct Prepared: Sendable {
        let head: [UInt8]           // ,"activity_id":2,...,"confidence_score":N
        let enrichmentItems: [UInt8] // items joined by commas, no brackets
        let remediation: [UInt8]    // ,"remediation":{...}
        let vigil: [UInt8]          // the object, closing brace included
    }

    /// Serialises what `assessment` adds to each of its findings.
    public func prepare(_ assessment: IncidentAssessment) -> Prepared {
        let e = assessment.explanation
        let head = ",\"activity_id\":2,\"type_uid\":200402,\"risk_score\":\(e.riskScore),\"risk_level_id\":\(Self.riskLevel(e.riskScore)),\"confidence_score\":\(Int((e.confidence * 100).rounded()))"
        return Prepared(head: Array(head.utf8), enrichmentItems: Array(enrichments(assessment).joined(separator: ",").utf8),
                        remediation: Array((",\"remediation\":{\"desc\":" + JSONText.quoted(remediation(assessment)) + "}").utf8),
                        vigil: Array(vigilObject(assessment).utf8))
    }

    /// The updated finding for `raw` (a member of `assessment`'s incident), as one JSON line.
    public func update(raw: String, assessment: IncidentAssessment) -> String {
        update(raw: raw, prepared: prepare(assessment))
    }

    /// The updated finding for `raw`, from an incident's prepared parts.
    public func update(raw: String, prepared: Prepared) -> String {
        var out: [UInt8] = []
        append(raw: raw, prepared: prepared, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the updated finding for `raw` to `out` (no line ending). Members Vigil does
    /// not own are copied byte for byte from `raw`.
    public func append(raw: String, prepared: Prepared, to out: inout [UInt8]) {
        let bytes = Array(raw.utf8)
        guard let members = JSONFields.members(of: bytes) else {
            out.append(contentsOf: bytes)
            return
        }
        var enrichments: Range<Int>?, unmapped: Range<Int>?, remediation: Range<Int>?
        out.append(UInt8(ascii: "{"))
        var first = true
        for m in members {
            switch m.key {
            case "enrichments": enrichments = m.value
            case "unmapped": unmapped = m.value
            case "remediation": remediation = m.value
            case let k where Self.owned.contains(k): continue
            default:
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.appendMember(m, from: bytes, to: &out)
            }
        }
        // `head` starts with a comma; a record with only owned members needs none.
        out.append(contentsOf: first ? prepared.head.dropFirst() : prepared.head[...])
        out.append(contentsOf: Array(",\"enrichments\":[".utf8))
        if let enrichments {
            let value = bytes[enrichments]
            // The producer's items first; a non-array value is kept as an item of its own.
            let kept = Self.isArray(value) ? Self.arrayInner(value) : value
            if let kept {
                out.append(contentsOf: kept)
                if !prepared.enrichmentItems.isEmpty { out.append(UInt8(ascii: ",")) }
            }
        }
        out.append(contentsOf: prepared.enrichmentItems)
        out.append(UInt8(ascii: "]"))
        out.append(contentsOf: prepared.remediation)
        out.append(contentsOf: Array(",\"unmapped\":{".utf8))
        if let unmapped {
            let inner = Array(bytes[unmapped])
            if let kept = JSONFields.members(of: inner) {
                for m in kept where m.key != "vigil" {
                    Self.appendMember(m, from: inner, to: &out)
                    out.append(UInt8(ascii: ","))
                }
            } else {
                out.append(contentsOf: Array("\"original\":".utf8))
                out.append(contentsOf: inner)
                out.append(UInt8(ascii: ","))
            }
        }
        out.append(contentsOf: Array("\"vigil\":".utf8))
        if let remediation {
            // The producer's remediation is kept inside Vigil's part, not dropped.
            out.append(contentsOf: prepared.vigil.dropLast())
            out.append(contentsOf: Array(",\"replaced_remediation\":".utf8))
            out.append(contentsOf: bytes[remediation])
            out.append(UInt8(ascii: "}"))
        } else {
            out.append(contentsOf: prepared.vigil)
        }
        out.append(contentsOf: Array("}}".utf8))
    }

    /// `"key":value` with the key's text as received (escapes and all).
    private static func appendMember(_ m: JSONFields.Member, from bytes: [UInt8], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: m.key.utf8)
        out.append(contentsOf: Array("\":".utf8))
        out.append(contentsOf: bytes[m.value])
    }

    private static func isArray(_ value: ArraySlice<UInt8>) -> Bool {
        value.first == UInt8(ascii: "[") && value.last == UInt8(ascii: "]")
    }

    /// The bytes between the brackets of a JSON array text; nil when it holds nothing.
    private static func arrayInner(_ value: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let inner = value.dropFirst().dropLast()
        return inner.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ? nil : inner
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

    private func vigilObject(_ a: IncidentAssessment) -> String {
        let e = a.explanation
        let recs = a.recommendations.map { r in
            "{\"action\":\(JSONText.quoted(r.action.kind.rawValue)),\"target\":\(r.target.map { JSONText.quoted($0.description) } ?? "null"),\"tier\":\(r.decision.tier.rawValue),\"rule\":\(r.decision.ruleName.map(JSONText.quoted) ?? "null"),\"policy_version\":\(JSONText.quoted(r.decision.policyVersion)),\"demoted_for_staleness\":\(r.decision.demotedForStaleness),\"reason\":\(JSONText.quoted(r.decision.reason)),\"reversible\":\(r.action.reversible),\"rollback\":\(r.action.rollback.map(JSONText.quoted) ?? "null"),\"impact_of_acting\":\(JSONText.quoted(r.impactOfActing))}"
        }
        let indicators = e.indicators.map { "{\"indicator\":\(JSONText.quoted($0.name)),\"contribution\":\(Self.number($0.contribution))}" }
        let precedents = e.precedents.map { "{\"incident_id\":\(JSONText.quoted($0.incidentID)),\"similarity\":\(Self.number($0.similarity)),\"verdict\":\(JSONText.quoted($0.verdict)),\"action_taken\":\($0.actionTaken.map(JSONText.quoted) ?? "null")}" }
        let fields = [
            "\"incident_id\":\(JSONText.quoted(a.incident.id))",
            "\"incident_alerts\":\(a.incident.alerts.count)",
            "\"family\":\(JSONText.quoted(a.family.family.name))",
            "\"tier\":\(a.tier.rawValue)",
            "\"recommendations\":[\(recs.joined(separator: ","))]",
            "\"explanation\":{\"indicators\":[\(indicators.joined(separator: ","))],\"confidence\":\(Self.number(e.confidence)),\"logistic_probability\":\(Self.number(e.logisticProbability)),\"precedent_vote\":\(Self.number(e.precedentVote)),\"model_version\":\(JSONText.quoted(e.modelVersion)),\"precedents\":[\(precedents.joined(separator: ","))],\"limitations\":[\(e.limitations.map(JSONText.quoted).joined(separator: ","))],\"impact_of_not_acting\":\(JSONText.quoted(e.impactOfNotActing)),\"risk_score\":\(e.riskScore)}",
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }


}
