internal import CKernels

/// A logistic model over a fixed feature schema: p = sigmoid(x · weights + bias).
///
/// Scoring runs the fused C kernel `vk_logistic_scores` (one pass over the features,
/// dot product and sigmoid together) on contiguous row ranges, one per thread.
public struct LogisticModel: Sendable, Equatable {
    /// One weight per feature.
    public private(set) var weights: [Float]
    /// The intercept.
    public private(set) var bias: Float
    /// Identifies the feature schema the weights were fitted on; scoring input built with
    /// another schema is meaningless, so callers compare it before scoring.
    public var featureSchemaID: String

    /// Rows below which one thread scores alone (thread start-up costs more than it saves).
    static let rowsPerThreadMinimum = 16_384

    /// - Throws: `.invalidArgument` if `weights` is empty; `.nonFinite` naming the first
    ///   non-finite weight (`row` 0, `column` = feature) or the bias (`column` -1).
    public init(weights: [Float], bias: Float, featureSchemaID: String) throws(EngineError) {
        guard !weights.isEmpty else { throw .invalidArgument(name: "weights", reason: "a model needs at least one weight") }
        if let bad = weights.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: "weights", row: 0, column: bad, value: weights[bad])
        }
        guard bias.isFinite else { throw .nonFinite(what: "bias", row: 0, column: -1, value: bias) }
        self.weights = weights
        self.bias = bias
        self.featureSchemaID = featureSchemaID
    }

    /// Number of features the model expects.
    public var dimension: Int { weights.count }

    /// The probability for each row of `x`.
    /// - Throws: `.shapeMismatch` if `x.columns != dimension`.
    /// - Complexity: O(rows × columns), memory-bound; split over `threads` threads.
    public func scores(_ x: FeatureMatrix, threads: Int = Parallelism.defaultThreads) throws(EngineError) -> [Float] {
        var out = [Float](repeating: 0, count: x.rows)
        try scores(x, into: &out, threads: threads)
        return out
    }

    /// Writes the probability of each row of `x` into `out`, resizing it to `x.rows`
    /// (reusing its storage lets streaming callers avoid fresh, cold pages).
    /// - Throws: `.shapeMismatch` if `x.columns != dimension`; `.invalidArgument` if
    ///   `threads < 1`.
    public func scores(_ x: FeatureMatrix, into out: inout [Float], threads: Int = Parallelism.defaultThreads) throws(EngineError) {
        try checkInput(x, threads: threads)
        if out.count != x.rows { out = [Float](repeating: 0, count: x.rows) }
        out.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            score(x.storage.base, rows: x.rows, into: base, threads: threads)
        }
    }

    /// Scores `rows` contiguous rows at `x` into `out`, split over threads.
    func score(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>, threads: Int) {
        let input = SharedConstPointer(base: x), output = SharedPointer(base: out)
        let d = dimension, b = bias
        weights.withUnsafeBufferPointer { w in
            let wp = SharedConstPointer(base: w.baseAddress!)
            Parallelism.forEachRange(count: rows, threads: threads, minimum: Self.rowsPerThreadMinimum) { _, range in
                vk_logistic_scores(input.base + range.lowerBound * d, range.count, d, d, wp.base, b, output.base + range.lowerBound)
            }
        }
    }

    /// The `top` largest contributions `x[i, j] * weights[j]` of each row, by magnitude,
    /// signed, ties broken by the lower feature index (kernel `vk_top_contributions`).
    /// Fewer than `top` entries per row if the model has fewer features.
    /// - Throws: `.shapeMismatch`; `.invalidArgument` if `top < 1`.
    public func contributions(_ x: FeatureMatrix, top: Int, threads: Int = Parallelism.defaultThreads) throws(EngineError) -> [[Contribution]] {
        try checkInput(x, threads: threads)
        guard top >= 1 else { throw .invalidArgument(name: "top", reason: "must be >= 1, got \(top)") }
        let m = top, d = dimension
        var values = [Float](repeating: 0, count: x.rows * m)
        var features = [Int32](repeating: -1, count: x.rows * m)
        let input = SharedConstPointer(base: x.storage.base)
        values.withUnsafeMutableBufferPointer { v in
            features.withUnsafeMutableBufferPointer { f in
                weights.withUnsafeBufferPointer { w in
                    guard let vb = v.baseAddress, let fb = f.baseAddress else { return }
                    let vo = SharedPointer(base: vb), fo = SharedPointer(base: fb), wp = SharedConstPointer(base: w.baseAddress!)
                    Parallelism.forEachRange(count: x.rows, threads: threads, minimum: 4096) { _, r in
                        vk_top_contributions(input.base + r.lowerBound * d, r.count, d, d, wp.base, m,
                                             vo.base + r.lowerBound * m, fo.base + r.lowerBound * m)
                    }
                }
            }
        }
        return (0..<x.rows).map { i in
            (0..<m).compactMap { j in
                let f = Int(features[i * m + j])
                return f < 0 ? nil : Contribution(feature: f, value: values[i * m + j])
            }
        }
    }

    func checkInput(_ x: FeatureMatrix, threads: Int) throws(EngineError) {
        guard x.columns == dimension else {
            throw .shapeMismatch(what: "features", expected: "N x \(dimension) (model \(featureSchemaID))", actual: "\(x.rows) x \(x.columns)")
        }
        guard threads >= 1 else { throw .invalidArgument(name: "threads", reason: "must be >= 1, got \(threads)") }
        EngineSetup.ready()
    }

    mutating func update(weights newWeights: [Float], bias newBias: Float) {
        weights = newWeights
        bias = newBias
    }
}

/// One feature's signed share of a logistic score: `x_j * w_j`.
public struct Contribution: Sendable, Equatable, Hashable {
    /// Feature (column) index.
    public let feature: Int
    /// Signed contribution to the logit.
    public let value: Float

    public init(feature: Int, value: Float) {
        self.feature = feature
        self.value = value
    }
}
