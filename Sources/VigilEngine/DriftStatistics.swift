internal import CKernels

/// A histogram of one feature over fixed bin edges (kernel `vk_histogram`).
public struct FeatureHistogram: Sendable, Equatable {
    /// Ascending inner edges; there are `edges.count + 1` bins.
    public let edges: [Float]
    /// Count per bin.
    public private(set) var counts: [UInt64]
    /// Values that were NaN (kept apart, not binned).
    public private(set) var nanCount: UInt64

    /// An empty histogram.
    /// - Throws: `.invalidArgument` if `edges` is empty, not strictly ascending or not finite.
    public init(edges: [Float]) throws(EngineError) {
        guard !edges.isEmpty else { throw .invalidArgument(name: "edges", reason: "need at least one edge") }
        for (i, e) in edges.enumerated() {
            guard e.isFinite else { throw .invalidArgument(name: "edges[\(i)]", reason: "must be finite, got \(e)") }
            if i > 0, !(edges[i - 1] < e) { throw .invalidArgument(name: "edges[\(i)]", reason: "edges must be strictly ascending (\(edges[i - 1]) then \(e))") }
        }
        self.edges = edges
        counts = [UInt64](repeating: 0, count: edges.count + 1)
        nanCount = 0
    }

    /// Edges at the reference's quantiles, `bins` bins of about equal mass (duplicate
    /// quantiles of discrete features are merged, so there may be fewer bins).
    /// - Throws: `.invalidArgument` if `bins < 2` or `reference` has no finite values.
    public static func quantileEdges(of reference: [Float], bins: Int) throws(EngineError) -> [Float] {
        guard bins >= 2 else { throw .invalidArgument(name: "bins", reason: "must be >= 2, got \(bins)") }
        let sorted = reference.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { throw .invalidArgument(name: "reference", reason: "has no finite values") }
        var edges: [Float] = []
        for b in 1..<bins {
            let e = sorted[min(sorted.count - 1, b * sorted.count / bins)]
            if edges.last.map({ $0 < e }) ?? true { edges.append(e) }
        }
        if edges.isEmpty { edges = [sorted[0].nextUp] }
        return edges
    }

    /// Adds `values` (any length; NaN goes to `nanCount`).
    public mutating func add(_ values: [Float]) {
        values.withUnsafeBufferPointer { add($0.baseAddress, count: $0.count, stride: 1) }
    }

    /// Adds column `column` of `matrix`. - Precondition: column in range.
    public mutating func add(column: Int, of matrix: FeatureMatrix) {
        precondition(column >= 0 && column < matrix.columns, "column \(column) out of 0..<\(matrix.columns)")
        add(matrix.storage.base + column, count: matrix.rows, stride: matrix.columns)
    }

    private mutating func add(_ base: UnsafePointer<Float>?, count: Int, stride: Int) {
        guard let base, count > 0 else { return }
        var scratch = counts + [nanCount]
        edges.withUnsafeBufferPointer { e in
            vk_histogram(base, count, stride, e.baseAddress!, e.count, &scratch)
        }
        counts = Array(scratch.dropLast())
        nanCount = scratch.last!
    }

    /// Population stability index of `self` (current) against `reference`:
    /// sum over bins of (c - r) · ln(c / r) on bin fractions floored at `epsilon`
    /// (kernel `vk_psi`). Rules of thumb: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 drift.
    /// - Throws: `.shapeMismatch` if the edges differ.
    public func populationStability(against reference: FeatureHistogram, epsilon: Double = 1e-4) throws(EngineError) -> Double {
        guard edges == reference.edges else {
            throw .shapeMismatch(what: "histogram edges", expected: "\(reference.edges.count) reference edges", actual: "\(edges.count) different edges")
        }
        return vk_psi(reference.counts, counts, counts.count, epsilon)
    }
}

/// Drift of each feature between a reference window and a current window.
public enum DriftStatistics {
    /// PSI per column, with `bins` quantile bins of the reference column.
    /// - Throws: `.shapeMismatch` if the widths differ; `.invalidArgument` for `bins < 2`
    ///   or an empty reference.
    public static func columnStability(reference: FeatureMatrix, current: FeatureMatrix, bins: Int = 10) throws(EngineError) -> [Double] {
        guard reference.columns == current.columns else {
            throw .shapeMismatch(what: "current window", expected: "N x \(reference.columns)", actual: "\(current.rows) x \(current.columns)")
        }
        guard reference.rows > 0 else { throw .invalidArgument(name: "reference", reason: "has no rows") }
        var result: [Double] = []
        for column in 0..<reference.columns {
            let values = (0..<reference.rows).map { reference[$0, column] }
            let edges = try FeatureHistogram.quantileEdges(of: values, bins: bins)
            var ref = try FeatureHistogram(edges: edges)
            ref.add(column: column, of: reference)
            var cur = try FeatureHistogram(edges: edges)
            cur.add(column: column, of: current)
            result.append(try cur.populationStability(against: ref))
        }
        return result
    }
}
