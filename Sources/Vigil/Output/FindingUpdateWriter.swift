/// Writes OCSF Detection Finding updates for assessed incidents: each member finding is
/// re-emitted as received, every field Vigil does not own untouched, with `activity_id` 2
/// (Update), `type_uid` 200402, `risk_score`, `risk_level_id`, `confidence_score`,
/// `enrichments[]` (the incident, its precedents and intel hits, appended to any the
/// producer sent), `remediation.desc`, and the tier, recommendations and explanation under
/// `unmapped.vigil` (merged into the producer's `unmapped`, never replacing it).
///
/// The explanation in a finding is the compact form of its incident's: every part is
/// there, but wording that would repeat in each member finding — the policy's reasons, the
/// impact of each action, the catalogue's limitation texts, precedent details (which are in
/// the same record's enrichments) — is referenced, and written in full once per incident by
/// `IncidentRecordWriter`, keyed by `incident_uid`.
public struct FindingUpdateWriter: Sendable {
    public init() {}

    /// The parts of an update that are the same for every finding of one incident,
    /// serialised once per incident rather than once per member finding.
    public struct Prepared: Sendable {
        let head: [UInt8]            // ,"activity_id":2,...,"confidence_score":N
        let enrichmentItems: [UInt8] // items joined by commas, no brackets
        let remediation: [UInt8]     // ,"remediation":{...}
        let vigil: [UInt8]           // the object, closing brace included
    }

    /// Serialises what `assessment` adds to each of its findings.
    public func prepare(_ a: IncidentAssessment) -> Prepared {
        let e = a.explanation
        let b = TextBuffer(capacity: 512)
        b.raw(",\"activity_id\":2,\"type_uid\":200402,\"risk_score\":")
        b.int(e.riskScore)
        b.raw(",\"risk_level_id\":")
        b.int(Self.riskLevel(e.riskScore))
        b.raw(",\"confidence_score\":")
        b.int(a.confidenceScore)
        let head = b.bytes

        b.removeAll()
        b.raw("{\"name\":\"vigil.incident\",\"type\":\"correlated_incident\",\"value\":")
        b.quoted(a.incident.id)
        b.raw(",\"data\":{\"alerts\":")
        b.int(a.incident.alerts.count)
        Self.appendFamilyAndTier(a, to: b)
        b.raw("}}")
        for p in e.precedents {
            b.raw(",{\"name\":\"vigil.precedent\",\"type\":\"similar_closed_case\",\"value\":")
            b.quoted(p.incidentID)
            b.raw(",\"data\":{")
            b.precedentOutcome(p, decimals: 3)
            b.raw("}}")
        }
        for (entity, feeds) in a.context.intelHits.sorted(by: { $0.key < $1.key }) {
            b.raw(",{\"name\":\"vigil.threat_intel\",\"type\":\"threat_intel\",\"value\":")
            b.quoted(entity.value)
            b.raw(",\"data\":{\"kind\":\"")
            b.text(entity.kind.rawValue)
            b.raw("\",\"validated_feeds\":")
            b.int(feeds)
            b.raw("}}")
        }
        let enrichments = b.bytes

        b.removeAll()
        b.raw(",\"remediation\":{\"desc\":")
        b.quoted(Self.remediation(a))
        b.raw("}")
        let remediation = b.bytes

        b.removeAll()
        writeVigilObject(a, to: b)
        return Prepared(head: head, enrichmentItems: enrichments, remediation: remediation, vigil: b.bytes)
    }

    /// The updated finding for `raw` (a member of `assessment`'s incident), as one JSON line.
    public func update(raw: String, assessment: IncidentAssessment) -> String {
        update(raw: raw, prepared: prepare(assessment))
    }

    /// The updated finding for `raw`, from an incident's prepared parts.
    public func update(raw: String, prepared: Prepared) -> String {
        let out = TextBuffer(capacity: raw.utf8.count + 2048)
        var raw = raw
        raw.withUTF8 { append(raw: $0, prepared: prepared, to: out) }
        return String(decoding: UnsafeBufferPointer(start: out.base, count: out.count), as: UTF8.self)
    }

    /// Appends the updated finding for `bytes` to `out` (no line ending). Members Vigil does
    /// not own are copied byte for byte.
    /// - Complexity: one pass over `bytes` to find its top-level members, then copies.
    func append(raw bytes: UnsafeBufferPointer<UInt8>, prepared: Prepared, to out: TextBuffer) {
        guard let members = JSONFields.members(of: bytes) else {
            out.raw(bytes)
            return
        }
        var enrichments: Range<Int>?, unmapped: Range<Int>?, remediation: Range<Int>?
        out.byte(UInt8(ascii: "{"))
        var first = true
        for m in members {
            if JSONFields.key(m, in: bytes, is: "enrichments") { enrichments = m.value; continue }
            if JSONFields.key(m, in: bytes, is: "unmapped") { unmapped = m.value; continue }
            if JSONFields.key(m, in: bytes, is: "remediation") { remediation = m.value; continue }
            if Self.isOwnedScalar(m, in: bytes) { continue }
            if !first { out.byte(UInt8(ascii: ",")) }
            first = false
            Self.appendMember(m, from: bytes, to: out)
        }
        // `head` starts with a comma; a record with only owned members needs none.
        prepared.head.withUnsafeBufferPointer { out.raw(first ? UnsafeBufferPointer(rebasing: $0.dropFirst()) : $0) }
        out.raw(",\"enrichments\":[")
        if let enrichments {
            let value = UnsafeBufferPointer(rebasing: bytes[enrichments])
            // The producer's items first; a non-array value is kept as an item of its own.
            if let kept = Self.isArray(value) ? Self.arrayInner(value) : value {
                out.raw(kept)
                out.byte(UInt8(ascii: ","))
            }
        }
        out.raw(prepared.enrichmentItems)
        out.byte(UInt8(ascii: "]"))
        out.raw(prepared.remediation)
        out.raw(",\"unmapped\":{")
        if let unmapped {
            let inner = UnsafeBufferPointer(rebasing: bytes[unmapped])
            if let kept = JSONFields.members(of: inner) {
                for m in kept where !JSONFields.key(m, in: inner, is: "vigil") {
                    Self.appendMember(m, from: inner, to: out)
                    out.byte(UInt8(ascii: ","))
                }
            } else {
                out.raw("\"original\":")
                out.raw(inner)
                out.byte(UInt8(ascii: ","))
            }
        }
        out.raw("\"vigil\":")
        if let remediation {
            // The producer's remediation is kept inside Vigil's part, not dropped.
            prepared.vigil.withUnsafeBufferPointer { out.raw(UnsafeBufferPointer(rebasing: $0.dropLast())) }
            out.raw(",\"replaced_remediation\":")
            out.raw(UnsafeBufferPointer(rebasing: bytes[remediation]))
            out.byte(UInt8(ascii: "}"))
        } else {
            out.raw(prepared.vigil)
        }
        out.raw("}}")
    }

    /// Top-level scalar members Vigil writes itself (the producer's values are replaced).
    @inline(__always)
    private static func isOwnedScalar(_ m: JSONFields.Member, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        JSONFields.key(m, in: bytes, is: "activity_id") || JSONFields.key(m, in: bytes, is: "type_uid")
            || JSONFields.key(m, in: bytes, is: "risk_score") || JSONFields.key(m, in: bytes, is: "risk_level_id")
            || JSONFields.key(m, in: bytes, is: "confidence_score")
    }

    /// `"key":value` with the key's text as received (escapes and all).
    @inline(__always)
    private static func appendMember(_ m: JSONFields.Member, from bytes: UnsafeBufferPointer<UInt8>, to out: TextBuffer) {
        out.byte(UInt8(ascii: "\""))
        out.raw(UnsafeBufferPointer(rebasing: bytes[m.keyRange]))
        out.raw("\":")
        out.raw(UnsafeBufferPointer(rebasing: bytes[m.value]))
    }

    private static func isArray(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        value.first == UInt8(ascii: "[") && value.last == UInt8(ascii: "]")
    }

    /// The bytes between the brackets of a JSON array text; nil when it holds nothing.
    private static func arrayInner(_ value: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        let inner = UnsafeBufferPointer(rebasing: value.dropFirst().dropLast())
        return inner.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } ? nil : inner
    }

    /// OCSF risk_level_id: 0 Info, 1 Low, 2 Medium, 3 High, 4 Critical (bands of 20).
    static func riskLevel(_ score: Int) -> Int { min(4, max(0, score / 20)) }

    /// `remediation.desc`: every proposed action with its target and tier, in one line.
    static func remediation(_ a: IncidentAssessment) -> String {
        let parts = a.recommendations.map { r in
            "\(r.action.kind.rawValue)\(r.target.map { " \($0.value)" } ?? "") — \(r.decision.tier)"
        }
        return parts.isEmpty ? "Vigil: no action proposed; analyst review." : "Vigil recommends: " + parts.joined(separator: "; ")
    }

    /// Catalogue limitations are named `catalogue:<family>#<n>` (1-based) in findings; the
    /// incident record carries their text.
    static func limitationReference(family: String, index: Int) -> String { "catalogue:\(family)#\(index + 1)" }

    /// `,"family":"…","tier":N`, in the incident enrichment and in `unmapped.vigil`.
    private static func appendFamilyAndTier(_ a: IncidentAssessment, to b: TextBuffer) {
        b.raw(",\"family\":")
        b.quoted(a.family.family.name)
        b.raw(",\"tier\":")
        b.int(a.tier.rawValue)
    }

    /// The compact `unmapped.vigil` object (see the type's documentation).
    private func writeVigilObject(_ a: IncidentAssessment, to b: TextBuffer) {
        let e = a.explanation
        b.raw("{\"incident_uid\":")
        b.quoted(a.incident.id)
        b.raw(",\"incident_alerts\":")
        b.int(a.incident.alerts.count)
        Self.appendFamilyAndTier(a, to: b)
        if let version = a.recommendations.first?.decision.policyVersion {
            b.raw(",\"policy_version\":")
            b.quoted(version)
        }
        b.raw(",\"recommendations\":[")
        b.commaSeparated(a.recommendations) { r in
            b.recommendationOpening(r)
            if r.decision.demotedForStaleness { b.raw(",\"demoted_for_staleness\":true") }
            b.raw(",\"reversible\":")
            b.bool(r.action.reversible)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],\"explanation\":{\"indicators\":[")
        b.commaSeparated(e.indicators) { indicator in
            b.indicatorOpening(indicator, decimals: 3)
            b.byte(UInt8(ascii: "}"))
        }
        b.raw("],")
        b.modelScores(e)
        b.raw(",\"precedents\":[")
        b.commaSeparated(e.precedents) { b.quoted($0.incidentID) }
        b.raw("],\"limitations\":[")
        let fromCatalogue = a.catalogueLimitationCount
        b.commaSeparated(e.limitations.enumerated()) { (i, text) in
            b.quoted(i < fromCatalogue ? Self.limitationReference(family: a.family.family.name, index: i) : text)
        }
        b.raw("],")
        b.impactOfNotActing(e)
        b.raw("}}")
    }
}
