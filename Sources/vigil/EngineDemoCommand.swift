import Foundation
import VigilEngine

/// `vigil engine-demo`: the scoring engine alone on generated feature vectors.
///
/// A deterministic "SOC day": a hidden ground-truth model labels a history of closed cases
/// and today's batch; Vigil learns a model from the history alone, scores today's batch,
/// explains the highest-risk events (signed top indicators and the closest closed cases
/// with their verdicts), checks today's features for drift against the history, and
/// measures itself against the ground truth.
struct EngineDemoCommand {
    let rows: Int, features: Int, outputDirectory: String
    let historyRows = 100_000
    /// Today's feature 5 is shifted: the drift check must find it (and only it).
    let driftedFeature = 5

    init(arguments: Arguments) throws(CommandError) {
        var a = arguments
        rows = try a.int("--rows", default: 1_000_000, in: 1...50_000_000)
        features = try a.int("--features", default: 64, in: 8...4096)
        outputDirectory = a.take("--out") ?? "vigil-engine-demo"
        try a.finish()
    }

    func run() throws {
        var report = Report()
        report.line("Vigil demo — \(rows) events × \(features) indicators; kernels \(KernelISA.active.rawValue), BLAS \(BLASLibrary.name), \(Parallelism.defaultThreads) threads")
        let names = IndicatorNames(count: features)

        let (history, historyLabels, today, todayLabels, truth) = report.stage("generate history and today's batch") {
            generate()
        }
        report.line("  history: \(history.rows) closed cases, \(historyLabels.filter { $0 == 1 }.count) true positives; today: \(today.rows) events, \(todayLabels.filter { $0 == 1 }.count) truly malicious")

        let model = try report.stage("learn a logistic model from the history (L-BFGS)") {
            try learn(history, historyLabels)
        }

        var scores: [Float] = []
        let scoreSeconds = try report.timed("score today's batch (fused logistic kernel)") {
            try model.scores(today, into: &scores)
        }
        report.line("  \(Int(Double(rows) / scoreSeconds)) events/s, \(String(format: "%.1f", Double(rows * features * 4) / scoreSeconds / 1e9)) GB/s")

        let truthScores = try truth.scores(today)
        let auc = try ClassificationMetrics(probabilities: scores, labels: todayLabels).auc
        let bestAUC = try ClassificationMetrics(probabilities: truthScores, labels: todayLabels).auc
        let flagged = scores.indices.filter { scores[$0] >= 0.5 }
        let caught = flagged.filter { todayLabels[$0] == 1 }.count
        let positives = todayLabels.filter { $0 == 1 }.count
        report.line("  quality against ground truth: AUC \(fmt(auc)) (the hidden true model reaches \(fmt(bestAUC))); \(flagged.count) flagged at p ≥ 0.5, precision \(fmt(Double(caught) / Double(max(flagged.count, 1)))), recall \(fmt(Double(caught) / Double(max(positives, 1))))")

        var index = PrecedentIndex(dimension: features)
        try report.stage("index \(history.rows) closed cases as precedents") {
            try index.append(history, ids: (0..<history.rows).map { String(format: "case-%06d", $0) },
                             labels: historyLabels.map { $0 == 1 ? 2 : 1 })
        }
        let top = Array(scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(5))
        let topMatrix = try FeatureMatrix(rows: top.map { today.row($0) })
        let (neighbors, contributions) = try report.stage("explain the 5 highest-risk events") {
            (try index.nearest(to: topMatrix, k: 5), try model.contributions(topMatrix, top: 4))
        }
        for (rank, event) in top.enumerated() {
            report.line(String(format: "  #%d event %d  p=%.3f  truth: %@", rank + 1, event, scores[event], todayLabels[event] == 1 ? "malicious" : "benign"))
            report.line("     indicators: " + contributions[rank].map { "\(names[$0.feature]) \($0.value >= 0 ? "+" : "")\(String(format: "%.2f", $0.value))" }.joined(separator: ", "))
            let similar = index.neighbors(in: neighbors, query: rank)
            let malicious = similar.filter { $0.label == 2 }.count
            report.line("     precedents: " + similar.map { "\($0.id) (\(String(format: "%.2f", $0.similarity)), \($0.label == 2 ? "TP" : "FP"))" }.joined(separator: ", ") + " — \(malicious)/\(similar.count) were true positives")
        }

        let psi = try report.stage("check today's indicators for drift (population stability index)") {
            try DriftStatistics.columnStability(reference: history, current: today)
        }
        let drifted = psi.indices.filter { psi[$0] > 0.25 }
        report.line("  drifted (PSI > 0.25): " + (drifted.isEmpty ? "none" : drifted.map { "\(names[$0]) PSI \(fmt(psi[$0]))" }.joined(separator: ", ")) + "; largest elsewhere \(fmt(psi.indices.filter { !drifted.contains($0) }.map { psi[$0] }.max() ?? 0))")

        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        try NpyVector.write(scores, to: outputDirectory + "/scores.npy")
        try NpyVector.write(model.weights, to: outputDirectory + "/weights.npy")
        try index.save(to: outputDirectory + "/precedents.vpx")
        try report.text.write(toFile: outputDirectory + "/report.txt", atomically: true, encoding: .utf8)
        report.line("wrote \(outputDirectory)/scores.npy, weights.npy (bias \(fmt(Double(model.bias)))), precedents.vpx, report.txt")
        guard drifted == [driftedFeature], auc > 0.8 else {
            throw EngineDemoFailure(reason: "the demo's own checks failed: drift found in \(drifted) (expected [\(driftedFeature)]), AUC \(fmt(auc))")
        }
    }

    /// History and today's batch, labelled by a hidden sparse model with a ~6% base rate.
    private func generate() -> (FeatureMatrix, [Float], FeatureMatrix, [Float], LogisticModel) {
        var state: UInt64 = 2026
        let truthWeights = (0..<features).map { j -> Float in
            let u = Float(SplitMix64.next(&state) >> 40) * 0x1p-24
            return j < 12 ? (j % 3 == 2 ? -1.5 : 2.5) * (0.5 + u) : 0.1 * (u - 0.5)
        }
        let truth = try! LogisticModel(weights: truthWeights, bias: -10.5, featureSchemaID: "demo-truth")
        let history = FeatureMatrix.uniform(rows: historyRows, columns: features, seed: 1, in: 0...1)
        var today = FeatureMatrix.uniform(rows: rows, columns: features, seed: 2, in: 0...1)
        for i in 0..<rows { try! today.set(today[i, driftedFeature] * 0.5 + 0.5, row: i, column: driftedFeature) }
        func labels(_ x: FeatureMatrix, seed: UInt64) -> [Float] {
            var s = seed
            return try! truth.scores(x).map { p in Float(SplitMix64.next(&s) >> 40) * 0x1p-24 < p ? 1 : 0 }
        }
        return (history, labels(history, seed: 10), today, labels(today, seed: 11), truth)
    }

    private func learn(_ x: FeatureMatrix, _ labels: [Float]) throws -> LogisticModel {
        let (model, report) = try LogisticTrainer(l2: 1e-5).fit(x, labels: labels, featureSchemaID: "demo-v1")
        print("  training log loss \(fmt(report.loss)) after \(report.iterations) L-BFGS iterations (converged: \(report.converged))")
        return model
    }
}

struct EngineDemoFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// Human names for the demo's indicator columns.
struct IndicatorNames {
    private let names: [String]
    init(count: Int) {
        let known = ["threat-intel hits", "process rarity", "benign signer", "lateral logons", "off-hours activity",
                     "new external destination", "admin-share writes", "encoded command line", "known-good parent",
                     "credential access", "beacon regularity", "data staged"]
        names = (0..<count).map { $0 < known.count ? known[$0] : String(format: "indicator %02d", $0) }
    }
    subscript(i: Int) -> String { names[i] }
}

/// Collects the demo's terminal output (also written to report.txt) and times stages.
struct Report {
    private(set) var text = ""
    private let clock = ContinuousClock()
    private var stageNumber = 0

    mutating func line(_ s: String) {
        print(s)
        text += s + "\n"
    }

    mutating func stage<T>(_ title: String, _ body: () throws -> T) rethrows -> T {
        stageNumber += 1
        print("[\(stageNumber)] \(title) …")
        let start = clock.now
        let result = try body()
        line("[\(stageNumber)] \(title): \(String(format: "%.2f", (clock.now - start).seconds)) s")
        return result
    }

    mutating func timed(_ title: String, _ body: () throws -> Void) rethrows -> Double {
        let clock = self.clock
        return try stage(title) {
            let start = clock.now
            try body()
            return (clock.now - start).seconds
        }
    }
}

func fmt(_ v: Double) -> String { String(format: "%.3f", v) }
