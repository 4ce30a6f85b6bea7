import Foundation

/// The layout of a tabular model's feature vector: which CSV columns are numeric,
/// categorical, hashed or ignored, where each one's features sit, and the scaling fitted on
/// the training split (see `TabularColumn` for each role's features).
///
/// Recorded in the model file (`tabular`) so `vigil score --csv` featurizes exactly as
/// training did. `id` (`vigil-tabular-v<version>-w<width>-<12 hex>`) is the SHA-256 of
/// everything else, so two schemas with the same id featurize the same way, and a model
/// file whose schema was edited by hand is refused.
public struct TabularSchema: Sendable, Equatable, Codable {
    /// Layout version; bump when any role's features change meaning.
    public static let version = 1

    /// `vigil-tabular-v<version>-w<width>-<12 hex>`: what a model records as its feature schema.
    public let id: String
    /// Feature columns.
    public let width: Int
    /// The CSV column holding the label (not a feature; may be absent when scoring).
    public let labelColumn: String
    /// The feature columns, in header order of the training file.
    public let columns: [TabularColumn]

    enum CodingKeys: String, CodingKey { case id, width, labelColumn = "label_column", columns }

    init(width: Int, labelColumn: String, columns: [TabularColumn]) {
        self.width = width
        self.labelColumn = labelColumn
        self.columns = columns
        id = Self.identifier(width: width, labelColumn: labelColumn, columns: columns)
    }

    private struct Content: Encodable {
        let version: Int, width: Int, labelColumn: String, columns: [TabularColumn]
    }

    static func identifier(width: Int, labelColumn: String, columns: [TabularColumn]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Content(version: version, width: width, labelColumn: labelColumn, columns: columns))) ?? Data()
        return "vigil-tabular-v\(version)-w\(width)-" + SHA256.hex(String(decoding: data, as: UTF8.self)).prefix(12)
    }

    /// Checks a schema read from a model file: the id matches the content, names are
    /// unique, each column's features follow the previous one's and have the width its
    /// role needs, and every scaling parameter is finite (standard deviations positive).
    /// - Throws: `.invalidConfiguration` naming `file` and the column.
    public func validate(file: String) throws(VigilError) {
        func fail(_ location: String, _ reason: String) -> VigilError { .invalidConfiguration(file: file, location: location, reason: reason) }
        var names: Set<String> = [labelColumn]
        var next = 0
        for (i, c) in columns.enumerated() {
            let at = "tabular.columns[\(i)] (\(c.name))"
            guard !c.name.isEmpty, names.insert(c.name).inserted else { throw fail(at, "empty or repeated column name (or the label column)") }
            guard c.role == .ignored || c.offset == next else { throw fail(at, "offset \(c.offset), expected \(next)") }
            switch c.role {
            case .numeric:
                guard c.width == 2, let mean = c.mean, let sd = c.sd, mean.isFinite, sd.isFinite, sd > 0 else {
                    throw fail(at, "a numeric column needs width 2, a finite mean and a positive finite sd")
                }
            case .categorical:
                guard let vocabulary = c.vocabulary, c.width == vocabulary.count + 2, Set(vocabulary).count == vocabulary.count else {
                    throw fail(at, "a categorical column needs distinct vocabulary values and width = vocabulary + 2")
                }
            case .hashed:
                guard c.width > TabularColumn.hashedFixedWidth, let m = c.rarityMean, let s = c.raritySD, m.isFinite, s.isFinite, s > 0,
                      let prior = c.prior, prior > 0, prior < 1, let counts = c.counts, counts.values.allSatisfy({ $0 >= 2 }),
                      (c.positives ?? [:]).allSatisfy({ $0.value >= 0 && $0.value <= counts[$0.key] ?? -1 }) else {
                    throw fail(at, "a hashed column needs width >= 4, finite rarity scaling, a prior in (0, 1), counts of at least 2 and positives within them")
                }
            case .ignored:
                guard c.width == 0 else { throw fail(at, "an ignored column has width 0") }
            }
            next += c.width
        }
        guard next == width else { throw fail("tabular.width", "columns use \(next) features, width is \(width)") }
        let expected = Self.identifier(width: width, labelColumn: labelColumn, columns: columns)
        guard id == expected else { throw fail("tabular.id", "'\(id)' does not match the schema's content (\(expected)); was it edited?") }
    }

    /// What feature `index` means, e.g. "bytes_out (log-scaled)", "proto = tcp",
    /// "domain (hashed bucket 17)".
    public func name(ofColumn index: Int) -> String {
        for c in columns where c.role != .ignored && index >= c.offset && index < c.offset + c.width {
            return c.name(ofFeature: index)
        }
        return "column \(index)"
    }

    /// One line per CSV column: role, features, distinct values, empty cells, and for hashed
    /// columns how many values share a bucket.
    public var columnSummary: [String] {
        columns.map { c in
            let distinct = "\(c.distinctValues) distinct", empty = c.missingRows > 0 ? ", \(c.missingRows) empty" : ""
            switch c.role {
            case .numeric:
                return "\(c.name): numeric, log-scaled and standardised (\(distinct)\(empty))"
            case .categorical:
                return "\(c.name): categorical, one indicator per value (\(distinct)\(empty))"
            case .hashed:
                let colliding = c.collidingValues ?? 0, rows = c.collidingRows ?? 0
                return "\(c.name): frequency, label rate and \(c.buckets) signed hash buckets (\(distinct)\(empty); \(c.counts?.count ?? 0) seen twice or more are kept); \(colliding) kept values share a bucket with another, \(rows) training rows hold one"
            case .ignored:
                return c.distinctValues > 0 ? "\(c.name): ignored: nearly every value is unique (\(distinct)), an identifier has nothing to learn from (--categorical \(c.name) keeps it)"
                    : "\(c.name): ignored"
            }
        }
    }
}
