/// One CSV column's role in a `TabularSchema` and the parameters fitted for it on the
/// training split. Its features occupy `offset..<offset + width` of the vector:
///
/// | role | features |
/// |---|---|
/// | `numeric` | scaled value `(sign(x)·log1p(|x|) − mean) / sd` (0 when empty), empty-cell indicator |
/// | `categorical` | empty-cell indicator, one indicator per `vocabulary` value, one for a value not in it |
/// | `hashed` | empty-cell indicator, frequency `(log1p(count) − rarityMean) / raritySD`, label rate, then `width − 3` signed hash buckets |
/// | `ignored` | none |
///
/// `categorical` is used when the training split holds few distinct values (exact, no
/// collisions); `hashed` when it holds many. A hashed column keeps the training count and
/// positives of each value seen at least twice, and featurizes a value three ways: how often
/// it was seen (in security data how rare a value is often matters more than which value it
/// is), its smoothed label rate as log-odds against the base rate (one feature that carries
/// every frequent value's own effect, with no collisions), and a signed hash bucket (values
/// sharing a bucket cancel in expectation instead of adding up). Values seen once, or
/// never, get frequency 0, label rate 0 (the base rate) and no bucket: nothing about them
/// was learnt. For training rows both statistics leave the row out (the label rate leaves
/// out the row's whole fold), so the model never sees its own label through them.
public struct TabularColumn: Sendable, Equatable, Codable {
    /// How the column is featurized.
    public enum Role: String, Sendable, Codable, CaseIterable {
        case numeric, categorical, hashed, ignored
    }

    /// Header name.
    public var name: String
    /// How the column is featurized.
    public var role: Role
    /// First feature column.
    public var offset: Int
    /// Number of feature columns (0 when ignored).
    public var width: Int
    /// Distinct non-empty values in the training split.
    public var distinctValues: Int
    /// Training rows whose cell was empty.
    public var missingRows: Int
    /// `numeric`: mean and standard deviation of `sign(x)·log1p(|x|)` over the training split.
    public var mean: Double?
    /// `numeric`: see `mean` (1 for a constant column).
    public var sd: Double?
    /// `categorical`: the values, most frequent first.
    public var vocabulary: [String]?
    /// `hashed`: training counts of values seen at least twice (at most
    /// `TabularOptions.countsLimit`, the most frequent kept); others count as 0.
    public var counts: [String: Int]?
    /// `hashed`: positive training rows of each value in `counts` (absent when 0).
    public var positives: [String: Int]?
    /// `hashed`: share of positive rows in the training split (the label rate's prior).
    public var prior: Double?
    /// `hashed`: mean and standard deviation of `log1p(count)` over the training split.
    public var rarityMean: Double?
    /// `hashed`: see `rarityMean`.
    public var raritySD: Double?
    /// `hashed`: distinct training values that share a bucket with another value, and the
    /// training rows holding such a value (what the hashing width costs).
    public var collidingValues: Int?
    /// `hashed`: see `collidingValues`.
    public var collidingRows: Int?

    enum CodingKeys: String, CodingKey {
        case name, role, offset, width, distinctValues = "distinct_values", missingRows = "missing_rows", mean, sd, vocabulary, counts, positives, prior,
             rarityMean = "rarity_mean", raritySD = "rarity_sd", collidingValues = "colliding_values", collidingRows = "colliding_rows"
    }

    /// Number of hash buckets (`hashed` only; 0 otherwise).
    public var buckets: Int { role == .hashed ? width - 3 : 0 }

    /// Features of a hashed column before its buckets.
    static let hashedFixedWidth = 3

    /// Pseudo-rows at the prior that smooth a label rate: a value seen 10 times moves
    /// half-way from the base rate to its own rate.
    public static let labelRateSmoothing = 10.0

    /// `logit((positives + m·prior) / (count + m)) − logit(prior)` with m =
    /// `labelRateSmoothing`: 0 for an unseen value, the value's own log-odds shift when
    /// it was seen often.
    public static func labelRate(count: Int, positives: Int, prior: Double) -> Double {
        let m = labelRateSmoothing
        let rate = (Double(positives) + m * prior) / (Double(count) + m)
        return log(rate / (1 - rate)) - log(prior / (1 - prior))
    }

    init(name: String, role: Role, distinctValues: Int, missingRows: Int) {
        self.name = name
        self.role = role
        offset = 0
        width = 0
        self.distinctValues = distinctValues
        self.missingRows = missingRows
    }

    /// `sign(x)·log1p(|x|)`: keeps the order and sign of heavy-tailed counts and sizes while
    /// bringing 10⁹ within a few units of 10³.
    public static func signedLog(_ x: Double) -> Double { x < 0 ? -log1p(-x) : log1p(x) }

    /// The bucket (`0..<buckets`) and sign (±1) of `value` in column `name`'s hashed block:
    /// FNV-1a 64 over the column name, a 0x1F separator and the value's UTF-8 bytes, then
    /// the SplitMix64 finaliser; the top bit is the sign, the rest picks the bucket.
    /// - Complexity: O(name + value length).
    public static func bucket(column name: String, value: String, buckets: Int) -> (bucket: Int, sign: Float) {
        bucket(seed: hashSeed(column: name), value: value, buckets: buckets)
    }

    /// FNV-1a state after a column's name and separator (precomputed per column).
    static func hashSeed(column name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return (h ^ 0x1F) &* 0x0000_0100_0000_01B3
    }

    static func bucket(seed: UInt64, value: String, buckets: Int) -> (bucket: Int, sign: Float) {
        var h = seed
        for b in value.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return (Int((h & 0x7FFF_FFFF_FFFF_FFFF) % UInt64(buckets)), h >> 63 == 0 ? 1 : -1)
    }

    /// Human name of feature `index` (`offset <= index < offset + width`).
    func name(ofFeature index: Int) -> String {
        let k = index - offset
        switch role {
        case .numeric: return k == 0 ? "\(name) (log-scaled)" : "\(name) empty"
        case .categorical:
            if k == 0 { return "\(name) empty" }
            if let vocabulary, k - 1 < vocabulary.count { return "\(name) = \(vocabulary[k - 1])" }
            return "\(name) = other value"
        case .hashed:
            if k == 0 { return "\(name) empty" }
            if k == 1 { return "\(name) frequency in training" }
            if k == 2 { return "\(name) label rate in training" }
            return "\(name) (hashed bucket \(k - 3))"
        case .ignored: return name
        }
    }
}

import Foundation
