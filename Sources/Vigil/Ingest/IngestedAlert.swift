/// One accepted alert together with the exact JSON text it came from.
///
/// `raw` is the record as received (trimmed of surrounding blanks and the line ending), so
/// the output stage can re-emit every field Vigil does not read — unknown fields included —
/// untouched, adding only its own part. It is a slice of one string shared by the alerts of
/// the same read step (one allocation per batch instead of one per alert); keeping a few
/// alerts for long keeps that string alive, so copy `String(raw)` when holding one past its
/// batch.
public struct IngestedAlert: Sendable, Equatable {
    /// The validated fields Vigil works with.
    public var alert: Alert
    /// The record's original JSON text (always valid JSON: the whole record was parsed).
    public var raw: Substring

    /// Pairs an alert with its source text.
    public init(alert: Alert, raw: Substring) {
        self.alert = alert
        self.raw = raw
    }
}
