/// One place where threat intel lists an entity.
public struct IntelHit: Sendable, Equatable {
    /// Where in the feed the listing is.
    public enum Reference: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// A STIX indicator, by id (`indicator--…`).
        case indicator(id: String)
        /// A CSV IOC list row, by its 1-based line.
        case line(Int)

        public var description: String {
            switch self {
            case let .indicator(id): return id
            case let .line(n): return "line \(n)"
            }
        }
    }

    /// The feed's name (from the feeds file).
    public var feed: String
    /// Whether the feed is validated (counts towards corroboration).
    public var validated: Bool
    /// The feed's reliability, 0.0 … 1.0.
    public var reliability: Double
    public var reference: Reference
    /// The indicator's `labels` (STIX), if any.
    public var labels: [String]
    /// The indicator's `name` (STIX) or the row's description (CSV), if any.
    public var title: String?
    /// The indicator's `confidence` 0-100 (STIX), if given.
    public var confidence: Int?

    public init(feed: String, validated: Bool, reliability: Double, reference: Reference, labels: [String] = [],
                title: String? = nil, confidence: Int? = nil) {
        self.feed = feed
        self.validated = validated
        self.reliability = reliability
        self.reference = reference
        self.labels = labels
        self.title = title
        self.confidence = confidence
    }
}
