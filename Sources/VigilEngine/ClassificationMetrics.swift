/// How well probabilities rank and fit binary labels: the figures `vigil train` reports.
public struct ClassificationMetrics: Sendable, Equatable, CustomStringConvertible {
    /// Rows evaluated, and how many were positive.
    public var count: Int
    public var positives: Int
    /// Area under the ROC curve (ties counted half); 0.5 when one class is absent.
    public var auc: Double
    /// Fraction classified correctly at `threshold`.
    public var accuracy: Double
    public var threshold: Double
    /// Mean squared error of the probabilities (Brier score; lower is better).
    public var brier: Double
    /// Expected calibration error over `bins` equal-width probability bins: the
    /// count-weighted mean |mean probability − positive rate| per bin.
    public var expectedCalibrationError: Double
    public var bins: Int
    /// Mean log loss (probabilities clamped to [1e-7, 1 − 1e-7]).
    public var logLoss: Double

    /// Computes every figure.
    /// - Throws: `.shapeMismatch` if the lengths differ; `.invalidArgument` for no rows,
    ///   a label other than 0 or 1, or a probability outside [0, 1] (naming the row).
    /// - Complexity: O(n log n) (the AUC sorts).
    public init(probabilities p: [Float], labels y: [Float], threshold: Double = 0.5, bins: Int = 10) throws(EngineError) {
        guard p.count == y.count else { throw .shapeMismatch(what: "labels", expected: "\(p.count)", actual: "\(y.count)") }
        guard !p.isEmpty else { throw .invalidArgument(name: "probabilities", reason: "no rows to evaluate") }
        guard bins >= 1 else { throw .invalidArgument(name: "bins", reason: "must be >= 1, got \(bins)") }
        if let bad = y.firstIndex(where: { $0 != 0 && $0 != 1 }) { throw .invalidArgument(name: "labels[\(bad)]", reason: "must be 0 or 1, got \(y[bad])") }
        if let bad = p.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) { throw .invalidArgument(name: "probabilities[\(bad)]", reason: "must be in [0, 1], got \(p[bad])") }
        count = p.count
        positives = y.filter { $0 == 1 }.count
        self.threshold = threshold
        self.bins = bins
        var correct = 0, brierSum = 0.0, logSum = 0.0
        var binCount = [Int](repeating: 0, count: bins), binP = [Double](repeating: 0, count: bins), binY = [Double](repeating: 0, count: bins)
        for i in p.indices {
            let pi = Double(p[i]), yi = Double(y[i])
            if (pi >= threshold) == (yi == 1) { correct += 1 }
            brierSum += (pi - yi) * (pi - yi)
            let pc = min(max(pi, 1e-7), 1 - 1e-7)
            logSum += yi == 1 ? -log(pc) : -log(1 - pc)
            let b = min(bins - 1, Int(pi * Double(bins)))
            binCount[b] += 1; binP[b] += pi; binY[b] += yi
        }
        accuracy = Double(correct) / Double(count)
        brier = brierSum / Double(count)
        logLoss = logSum / Double(count)
        var ece = 0.0
        for b in 0..<bins where binCount[b] > 0 {
            let n = Double(binCount[b])
            ece += n / Double(p.count) * abs(binP[b] / n - binY[b] / n)
        }
        expectedCalibrationError = ece
        auc = Self.auc(p, y)
    }

    static func auc(_ p: [Float], _ y: [Float]) -> Double {
        let order = p.indices.sorted { p[$0] < p[$1] }
        var rankSum = 0.0, pos = 0.0, i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && p[order[j + 1]] == p[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for t in i...j where y[order[t]] == 1 { rankSum += rank; pos += 1 }
            i = j + 1
        }
        let neg = Double(p.count) - pos
        guard pos > 0, neg > 0 else { return 0.5 }
        return (rankSum - pos * (pos + 1) / 2) / (pos * neg)
    }

    public var description: String {
        String(format: "AUC %.3f  accuracy %.3f  Brier %.4f  ECE %.4f  log loss %.4f  (n=%d, %d positive)",
               auc, accuracy, brier, expectedCalibrationError, logLoss, count, positives)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation
