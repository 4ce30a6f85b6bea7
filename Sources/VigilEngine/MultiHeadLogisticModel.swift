internal import CKernels

/// Several logistic heads over the same features, scored together:
/// p[i, h] = sigmoid(x_i · w_h + bias_h).
///
/// One `cblas_sgemm` per thread's row range, then an in-place SIMD bias + sigmoid
/// (kernel `vk_logistic_scores_multi`).
public struct MultiHeadLogisticModel: Sendable, Equatable {
    /// heads × features; row h holds head h's weights.
    public let weights: FeatureMatrix
    /// One intercept per head.
    public let biases: [Float]

    /// - Throws: `.invalidArgument` for no heads or no features; `.shapeMismatch` if
    ///   `biases.count != weights.rows`; `.nonFinite` naming a non-finite bias.
    public init(weights: FeatureMatrix, biases: [Float]) throws(EngineError) {
        guard weights.rows >= 1, weights.columns >= 1 else {
            throw .invalidArgument(name: "weights", reason: "need at least one head and one feature, got \(weights.rows) x \(weights.columns)")
        }
        guard biases.count == weights.rows else {
            throw .shapeMismatch(what: "biases", expected: "\(weights.rows)", actual: "\(biases.count)")
        }
        if let bad = biases.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: "biases", row: bad, column: 0, value: biases[bad])
        }
        self.weights = weights
        self.biases = biases
    }

    /// Number of heads.
    public var heads: Int { weights.rows }

    /// An N × heads matrix of probabilities.
    /// - Throws: `.shapeMismatch` if `x.columns != weights.columns`.
    /// - Complexity: 2·N·D·H flops (BLAS) + N·H sigmoids.
    public func scores(_ x: FeatureMatrix, threads: Int = Parallelism.defaultThreads) throws(EngineError) -> FeatureMatrix {
        guard x.columns == weights.columns else {
            throw .shapeMismatch(what: "features", expected: "N x \(weights.columns)", actual: "\(x.rows) x \(x.columns)")
        }
        guard threads >= 1 else { throw .invalidArgument(name: "threads", reason: "must be >= 1, got \(threads)") }
        EngineSetup.ready()
        let result = FeatureMatrix(rows: x.rows, columns: heads)
        let d = x.columns, h = heads
        let input = SharedConstPointer(base: x.storage.base), w = SharedConstPointer(base: weights.storage.base)
        let out = SharedPointer(base: result.storage.base)
        biases.withUnsafeBufferPointer { b in
            let bp = SharedConstPointer(base: b.baseAddress!)
            Parallelism.forEachRange(count: x.rows, threads: threads, minimum: 4096) { _, r in
                vk_logistic_scores_multi(input.base + r.lowerBound * d, r.count, d, d, w.base, h, d, bp.base,
                                         out.base + r.lowerBound * h, h)
            }
        }
        return result
    }
}
