import Foundation
import Vigil
import VigilEngine

/// `vigil score`: one probability per input row, for batch users and embedders.
///
/// `--npy X`: stream-scores a float32 .npy matrix (rows already featurized under the
/// model's schema) with a trained model file (`--model`, its logistic part) or raw weights
/// from a 1-D .npy file (`--weights`, `--bias`).
/// `--csv F`: featurizes a CSV's rows with the tabular schema of a model trained by
/// `vigil train --csv` and scores them; bad rows go to the reject file and the run goes on.
struct ScoreCommand {
    enum Input {
        case npy(path: String, batchRows: Int)
        case csv(path: String, rejectsPath: String, signal: ScoringSignal?, batchRows: Int)
    }

    let modelPath: String?, weightsPath: String?, outputPath: String?, bias: Float
    let input: Input

    init(arguments: Arguments) throws(CommandError) {
        var a = arguments
        modelPath = a.take("--model")
        weightsPath = a.take("--weights")
        guard (modelPath == nil) != (weightsPath == nil) else { throw .usage("give exactly one of --model M or --weights W.npy") }
        let npy = a.take("--npy"), csv = a.take("--csv")
        guard (npy == nil) != (csv == nil) else { throw .usage("give exactly one of --npy X.npy or --csv F") }
        outputPath = a.take("--out")
        bias = try a.float("--bias", default: 0)
        if let csv {
            guard modelPath != nil else { throw .usage("--csv needs --model M (a model trained with vigil train --csv)") }
            let signalText = a.take("--signal")
            let signal = try signalText.map { (text) throws(CommandError) -> ScoringSignal in
                guard let s = ScoringSignal(rawValue: text) else { throw .usage("--signal must be logistic or combined, got '\(text)'") }
                return s
            }
            let rejects = a.take("--rejects") ?? (outputPath ?? "scores") + ".rejects.ndjson"
            input = .csv(path: csv, rejectsPath: rejects, signal: signal, batchRows: try a.int("--batch-rows", default: 8192, in: 1...1_000_000))
        } else {
            input = .npy(path: npy!, batchRows: try a.int("--batch-rows", default: 16_384, in: 1...10_000_000))
        }
        try a.finish()
    }

    func run() throws {
        switch input {
        case let .npy(path, batchRows): try scoreNpy(path: path, batchRows: batchRows)
        case let .csv(path, rejectsPath, signal, batchRows): try scoreCSV(path: path, rejectsPath: rejectsPath, signal: signal, batchRows: batchRows)
        }
    }

    private func scoreNpy(path: String, batchRows: Int) throws {
        let model: LogisticModel
        if let modelPath {
            model = try ModelFile.load(from: modelPath).model.logistic
        } else {
            model = try LogisticModel(weights: NpyVector.read(from: weightsPath!), bias: bias, featureSchemaID: weightsPath!)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let summary = try model.scoreNpyFile(at: path, writingScoresTo: outputPath, batchRows: batchRows)
        let seconds = (clock.now - start).seconds
        print("scored \(summary.rows) rows in \(String(format: "%.3f", seconds)) s (\(Int(Double(summary.rows) / max(seconds, 1e-9))) rows/s)")
        print("mean probability \(String(format: "%.4f", summary.meanScore)); \(summary.flagged) rows at or above 0.5")
        if let outputPath { print("probabilities written to \(outputPath)") }
    }

    private func scoreCSV(path: String, rejectsPath: String, signal: ScoringSignal?, batchRows: Int) throws {
        let scorer = try TabularScorer(ModelFile.load(from: modelPath!), modelPath: modelPath!, signal: signal)
        let rejects = try RejectWriter(path: rejectsPath)
        var lastShown = 0
        let s = try scorer.score(csv: path, output: outputPath, rejects: rejects, batchRows: batchRows, progress: { read in
            if read - lastShown >= 1_000_000 {
                FileHandle.standardError.write(Data("  … \(read) rows\n".utf8))
                lastShown = read
            }
        })
        try rejects.close()
        for r in s.rejectExamples { FileHandle.standardError.write(Data("vigil: rejected \(r.error)\n".utf8)) }
        if s.rejected > s.rejectExamples.count { FileHandle.standardError.write(Data("vigil: … \(s.rejected - s.rejectExamples.count) more rejected rows in \(rejectsPath)\n".utf8)) }
        print("scored \(s.scored) of \(s.rows) rows in \(String(format: "%.3f", s.seconds)) s (\(Int(Double(s.rows) / max(s.seconds, 1e-9))) rows/s), \(scorer.signal.rawValue) probability, schema \(scorer.schema.id)")
        print("mean probability \(String(format: "%.4f", s.meanProbability)); \(s.flagged) rows at or above 0.5; \(s.rejected) rejected → \(rejectsPath)")
        if let outputPath { print("probabilities written to \(outputPath)" + (outputPath.hasSuffix(".npy") ? " (NaN for rejected rows)" : " (row,line,probability)")) }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
