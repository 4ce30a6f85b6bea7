import Foundation
import Vigil
import VigilEngine

/// `vigil score`: stream-scores a float32 .npy matrix (rows already featurized under the
/// model's schema) with a trained model file (`--model`, its logistic part) or raw
/// weights from a 1-D .npy file (`--weights`, `--bias`).
struct ScoreCommand {
    let modelPath: String?, weightsPath: String?, inputPath: String, outputPath: String?
    let bias: Float, batchRows: Int

    init(arguments: Arguments) throws(CommandError) {
        var a = arguments
        modelPath = a.take("--model")
        weightsPath = a.take("--weights")
        guard (modelPath == nil) != (weightsPath == nil) else { throw .usage("give exactly one of --model M or --weights W.npy") }
        inputPath = try a.require("--npy")
        outputPath = a.take("--out")
        bias = try a.float("--bias", default: 0)
        batchRows = try a.int("--batch-rows", default: 16_384, in: 1...10_000_000)
        try a.finish()
    }

    func run() throws {
        let model: LogisticModel
        if let modelPath {
            model = try ModelFile.load(from: modelPath).model.logistic
        } else {
            model = try LogisticModel(weights: NpyVector.read(from: weightsPath!), bias: bias, featureSchemaID: weightsPath!)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try model.scoreNpyFile(at: inputPath, writingScoresTo: outputPath, batchRows: batchRows)
        let seconds = (clock.now - start).seconds
        print("scored \(summary.rows) rows in \(String(format: "%.3f", seconds)) s (\(Int(Double(summary.rows) / max(seconds, 1e-9))) rows/s)")
        print("mean probability \(String(format: "%.4f", summary.meanScore)); \(summary.flagged) rows at or above 0.5")
        if let outputPath { print("probabilities written to \(outputPath)") }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
