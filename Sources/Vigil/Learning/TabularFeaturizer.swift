/// A `TabularSchema` bound to one file's header: turns that file's rows into feature
/// vectors. Columns are found by name, so the scored file may order them differently, add
/// columns, or leave out the label.
public struct TabularFeaturizer: Sendable {
    /// The layout rows are featurized into.
    public let schema: TabularSchema
    /// Fields every row of the bound file has (the header's count).
    public let fieldCount: Int
    private let plans: [Plan]

    private struct Plan: Sendable {
        let name: String
        let position: Int
        let offset: Int
        let kind: Kind
    }

    private enum Kind: Sendable {
        case numeric(mean: Double, sd: Double)
        case categorical(index: [String: Int], other: Int)
        case hashed(seed: UInt64, buckets: Int, counts: [String: Int], positives: [String: Int], prior: Double, mean: Double, sd: Double,
                    folds: [[String: ValueStatistics]])
    }

    /// A value's training rows and how many were positive.
    struct ValueStatistics: Sendable, Equatable {
        var count = 0
        var positives = 0
    }

    /// What featurizing training rows needs beyond the schema: per hashed column, each
    /// fold's statistics of the kept values, so a row's label rate leaves out its fold.
    struct TrainingStatistics: Sendable {
        var folds: [String: [[String: ValueStatistics]]] = [:]
    }

    /// Why a row cannot be featurized: the column (header name, or `$` for the row as a
    /// whole), the reject category and the reason.
    public struct Fault: Sendable, Equatable {
        /// Header name of the column, or `$`.
        public var field: String
        /// The reject category.
        public var kind: RejectReason
        /// What was wrong, naming the value.
        public var reason: String
    }

    /// Binds `schema` to `header`.
    /// - Throws: `.invalidConfiguration` naming `source` when a column the schema uses is
    ///   missing from the header or a header name repeats.
    public init(schema: TabularSchema, header: [String], source: String) throws(VigilError) {
        try self.init(schema: schema, header: header, source: source, training: TrainingStatistics())
    }

    /// Binds `schema` to `header`, with the fold statistics that featurizing training rows
    /// (`featurize(_:into:trainingFold:)` with a fold) needs.
    init(schema: TabularSchema, header: [String], source: String, training: TrainingStatistics) throws(VigilError) {
        var position: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let name = Self.trimmed(name)
            guard position[name] == nil else { throw .invalidConfiguration(file: source, location: "header", reason: "column '\(name)' appears twice") }
            position[name] = i
        }
        var plans: [Plan] = []
        for c in schema.columns where c.role != .ignored {
            guard let p = position[c.name] else {
                throw .invalidConfiguration(file: source, location: "header", reason: "column '\(c.name)' (\(c.role.rawValue) in \(schema.id)) is missing")
            }
            let kind: Kind
            switch c.role {
            case .numeric:
                kind = .numeric(mean: c.mean ?? 0, sd: c.sd ?? 1)
            case .categorical:
                let vocabulary = c.vocabulary ?? []
                kind = .categorical(index: Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) }), other: vocabulary.count)
            case .hashed:
                kind = .hashed(seed: TabularColumn.hashSeed(column: c.name), buckets: c.buckets, counts: c.counts ?? [:],
                               positives: c.positives ?? [:], prior: c.prior ?? 0.5, mean: c.rarityMean ?? 0, sd: c.raritySD ?? 1,
                               folds: training.folds[c.name] ?? [])
            case .ignored:
                continue
            }
            plans.append(Plan(name: c.name, position: p, offset: c.offset, kind: kind))
        }
        self.schema = schema
        self.plans = plans
        fieldCount = header.count
    }

    /// Writes the features of one row (`fields` in the bound header's order) to `out`
    /// (`schema.width` floats, overwritten), or returns the first fault: a wrong field
    /// count, a numeric cell that is not a number, or NaN/infinity.
    /// - Parameter trainingFold: for rows of the training split, the row's fold: a hashed
    ///   value's frequency then leaves this row out (so a value seen once in training looks
    ///   like an unseen one, as it will when scoring new data) and its label rate leaves out
    ///   the row's fold. Needs the featurizer the schema was fitted with.
    /// - Complexity: O(total length of the used fields).
    public func featurize(_ fields: [String], into out: UnsafeMutableBufferPointer<Float>, trainingFold: Int? = nil) -> Fault? {
        precondition(out.count == schema.width, "TabularFeaturizer: output holds \(out.count) floats, schema width is \(schema.width)")
        guard fields.count == fieldCount else {
            return Fault(field: "$", kind: .invalidValue, reason: "row has \(fields.count) fields, the header has \(fieldCount)")
        }
        out.update(repeating: 0)
        for plan in plans {
            let text = Self.trimmed(fields[plan.position])
            let o = plan.offset
            switch plan.kind {
            case let .numeric(mean, sd):
                if text.isEmpty { out[o + 1] = 1; continue }
                guard let x = Double(text) else {
                    return Fault(field: plan.name, kind: .invalidValue, reason: "'\(text)' is not a number (the column is numeric)")
                }
                guard x.isFinite else { return Fault(field: plan.name, kind: .nonFiniteNumber, reason: "\(text) is not a finite number") }
                out[o] = Float((TabularColumn.signedLog(x) - mean) / sd)
            case let .categorical(index, other):
                if text.isEmpty { out[o] = 1; continue }
                out[o + 1 + (index[text] ?? other)] = 1
            case let .hashed(seed, buckets, counts, positives, prior, mean, sd, folds):
                if text.isEmpty { out[o] = 1; continue }
                guard var count = counts[text] else {
                    out[o + 1] = Float(-mean / sd)  // seen at most once: frequency 0, base rate, no bucket
                    continue
                }
                var positive = positives[text] ?? 0
                if let fold = trainingFold {
                    let own = folds[fold][text] ?? ValueStatistics()
                    out[o + 1] = Float((log1p(Double(count - 1)) - mean) / sd)
                    count -= own.count
                    positive -= own.positives
                } else {
                    out[o + 1] = Float((log1p(Double(count)) - mean) / sd)
                }
                out[o + 2] = Float(TabularColumn.labelRate(count: count, positives: positive, prior: prior))
                let (b, sign) = TabularColumn.bucket(seed: seed, value: text, buckets: buckets)
                out[o + TabularColumn.hashedFixedWidth + b] += sign
            }
        }
        return nil
    }

    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        func blank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        guard let first = utf8.first, let last = utf8.last, blank(first) || blank(last) else { return text }
        guard let lo = utf8.firstIndex(where: { !blank($0) }), let hi = utf8.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[lo...hi])
    }
}

import Foundation
