/// Platt scaling: p' = sigmoid(a · logit(p) + b), fitted by Newton's method on held-out
/// data so the probabilities a model (or a blend of models) reports match observed rates.
public struct PlattCalibration: Sendable, Equatable, Codable {
    public private(set) var a: Double
    public private(set) var b: Double

    /// The identity calibration.
    public init() { a = 1; b = 0 }

    public init(a: Double, b: Double) { self.a = a; self.b = b }

    /// Fits a and b minimising log loss on `probabilities` against 0/1 `labels`.
    /// Uses Platt's target smoothing ((n₊ + 1)/(n₊ + 2), 1/(n₋ + 2)) to avoid overconfidence.
    /// - Throws: `.shapeMismatch`, `.invalidArgument` (no rows, labels not 0/1).
    public init(fitting probabilities: [Float], labels: [Float]) throws(EngineError) {
        guard probabilities.count == labels.count else { throw .shapeMismatch(what: "labels", expected: "\(probabilities.count)", actual: "\(labels.count)") }
        guard !labels.isEmpty else { throw .invalidArgument(name: "labels", reason: "no rows to calibrate on") }
        if let bad = labels.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw .invalidArgument(name: "labels[\(bad)]", reason: "must be 0 or 1, got \(labels[bad])") }
        let pos = Double(labels.filter { $0 == 1 }.count), neg = Double(labels.count) - pos
        let hi = (pos + 1) / (pos + 2), lo = 1 / (neg + 2)
        let s = probabilities.map { Self.logit(Double($0)) }
        let t = labels.map { $0 == 1 ? hi : lo }
        func loss(_ a: Double, _ b: Double) -> Double {
            var l = 0.0
            for i in s.indices {
                let z = a * s[i] + b
                // log(1 + e^z) - t z, computed without overflow
                l += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - t[i] * z
            }
            return l
        }
        // Damped Newton: the loss is convex, but a full step from a saturated start overshoots.
        var a = 1.0, b = 0.0
        var current = loss(a, b)
        for _ in 0..<100 {
            var g0 = 0.0, g1 = 0.0, h00 = 1e-12, h01 = 0.0, h11 = 1e-12
            for i in s.indices {
                let p = Self.sigmoid(a * s[i] + b), r = p - t[i], w = p * (1 - p)
                g0 += r * s[i]; g1 += r
                h00 += w * s[i] * s[i]; h01 += w * s[i]; h11 += w
            }
            let det = h00 * h11 - h01 * h01
            guard det > 0 else { break }
            let da = (h11 * g0 - h01 * g1) / det, db = (h00 * g1 - h01 * g0) / det
            var step = 1.0, improved = false
            while step > 1e-10 {
                let candidate = loss(a - step * da, b - step * db)
                if candidate <= current { a -= step * da; b -= step * db; current = candidate; improved = true; break }
                step /= 2
            }
            if !improved || (abs(step * da) < 1e-10 && abs(step * db) < 1e-10) { break }
        }
        self.a = a
        self.b = b
    }

    /// The calibrated probability.
    public func apply(_ p: Float) -> Float { Float(Self.sigmoid(a * Self.logit(Double(p)) + b)) }

    static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-7), 1 - 1e-7)
        return log(q / (1 - q))
    }

    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z)) }
}

import Foundation
