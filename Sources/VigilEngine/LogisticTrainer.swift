internal import CKernels

/// Fits an L2-regularised logistic model to convergence with L-BFGS on the full batch.
///
/// Minimises mean log loss + (l2/2)·|w|² (bias not penalised). Each iteration is one
/// gradient pass (`vk_logistic_loss_grad`) split over threads by rows, so a 100,000 × 128
/// problem takes a few dozen milliseconds per pass.
public struct LogisticTrainer: Sendable {
    /// L2 penalty strength.
    public var l2: Float
    /// Stop when the gradient's max-norm falls below this.
    public var gradientTolerance: Double
    /// Iteration cap.
    public var maxIterations: Int
    /// L-BFGS memory (pairs kept).
    public var memory: Int
    public var threads: Int

    /// What a fit did.
    public struct Report: Sendable, Equatable {
        public var iterations: Int
        public var loss: Double
        public var gradientNorm: Double
        public var converged: Bool
    }

    /// - Throws: `.invalidArgument` for a negative or non-finite `l2`, a non-positive
    ///   tolerance, iteration cap, memory or thread count.
    public init(l2: Float = 1e-4, gradientTolerance: Double = 1e-5, maxIterations: Int = 500, memory: Int = 10,
                threads: Int = Parallelism.defaultThreads) throws(EngineError) {
        guard l2 >= 0, l2.isFinite else { throw .invalidArgument(name: "l2", reason: "must be finite and >= 0, got \(l2)") }
        guard gradientTolerance > 0 else { throw .invalidArgument(name: "gradientTolerance", reason: "must be > 0") }
        guard maxIterations >= 1, memory >= 1, threads >= 1 else {
            throw .invalidArgument(name: "maxIterations/memory/threads", reason: "must each be >= 1")
        }
        self.l2 = l2
        self.gradientTolerance = gradientTolerance
        self.maxIterations = maxIterations
        self.memory = memory
        self.threads = threads
    }

    /// Fits weights and bias to `x` and `labels` (0/1 or soft labels in [0, 1]).
    /// - Parameters:
    ///   - sampleWeights: optional non-negative weight per row.
    /// - Throws: `.invalidArgument` for an empty batch or labels outside [0, 1];
    ///   `.shapeMismatch` for wrong lengths.
    public func fit(_ x: FeatureMatrix, labels: [Float], sampleWeights: [Float]? = nil,
                    featureSchemaID: String) throws(EngineError) -> (model: LogisticModel, report: Report) {
        guard x.rows >= 1, x.columns >= 1 else { throw .invalidArgument(name: "x", reason: "needs at least one row and column, got \(x.rows) x \(x.columns)") }
        try LabelledBatch.check(rows: x.rows, labels: labels, sampleWeights: sampleWeights)
        EngineSetup.ready()
        let d = x.columns
        let objective = Objective(x: x, labels: labels, sampleWeights: sampleWeights, l2: Double(l2), threads: threads)
        // Parameters: d weights then the bias, in double for the optimiser's arithmetic.
        var theta = [Double](repeating: 0, count: d + 1)
        var (f, g) = objective.evaluate(theta)
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iterations = 0
        var gnorm = g.map(abs).max() ?? 0
        while gnorm > gradientTolerance && iterations < maxIterations {
            iterations += 1
            // Two-loop recursion: direction = -H·g.
            var q = g
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for i in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[i] = rhoHistory[i] * dot(sHistory[i], q)
                axpy(-alphas[i], yHistory[i], &q)
            }
            if let s = sHistory.last, let y = yHistory.last {
                let gamma = dot(s, y) / max(dot(y, y), 1e-300)
                for j in q.indices { q[j] *= gamma }
            } else {
                let scale = 1 / max(gnorm, 1)
                for j in q.indices { q[j] *= scale }
            }
            for i in 0..<sHistory.count {
                let beta = rhoHistory[i] * dot(yHistory[i], q)
                axpy(alphas[i] - beta, sHistory[i], &q)
            }
            var direction = q.map { -$0 }
            var slope = dot(g, direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                direction = g.map { -$0 }
                slope = -dot(g, g)
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
            }
            // Backtracking line search (Armijo).
            var step = 1.0
            var next = theta, fNext = f, gNext = g
            var accepted = false
            for _ in 0..<40 {
                for j in next.indices { next[j] = theta[j] + step * direction[j] }
                (fNext, gNext) = objective.evaluate(next)
                if fNext <= f + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { break }
            let s = zip(next, theta).map { $0 - $1 }, y = zip(gNext, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
            }
            let improvement = f - fNext
            (theta, f, g) = (next, fNext, gNext)
            gnorm = g.map(abs).max() ?? 0
            if improvement < 1e-12 * max(1, abs(f)) { break }
        }
        let model = try LogisticModel(weights: theta[0..<d].map { Float($0) }, bias: Float(theta[d]), featureSchemaID: featureSchemaID)
        return (model, Report(iterations: iterations, loss: f, gradientNorm: gnorm, converged: gnorm <= gradientTolerance))
    }
}

/// Mean regularised log loss and gradient over row slices computed in parallel.
private struct Objective {
    let x: FeatureMatrix
    let labels: [Float]
    let sampleWeights: [Float]?
    let l2: Double
    let threads: Int

    func evaluate(_ theta: [Double]) -> (Double, [Double]) {
        let d = x.columns, n = x.rows
        let w = theta[0..<d].map { Float($0) }, bias = Float(theta[d])
        let parts = Parallelism.partition(count: n, threads: threads, minimum: 8192)
        let results = PartResults(count: parts.count, dimension: d)
        let input = SharedConstPointer(base: x.storage.base)
        labels.withUnsafeBufferPointer { y in
            let yp = SharedConstPointer(base: y.baseAddress!)
            let sp = sampleWeights.map { sw in sw.withUnsafeBufferPointer { SharedConstPointer(base: $0.baseAddress!) } }
            w.withUnsafeBufferPointer { wb in
                let wp = SharedConstPointer(base: wb.baseAddress!)
                Parallelism.forEachRange(count: n, threads: threads, minimum: 8192) { part, r in
                    var grad = [Float](repeating: 0, count: d)
                    var gradBias: Float = 0
                    var residual = [Float](repeating: 0, count: r.count)
                    let loss = vk_logistic_loss_grad(input.base + r.lowerBound * d, r.count, d, d, yp.base + r.lowerBound,
                                                     sp.map { $0.base + r.lowerBound }, wp.base, bias, 0,
                                                     &grad, &gradBias, &residual)
                    results.store(part: part, loss: loss, grad: grad, gradBias: gradBias, rows: r.count)
                }
            }
        }
        return results.combine(rows: n, l2: l2, weights: theta[0..<d])
    }
}

/// Per-part partial sums, each written by its own part only.
private final class PartResults: @unchecked Sendable {
    var loss: [Double], grads: [[Float]], biases: [Float], rows: [Int]
    init(count: Int, dimension: Int) {
        loss = Array(repeating: 0, count: count)
        grads = Array(repeating: [], count: count)
        biases = Array(repeating: 0, count: count)
        rows = Array(repeating: 0, count: count)
    }
    func store(part: Int, loss l: Double, grad: [Float], gradBias: Float, rows n: Int) {
        loss[part] = l; grads[part] = grad; biases[part] = gradBias; rows[part] = n
    }
    /// Row-weighted means of the parts' means, plus the L2 term.
    func combine(rows n: Int, l2: Double, weights: ArraySlice<Double>) -> (Double, [Double]) {
        var f = 0.0
        var g = [Double](repeating: 0, count: weights.count + 1)
        for p in loss.indices {
            let share = Double(rows[p]) / Double(n)
            f += share * loss[p]
            for j in 0..<weights.count { g[j] += share * Double(grads[p][j]) }
            g[weights.count] += share * Double(biases[p])
        }
        for (j, wj) in weights.enumerated() {
            f += l2 / 2 * wj * wj
            g[j] += l2 * wj
        }
        return (f, g)
    }
}

private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

private func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    for i in y.indices { y[i] += alpha * x[i] }
}
