/// What loading one feed did: how many indicators it contributed and, for every one it
/// did not use, why. Nothing is dropped without being counted here.
public struct FeedReport: Sendable, Equatable, CustomStringConvertible {
    /// Why an indicator or row was skipped (all but `partialPattern`) or only partly used.
    public enum Issue: String, Sendable, CaseIterable, Comparable {
        /// Required property missing or of the wrong type, bad timestamp, bad id, bad value
        /// in a pattern, bad CSV row (unknown type, bad address or hash, wrong field count).
        case malformed
        /// `revoked: true`.
        case revoked
        /// `valid_until` at or before the load's `now`.
        case expired
        /// `valid_from` after the load's `now`.
        case notYetValid = "not_yet_valid"
        /// `pattern_type` other than `stix` (Sigma, YARA, Snort, …).
        case otherPatternType = "other_pattern_type"
        /// A pattern Vigil cannot reduce to IOCs (`AND`, qualifiers, other objects or
        /// operators only).
        case unsupportedPattern = "unsupported_pattern"
        /// Loaded, but some `OR` branches were not usable (the usable ones were kept).
        case partialPattern = "partial_pattern"

        public static func < (a: Issue, b: Issue) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    /// Examples kept per issue (the count is always complete).
    public static let examplesPerIssue = 5

    public var feed: String
    public var path: String
    public var format: ThreatFeed.Format
    /// Indicators (STIX) or rows (CSV) that contributed at least one entity.
    public var loaded: Int = 0
    /// Entity listings indexed (an `OR` pattern contributes several).
    public var listings: Int = 0
    /// Counts per issue.
    public var issues: [Issue: Int] = [:]
    /// Up to `examplesPerIssue` messages per issue, each naming the indicator id or line.
    public var examples: [Issue: [String]] = [:]
    /// STIX objects that are not indicators (identity, malware, relationship, …), ignored by
    /// design; CSV comment lines.
    public var ignoredObjects: Int = 0
    /// Why the feed could not be read at all (only when broken feeds are tolerated).
    public var failure: VigilError?

    public init(feed: String, path: String, format: ThreatFeed.Format) {
        self.feed = feed
        self.path = path
        self.format = format
    }

    /// Indicators or rows skipped for any reason.
    public var skipped: Int { issues.filter { $0.key != .partialPattern }.values.reduce(0, +) }

    mutating func note(_ issue: Issue, _ message: String) {
        issues[issue, default: 0] += 1
        if examples[issue, default: []].count < Self.examplesPerIssue { examples[issue, default: []].append(message) }
    }

    /// One line per feed, then one per issue with its examples.
    public var description: String {
        if let failure { return "feed '\(feed)' (\(format.rawValue)) NOT LOADED: \(failure)" }
        var text = "feed '\(feed)' (\(format.rawValue)): \(loaded) \(format == .stix ? "indicators" : "rows") loaded (\(listings) listings), \(skipped) skipped"
        if ignoredObjects > 0 { text += ", \(ignoredObjects) \(format == .stix ? "non-indicator objects" : "comment lines") ignored" }
        for issue in issues.keys.sorted() {
            text += "\n  \(issue.rawValue): \(issues[issue]!)"
            for example in examples[issue] ?? [] { text += "\n    e.g. \(example)" }
        }
        return text
    }
}

/// What loading the threat intel did, feed by feed.
public struct IntelLoadReport: Sendable, Equatable, CustomStringConvertible {
    public var feeds: [FeedReport]

    /// Listings indexed over all feeds.
    public var listings: Int { feeds.reduce(0) { $0 + $1.listings } }
    /// Indicators and rows skipped over all feeds.
    public var skipped: Int { feeds.reduce(0) { $0 + $1.skipped } }

    public var description: String { feeds.map(\.description).joined(separator: "\n") }
}

/// One indicator or row as read from a feed, before indexing.
struct IntelRecord {
    var reference: IntelHit.Reference
    var labels: [String] = []
    var title: String?
    var confidence: Int?
    var entities: [EntityKey]
}
