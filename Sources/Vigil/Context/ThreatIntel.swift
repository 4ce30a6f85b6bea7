import Foundation

/// The threat intelligence Vigil consults for every entity: which feeds list it, and how
/// many distinct **validated** feeds do (its corroboration, which the tier policy uses to
/// allow automated blocking).
///
/// Entities match by exact normalised value per kind: IPs after canonicalisation, domains
/// and hashes lower-case, URLs as written (trimmed). A domain does not match a URL on that
/// domain, and a host name does not match a domain indicator.
public struct ThreatIntel: Sendable {
    /// The feeds, in feeds-file order.
    public let feeds: [ThreatFeed]
    /// What loading each feed did (counts, skipped indicators and why).
    public let report: IntelLoadReport

    private struct Entry: Sendable {
        var hits: [IntelHit]
        var validatedFeeds: Int

        /// Adds a listing; a validated feed not seen before for this entity raises the count.
        /// Listings per entity are few, so a scan of the hits decides "not seen before".
        mutating func add(_ hit: IntelHit) {
            if hit.validated && !hits.contains(where: { $0.feed == hit.feed }) { validatedFeeds += 1 }
            hits.append(hit)
        }
    }

    private let index: [EntityKey: Entry]

    /// No feeds: every entity has corroboration 0 and no hits.
    public static let empty = ThreatIntel(feeds: [], report: IntelLoadReport(feeds: []), index: [:])

    private init(feeds: [ThreatFeed], report: IntelLoadReport, index: [EntityKey: Entry]) {
        self.feeds = feeds
        self.report = report
        self.index = index
    }

    /// Loads the feeds file at `feedsFile` and every feed it declares.
    ///
    /// - Parameters:
    ///   - now: the reference time for `valid_until` / `valid_from` (default: the clock).
    ///   - tolerateBrokenFeeds: when true, a feed file that cannot be read or is not JSON /
    ///     CSV is recorded in `report` (its `failure`) and the others still load; when false
    ///     (the default) it fails the load. Bad indicators or rows never fail the load:
    ///     they are skipped and counted.
    /// - Throws: `VigilError.invalidConfiguration` / `.io` for the feeds file, and for a
    ///   broken feed file unless tolerated (the message names that file).
    /// - Complexity: O(total size of the feeds).
    public static func load(feedsFile: String, now: Date = Date(), tolerateBrokenFeeds: Bool = false) throws(VigilError) -> ThreatIntel {
        try ThreatIntel(catalogue: try FeedCatalogue.load(contentsOf: feedsFile), now: now, tolerateBrokenFeeds: tolerateBrokenFeeds)
    }

    /// Loads every feed of `catalogue` (see `load(feedsFile:now:tolerateBrokenFeeds:)`).
    public init(catalogue: FeedCatalogue, now: Date = Date(), tolerateBrokenFeeds: Bool = false) throws(VigilError) {
        let nowSeconds = now.timeIntervalSince1970
        var index: [EntityKey: Entry] = [:]
        var reports: [FeedReport] = []
        for feed in catalogue.feeds {
            var report = FeedReport(feed: feed.name, path: feed.path, format: feed.format)
            let records: [IntelRecord]
            do {
                let bytes = try ContextFile.bytes(feed.path)
                switch feed.format {
                case .stix: records = try STIXBundle.read(bytes, path: feed.path, now: nowSeconds, into: &report)
                case .csv: records = try IOCList.read(bytes, path: feed.path, into: &report)
                }
            } catch {
                guard tolerateBrokenFeeds else { throw error }
                report.failure = error
                reports.append(report)
                continue
            }
            if index.isEmpty { index.reserveCapacity(records.count) }
            for record in records {
                report.loaded += 1
                let hit = IntelHit(feed: feed.name, validated: feed.validated, reliability: feed.reliability,
                                   reference: record.reference, labels: record.labels, title: record.title,
                                   confidence: record.confidence)
                for key in record.entities {
                    report.listings += 1
                    index[key, default: Entry(hits: [], validatedFeeds: 0)].add(hit)
                }
            }
            reports.append(report)
        }
        self.init(feeds: catalogue.feeds, report: IntelLoadReport(feeds: reports), index: index)
    }

    /// The number of distinct validated feeds that list `entity` (0 when none do). An
    /// unvalidated feed never counts; a feed that lists the entity twice counts once.
    /// `EntityKey` already holds IPs in canonical form, so lookups need no parsing.
    ///
    /// - Complexity: O(1) expected.
    public func corroboration(of entity: EntityKey) -> Int {
        index[entity]?.validatedFeeds ?? 0
    }

    /// Every listing of `entity`, in feed order then file order (validated or not).
    ///
    /// - Complexity: O(1) expected, plus the copy of the (small) result.
    public func hits(for entity: EntityKey) -> [IntelHit] {
        index[entity]?.hits ?? []
    }

    /// The names of the distinct validated feeds that list `entity`, for explanations.
    public func validatedFeeds(listing entity: EntityKey) -> [String] {
        var names: [String] = []
        for hit in hits(for: entity) where hit.validated && !names.contains(hit.feed) { names.append(hit.feed) }
        return names
    }

    /// The number of distinct entities listed by any feed.
    public var entityCount: Int { index.count }
}
