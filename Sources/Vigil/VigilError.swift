import VigilEngine

/// Every error the Vigil domain layer throws. Messages name where (file, line or record,
/// field or rule) and why, so they can be shown to an analyst or written to a reject file
/// unchanged.
public enum VigilError: Error, Equatable, Sendable, CustomStringConvertible {
    /// One input record (an alert line, a CSV row, an intel object) was rejected.
    /// `source` is the file (or "-" / a request id), `line` is 1-based (0 when unknown),
    /// `field` is a dotted path such as `finding_info.uid`.
    case invalidRecord(source: String, line: Int, field: String, reason: String)
    /// A configuration file (policy, playbooks, feeds, assets) is unusable.
    /// `location` names the rule, entry or key (e.g. `rules[3].min_confidence`).
    case invalidConfiguration(file: String, location: String, reason: String)
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// An error from the scoring engine.
    case engine(EngineError)

    public var description: String {
        switch self {
        case let .invalidRecord(source, line, field, reason):
            return line > 0 ? "\(source):\(line): \(field): \(reason)" : "\(source): \(field): \(reason)"
        case let .invalidConfiguration(file, location, reason):
            return "\(file): \(location): \(reason)"
        case let .io(path, reason):
            return "\(path): \(reason)"
        case let .engine(error):
            return error.description
        }
    }
}
