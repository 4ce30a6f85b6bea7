internal import CSimdJSON

/// The Swift side of the simdjson shim: drives one `vj_reader` (vigil_json.h) and turns its
/// flat batch output into `IngestedAlert`s and `RejectedRecord`s. Every unsafe call of the
/// ingest path is in this type. Not thread-safe.
final class RecordDecoder {
    /// What the shim wants next (VJ_STEP_*).
    enum Step { case batchFull, needInput, done }

    private let reader: OpaquePointer
    private let interner = StringInterner()
    let source: String
    private static let entityKinds: [EntityKind] = [.host, .ip, .user, .fileHash, .domain, .url]

    /// - Precondition: `maxRecordBytes > 0`.
    init(source: String, maxRecordBytes: Int, format: AlertInputFormat) {
        precondition(maxRecordBytes > 0, "maxRecordBytes must be positive")
        let f: Int32 = switch format {
        case .auto: Int32(VJ_FORMAT_AUTO)
        case .ndjson: Int32(VJ_FORMAT_NDJSON)
        case .array: Int32(VJ_FORMAT_ARRAY)
        }
        guard let r = vj_reader_create(maxRecordBytes, f) else { fatalError("vj_reader_create: out of memory") }
        reader = r
        self.source = source
    }

    deinit { vj_reader_destroy(reader) }

    /// Feeds `input` (the unconsumed rest of the previous call first) to the shim, which reads
    /// up to `maxRecords` records (vj_reader_next). Accepted alerts are appended to `accepted`;
    /// rejects go to `rejects` and are counted in `summary`.
    /// - Returns: how many bytes at the front of `input` may be dropped, and the next step.
    func step(_ input: UnsafeRawBufferPointer, atEnd: Bool, maxRecords: Int, accepted: inout [IngestedAlert],
              rejects: RejectWriter?, summary: inout IngestSummary) throws(VigilError) -> (consumed: Int, step: Step) {
        var batch = vj_batch()
        let base = input.baseAddress?.assumingMemoryBound(to: CChar.self)
        vj_reader_next(reader, base, input.count, atEnd ? 1 : 0, max(1, maxRecords), &batch)
        // The accepted records' text goes into one string per step; each alert's `raw` is a
        // slice of it. Accepted records are valid UTF-8 (simdjson checked), so byte offsets in
        // the joined string are exact.
        var rawBytes = 0
        for i in 0..<batch.count where batch.records[i].status == Int64(VJ_ACCEPTED) { rawBytes += batch.records[i].raw_length }
        var ends: [Int] = []
        let joined: String
        if rawBytes > 0, let inputBase = input.baseAddress {
            ends.reserveCapacity(batch.count)
            joined = String(unsafeUninitializedCapacity: rawBytes) { out in
                var at = 0
                for i in 0..<batch.count where batch.records[i].status == Int64(VJ_ACCEPTED) {
                    let r = batch.records[i]
                    UnsafeMutableRawPointer(out.baseAddress! + at)
                        .copyMemory(from: inputBase + r.raw_offset, byteCount: r.raw_length)
                    at += r.raw_length
                    ends.append(at)
                }
                return at
            }
        } else {
            joined = ""
        }
        var acceptedIndex = 0
        var rawStart = joined.utf8.startIndex
        for i in 0..<batch.count {
            let record = batch.records[i]
            if record.status == Int64(VJ_ACCEPTED) {
                let rawEnd = joined.utf8.index(joined.utf8.startIndex, offsetBy: ends[acceptedIndex])
                acceptedIndex += 1
                accepted.append(IngestedAlert(alert: alert(record, batch), raw: joined[rawStart..<rawEnd]))
                rawStart = rawEnd
                summary.accepted += 1
            } else {
                let kind = Self.reason(record.status)
                summary.rejected += 1
                summary.rejectedByReason[kind, default: 0] += 1
                guard let rejects else { continue }
                let rawLength = min(record.raw_length, RejectedRecord.maxRecordTextBytes + 4)
                let raw = text(record.raw_in_arena != 0 ? UnsafeRawPointer(batch.arena) : input.baseAddress,
                               record.raw_offset, rawLength)
                try rejects.write(RejectedRecord(source: source, line: Int(record.line),
                                                 field: string(record.reject_field, batch) ?? "$", kind: kind,
                                                 reason: string(record.reject_reason, batch) ?? kind.rawValue, record: raw))
            }
        }
        let step: Step = switch batch.step {
        case Int64(VJ_STEP_BATCH_FULL): .batchFull
        case Int64(VJ_STEP_DONE): .done
        default: .needInput
        }
        return (batch.consumed, step)
    }

    private static func reason(_ status: Int64) -> RejectReason {
        switch Int32(truncatingIfNeeded: status) {
        case Int32(VJ_REJECT_TRUNCATED): .truncated
        case Int32(VJ_REJECT_NON_FINITE): .nonFiniteNumber
        case Int32(VJ_REJECT_MISSING_FIELD): .missingField
        case Int32(VJ_REJECT_WRONG_TYPE): .wrongType
        case Int32(VJ_REJECT_INVALID_VALUE): .invalidValue
        case Int32(VJ_REJECT_INVALID_ATTACK_ID): .invalidAttackID
        case Int32(VJ_REJECT_OVERSIZED): .oversized
        default: .malformedJSON
        }
    }

    @inline(__always)
    private func text(_ base: UnsafeRawPointer?, _ offset: Int, _ length: Int) -> String {
        guard length > 0, let base else { return "" }
        // A typed UInt8 buffer takes String's contiguous fast path (validate + memcpy).
        return String(decoding: UnsafeBufferPointer(start: (base + offset).assumingMemoryBound(to: UInt8.self), count: length),
                      as: UTF8.self)
    }

    @inline(__always)
    private func string(_ span: vj_span, _ batch: vj_batch) -> String? {
        guard span.length > 0, let arena = batch.arena else { return nil }
        let start = (UnsafeRawPointer(arena) + span.offset).assumingMemoryBound(to: UInt8.self)
        return String(decoding: UnsafeBufferPointer(start: start, count: span.length), as: UTF8.self)
    }

    @inline(__always)
    private func bytes(_ span: vj_span, _ batch: vj_batch) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (UnsafeRawPointer(batch.arena!) + span.offset).assumingMemoryBound(to: UInt8.self),
                            count: span.length)
    }

    /// A repeated field (product, rule, technique, host…): shared through the interner.
    @inline(__always)
    private func shared(_ span: vj_span, _ batch: vj_batch) -> String? {
        span.length == 0 ? nil : interner.string(bytes(span, batch))
    }

    @inline(__always)
    private func int(_ v: Int64) -> Int? { v == Int64.min ? nil : Int(v) }

    private var missingCache: [UInt64: [String]] = [0: []]

    /// The `missingFields` list for a VJ_MISSING_* mask; one shared array per mask.
    private func missingFields(_ m: UInt64) -> [String] {
        if let cached = missingCache[m] { return cached }
        var missing: [String] = []
        if m & UInt64(VJ_MISSING_SEVERITY) != 0 { missing.append("severity_id") }
        if m & UInt64(VJ_MISSING_ANALYTIC) != 0 { missing.append("finding_info.analytic") }
        if m & UInt64(VJ_MISSING_ATTACKS) != 0 { missing.append("finding_info.attacks") }
        if m & UInt64(VJ_MISSING_OBSERVABLES) != 0 { missing.append("observables") }
        if m & UInt64(VJ_MISSING_DEVICE) != 0 { missing.append("device") }
        if m & UInt64(VJ_MISSING_CONFIDENCE) != 0 { missing.append("confidence") }
        missingCache[m] = missing
        return missing
    }

    private func alert(_ r: vj_record, _ batch: vj_batch) -> Alert {
        var techniques: [String] = []
        if r.technique_count > 0 {
            techniques.reserveCapacity(r.technique_count)
            for k in r.technique_first..<(r.technique_first + r.technique_count) { techniques.append(shared(batch.strings[k], batch) ?? "") }
        }
        var tactics: [String] = []
        if r.tactic_count > 0 {
            tactics.reserveCapacity(r.tactic_count)
            for k in r.tactic_first..<(r.tactic_first + r.tactic_count) { tactics.append(shared(batch.strings[k], batch) ?? "") }
        }
        var entities: [EntityKey] = []
        if r.entity_count > 0 {
            entities.reserveCapacity(r.entity_count)
            for k in r.entity_first..<(r.entity_first + r.entity_count) {
                let e = batch.entities[k]
                let kind = Int(e.kind)
                guard e.value.length > 0, let key = interner.entity(Self.entityKinds[kind], index: kind, bytes(e.value, batch)),
                      !entities.contains(key) else { continue }
                entities.append(key)
            }
        }
        let missing = missingFields(r.missing)
        return Alert(uid: string(r.uid, batch) ?? "", title: shared(r.title, batch) ?? "", timeMs: r.time_ms,
                     classUID: Int(r.class_uid), activityID: Int(r.activity_id), severityID: Int(r.severity_id),
                     productName: shared(r.product_name, batch) ?? "", schemaVersion: shared(r.schema_version, batch) ?? "",
                     tenantUID: shared(r.tenant_uid, batch), analyticUID: shared(r.analytic_uid, batch),
                     analyticName: shared(r.analytic_name, batch), techniques: techniques, tactics: tactics,
                     confidenceID: int(r.confidence_id), confidenceScore: int(r.confidence_score), entities: entities,
                     deviceHostname: shared(r.device_hostname, batch), deviceIP: shared(r.device_ip, batch),
                     userName: shared(r.user_name, batch), verdictID: int(r.verdict_id), missingFields: missing,
                     sourceLine: Int(r.line))
    }
}
