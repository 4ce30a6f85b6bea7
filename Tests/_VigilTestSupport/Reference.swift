import Foundation
import VigilEngine

/// Plain double-precision reference implementations the kernels are checked against.
/// Written for clarity, not speed.
public enum Reference {
    /// 1 / (1 + e^-x) in double; saturates correctly at ±infinity.
    public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// Logistic probability of each row, and the sum of |x_j w_j| per row (for tolerances).
    public static func logistic(_ x: [Float], rows: Int, columns: Int, weights: [Float], bias: Float) -> [(p: Double, magnitude: Double)] {
        (0..<rows).map { i in
            var z = Double(bias), magnitude = 0.0
            for j in 0..<columns {
                let term = Double(x[i * columns + j]) * Double(weights[j])
                z += term
                magnitude += abs(term)
            }
            return (sigmoid(z), magnitude)
        }
    }

    /// Row scaled to unit L2 norm in double (zero rows stay zero).
    public static func normalized(_ row: [Float]) -> [Double] {
        let norm = sqrt(row.reduce(0.0) { $0 + Double($1) * Double($1) })
        return norm == 0 ? row.map { _ in 0 } : row.map { Double($0) / norm }
    }

    /// Cosine similarity of every base row to every query, in double: result[q][row].
    public static func cosine(_ queries: [[Float]], _ base: [[Float]]) -> [[Double]] {
        let unitBase = base.map(normalized)
        return queries.map { query in
            let q = normalized(query)
            return unitBase.map { b in
                var sum = 0.0
                for j in 0..<q.count { sum += q[j] * b[j] }
                return sum
            }
        }
    }

    /// Indices of the `k` best `scores`, score descending, ties by lower index.
    public static func topK(_ scores: [Double], k: Int) -> [Int] {
        Array(scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(k))
    }

    /// Top-m contributions x_j * w_j (computed in float, as the kernel must), ranked by
    /// magnitude descending, ties by lower feature.
    public static func contributions(_ row: [Float], weights: [Float], top m: Int) -> [Contribution] {
        let c = zip(row, weights).map { $0 * $1 }
        let order = c.indices.sorted { abs(c[$0]) != abs(c[$1]) ? abs(c[$0]) > abs(c[$1]) : $0 < $1 }
        return order.prefix(m).map { Contribution(feature: $0, value: c[$0]) }
    }

    /// Mean L2-regularised log loss and gradient (weights, bias) in double.
    public static func lossAndGradient(_ x: [Float], rows: Int, columns: Int, labels: [Float], sampleWeights: [Float]?,
                                       weights: [Float], bias: Float, l2: Float) -> (loss: Double, grad: [Double], gradBias: Double) {
        var loss = 0.0, grad = [Double](repeating: 0, count: columns), gradBias = 0.0
        for i in 0..<rows {
            var z = Double(bias)
            for j in 0..<columns { z += Double(x[i * columns + j]) * Double(weights[j]) }
            let p = sigmoid(z), y = Double(labels[i]), s = Double(sampleWeights?[i] ?? 1)
            let pc = min(max(p, 1e-7), 1 - 1e-7)
            loss += s * (-y * log(pc) - (1 - y) * log(1 - pc))
            let r = s * (p - y)
            for j in 0..<columns { grad[j] += r * Double(x[i * columns + j]) }
            gradBias += r
        }
        let n = Double(rows)
        let penalty = weights.reduce(0.0) { $0 + Double($1) * Double($1) } * Double(l2) / 2
        return (loss / n + penalty, zip(grad, weights).map { $0 / n + Double(l2) * Double($1) }, gradBias / n)
    }

    /// Histogram with `edges` (bin b: edges[b-1] <= v < edges[b]); NaN counted apart.
    public static func histogram(_ values: [Float], edges: [Float]) -> (counts: [UInt64], nan: UInt64) {
        var counts = [UInt64](repeating: 0, count: edges.count + 1), nan: UInt64 = 0
        for v in values {
            if v.isNaN { nan += 1; continue }
            counts[edges.filter { $0 <= v }.count] += 1
        }
        return (counts, nan)
    }

    /// Population stability index on bin fractions floored at `epsilon`.
    public static func psi(reference: [UInt64], current: [UInt64], epsilon: Double) -> Double {
        let rt = Double(reference.reduce(0, +)), ct = Double(current.reduce(0, +))
        guard rt > 0, ct > 0 else { return 0 }
        return zip(reference, current).reduce(0.0) { sum, pair in
            let r = max(Double(pair.0) / rt, epsilon), c = max(Double(pair.1) / ct, epsilon)
            return sum + (c - r) * log(c / r)
        }
    }
}

/// Deterministic random test data.
public struct TestRandom {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// Uniform in [low, high).
    public mutating func float(_ low: Float = -1, _ high: Float = 1) -> Float {
        low + (high - low) * Float(SplitMix64.next(&state) >> 40) * 0x1p-24
    }

    public mutating func floats(_ count: Int, _ low: Float = -1, _ high: Float = 1) -> [Float] {
        (0..<count).map { _ in float(low, high) }
    }

    public mutating func int(_ range: Range<Int>) -> Int {
        range.lowerBound + Int(SplitMix64.next(&state) % UInt64(range.count))
    }
}

/// Sizes every kernel is tested on: empty, one, around the SIMD width (8 floats), odd,
/// and large enough to cross thread and tile boundaries.
public enum TestSizes {
    public static let rows = [0, 1, 7, 8, 9, 31, 1000]
    public static let columns = [1, 3, 7, 8, 9, 31, 64, 100, 128]
}

/// A fresh path in the temporary directory; the file is removed by `cleanup`.
public func temporaryPath(_ name: String) -> String {
    NSTemporaryDirectory() + "vigil-test-\(getpid())-\(UUID().uuidString)-\(name)"
}
