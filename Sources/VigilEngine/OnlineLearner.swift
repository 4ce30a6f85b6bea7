internal import CKernels

/// Updates a logistic model one labelled mini-batch at a time (L2-regularised gradient
/// descent on the mean log loss; kernels `vk_logistic_loss_grad`, `vk_logistic_sgd_step`).
public struct OnlineLearner: Sendable {
    /// The model as updated so far.
    public private(set) var model: LogisticModel
    /// Step size.
    public var learningRate: Float
    /// L2 penalty strength (on weights, not the bias).
    public var l2: Float
    /// Batches applied.
    public private(set) var steps = 0

    /// - Throws: `.invalidArgument` unless `learningRate > 0` and `l2 >= 0` (finite).
    public init(model: LogisticModel, learningRate: Float, l2: Float = 0) throws(EngineError) {
        guard learningRate > 0, learningRate.isFinite else { throw .invalidArgument(name: "learningRate", reason: "must be a finite value > 0, got \(learningRate)") }
        guard l2 >= 0, l2.isFinite else { throw .invalidArgument(name: "l2", reason: "must be a finite value >= 0, got \(l2)") }
        self.model = model
        self.learningRate = learningRate
        self.l2 = l2
    }

    /// Mean regularised log loss and its gradient on a batch, without changing the model.
    /// - Throws: as `update`.
    public func lossAndGradient(batch: FeatureMatrix, labels: [Float], sampleWeights: [Float]? = nil) throws(EngineError) -> (loss: Double, weights: [Float], bias: Float) {
        try check(batch: batch, labels: labels, sampleWeights: sampleWeights)
        var grad = [Float](repeating: 0, count: model.dimension)
        var gradBias: Float = 0
        var residual = [Float](repeating: 0, count: batch.rows)
        let loss = withOptionalBuffer(sampleWeights) { sw in
            vk_logistic_loss_grad(batch.storage.base, batch.rows, batch.columns, batch.columns, labels, sw,
                                  model.weights, model.bias, l2, &grad, &gradBias, &residual)
        }
        return (loss, grad, gradBias)
    }

    /// Applies one gradient step on a labelled batch.
    /// - Parameters:
    ///   - labels: one per row, in [0, 1] (1 = malicious).
    ///   - sampleWeights: optional non-negative weight per row (e.g. to stop a flood of
    ///     dismissals from one analyst dominating).
    /// - Returns: the batch loss before the step.
    /// - Throws: `.shapeMismatch` for wrong lengths or width; `.invalidArgument` for an
    ///   empty batch, a label outside [0, 1] or a negative/non-finite weight (naming the row).
    @discardableResult
    public mutating func update(batch: FeatureMatrix, labels: [Float], sampleWeights: [Float]? = nil) throws(EngineError) -> Double {
        try check(batch: batch, labels: labels, sampleWeights: sampleWeights)
        var w = model.weights
        var b = model.bias
        var workspace = [Float](repeating: 0, count: batch.rows + model.dimension)
        let (rate, penalty) = (learningRate, l2)
        let loss = withOptionalBuffer(sampleWeights) { sw in
            vk_logistic_sgd_step(batch.storage.base, batch.rows, batch.columns, batch.columns, labels, sw,
                                 &w, &b, penalty, rate, &workspace)
        }
        model.update(weights: w, bias: b)
        steps += 1
        return loss
    }

    private func check(batch: FeatureMatrix, labels: [Float], sampleWeights: [Float]?) throws(EngineError) {
        try model.checkInput(batch, threads: 1)
        guard batch.rows >= 1 else { throw .invalidArgument(name: "batch", reason: "needs at least one row") }
        try LabelledBatch.check(rows: batch.rows, labels: labels, sampleWeights: sampleWeights)
    }
}

private func withOptionalBuffer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let values else { return body(nil) }
    return values.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Validation shared by everything that learns from labelled rows.
enum LabelledBatch {
    /// Throws `.shapeMismatch` for a label or weight count other than `rows`, and
    /// `.invalidArgument` naming the first label outside [0, 1] or weight that is negative
    /// or not finite.
    static func check(rows: Int, labels: [Float], sampleWeights: [Float]?) throws(EngineError) {
        guard labels.count == rows else { throw .shapeMismatch(what: "labels", expected: "\(rows)", actual: "\(labels.count)") }
        if let bad = labels.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw .invalidArgument(name: "labels[\(bad)]", reason: "must be in [0, 1], got \(labels[bad])")
        }
        if let sampleWeights {
            guard sampleWeights.count == rows else { throw .shapeMismatch(what: "sampleWeights", expected: "\(rows)", actual: "\(sampleWeights.count)") }
            if let bad = sampleWeights.firstIndex(where: { !($0 >= 0 && $0.isFinite) }) {
                throw .invalidArgument(name: "sampleWeights[\(bad)]", reason: "must be finite and >= 0, got \(sampleWeights[bad])")
            }
        }
    }
}
