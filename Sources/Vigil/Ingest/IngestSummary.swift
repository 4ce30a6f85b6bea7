/// Why an input record was rejected (the category; `RejectedRecord.reason` has the detail).
public enum RejectReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// Not valid JSON (bad token, bad UTF-8, trailing content, not an object, …).
    case malformedJSON = "malformed_json"
    /// The record ends inside a string, object or array (a cut-off line or file).
    case truncated = "truncated_record"
    /// A `NaN` / `Infinity` token where a number belongs (not valid JSON).
    case nonFiniteNumber = "non_finite_number"
    /// A required field is absent or null.
    case missingField = "missing_field"
    /// A field Vigil reads has the wrong JSON type.
    case wrongType = "wrong_type"
    /// A field has the right type but an unusable value (unknown class, bad time, …).
    case invalidValue = "invalid_value"
    /// An ATT&CK technique or tactic id that is not `T1234`, `T1234.001` or `TA1234`.
    case invalidAttackID = "invalid_attack_id"
    /// The record is longer than the reader's `maxRecordBytes`; it was skipped unbuffered.
    case oversized = "oversized_record"
}

/// Counts from one ingest run. Every record is either accepted or rejected:
/// `accepted + rejected` is the number of non-blank records seen.
public struct IngestSummary: Sendable, Equatable {
    /// Records turned into alerts.
    public var accepted: Int = 0
    /// Records rejected (each written to the reject writer, when one was given).
    public var rejected: Int = 0
    /// Rejections per reason; the values sum to `rejected`.
    public var rejectedByReason: [RejectReason: Int] = [:]
    /// Input bytes read.
    public var bytes: Int = 0

    /// An empty summary.
    public init() {}

    /// Adds another run's counts to this one (for several input files).
    public mutating func merge(_ other: IngestSummary) {
        accepted += other.accepted
        rejected += other.rejected
        bytes += other.bytes
        for (reason, n) in other.rejectedByReason { rejectedByReason[reason, default: 0] += n }
    }
}
