/// One rejected input record, as written to a reject file.
public struct RejectedRecord: Sendable, Equatable {
    /// The most record text a reject keeps (64 KiB); longer text is cut on a UTF-8 boundary.
    public static let maxRecordTextBytes = 65_536

    /// The input's name (file path, "-" for standard input, or a request id).
    public var source: String
    /// 1-based line number (NDJSON) or array element number (JSON array input).
    public var line: Int
    /// Dotted path of the offending field, e.g. `finding_info.attacks[0].technique.uid`;
    /// `$` when the record as a whole is at fault.
    public var field: String
    /// The category of the rejection.
    public var kind: RejectReason
    /// Human-readable reason naming what was expected.
    public var reason: String
    /// The original record text, at most `maxRecordTextBytes` bytes.
    public var record: String

    /// Creates a reject entry; `record` is truncated to `maxRecordTextBytes`.
    public init(source: String, line: Int, field: String, kind: RejectReason, reason: String, record: String) {
        self.source = source
        self.line = line
        self.field = field
        self.kind = kind
        self.reason = reason
        self.record = record.utf8.count > Self.maxRecordTextBytes ? Self.truncated(record) : record
    }

    /// The error this rejection corresponds to.
    public var error: VigilError { .invalidRecord(source: source, line: line, field: field, reason: reason) }

    /// The reject-file line (no trailing newline):
    /// `{"source":…,"line":N,"field":…,"reason":…,"record":…}`. O(record length).
    public var jsonLine: String {
        var out = "{\"source\":"
        out.reserveCapacity(record.utf8.count + 128)
        out += JSONText.quoted(source)
        out += ",\"line\":\(line),\"field\":"
        out += JSONText.quoted(field)
        out += ",\"reason\":"
        out += JSONText.quoted(reason)
        out += ",\"record\":"
        out += JSONText.quoted(record)
        out += "}"
        return out
    }

    // Cuts before the first byte past the limit that is not a UTF-8 continuation byte, so no
    // character is split.
    private static func truncated(_ s: String) -> String {
        let bytes = Array(s.utf8.prefix(maxRecordTextBytes + 1))
        var end = maxRecordTextBytes
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
