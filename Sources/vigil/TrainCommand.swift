import Foundation
import Vigil
import VigilEngine

/// `vigil train`: learns from closed cases (`--alerts`, OCSF findings with verdicts) or
/// from any labelled CSV (`--csv` and `--label`) and writes a model file. Either way it
/// reports logistic alone, k-NN alone and the calibrated combination, measured on held-out
/// data or on `--test F`.
struct TrainCommand {
    enum Source {
        case alerts(path: String, assets: String?, feeds: String?)
        case csv(path: String, label: String, options: TabularOptions, precedents: Int)
    }

    let source: Source
    let outputPath: String, testPath: String?, rejectsPath: String?

    init(arguments: Arguments) throws(CommandError) {
        var a = arguments
        let alerts = a.take("--alerts"), csv = a.take("--csv")
        guard (alerts == nil) != (csv == nil) else { throw .usage("give exactly one of --alerts CLOSED.ndjson or --csv F --label COLUMN") }
        outputPath = a.take("--out") ?? "model.json"
        testPath = a.take("--test")
        if let csv {
            let label = try a.require("--label")
            let width = try a.int("--width", default: 0, in: 0...65_536)
            var options = TabularOptions(width: width == 0 ? nil : width)
            options.categorical = Self.names(a.take("--categorical"))
            options.numeric = Self.names(a.take("--numeric"))
            options.ignored = Self.names(a.take("--ignore"))
            let precedents = try a.int("--precedents", default: 20_000, in: 100...1_000_000)
            source = .csv(path: csv, label: label, options: options, precedents: precedents)
            // Bad rows are never dropped silently: without --rejects they go beside the model.
            rejectsPath = a.take("--rejects") ?? (outputPath.hasSuffix(".json") ? String(outputPath.dropLast(5)) : outputPath) + ".rejects.ndjson"
        } else {
            source = .alerts(path: alerts!, assets: a.take("--assets"), feeds: a.take("--intel"))
            rejectsPath = a.take("--rejects")
        }
        try a.finish()
    }

    /// Comma-separated column names.
    private static func names(_ text: String?) -> Set<String> {
        Set((text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    func run(quiet: Bool = false) throws {
        switch source {
        case let .alerts(path, assets, feeds): try trainOnAlerts(path: path, assetsPath: assets, feedsPath: feeds, quiet: quiet)
        case let .csv(path, label, options, precedents): try trainOnCSV(path: path, label: label, options: options, precedents: precedents, quiet: quiet)
        }
    }

    private func trainOnAlerts(path: String, assetsPath: String?, feedsPath: String?, quiet: Bool) throws {
        let context = try ContextFiles(assetsPath: assetsPath, feedsPath: feedsPath, now: Date())
        let rejects = try rejectsPath.map { (p) throws(VigilError) in try RejectWriter(path: p) }
        let (closed, ingest) = try AlertReader(path: path).readAll(rejects: rejects)
        let test = try testPath.map { (p) throws(VigilError) in try AlertReader(path: p).readAll(rejects: rejects) }
        try rejects?.close()
        var actions: [String: String] = [:]
        for item in closed { if let action = actionTaken(in: item.raw) { actions[item.alert.uid] = action } }
        let featurizer = try context.featurizer()
        let result = try CaseTrainer(featurizer: featurizer).train(closed.map(\.alert), actions: actions, test: test.map { $0.alerts.map(\.alert) },
                                                                   testName: testPath ?? "")
        try ModelFile.write(result, schema: featurizer.schema, to: outputPath)
        guard !quiet else { return }
        let rejected = ingest.rejected + (test?.summary.rejected ?? 0)
        print("read \(ingest.accepted) closed findings\(test.map { " and \($0.summary.accepted) test findings" } ?? "") (\(rejected) rejected\(rejectsPath.map { " → \($0)" } ?? ""))")
        print("incidents: \(result.trainingIncidents) training, \(result.heldOutIncidents) held out, \(result.unlabelledIncidents) without a usable verdict"
              + (testPath == nil ? "" : "; \(result.testIncidents) labelled in the test file"))
        print(String(format: "fitted in %.2f s (%d L-BFGS iterations, converged: %@)", result.seconds, result.optimiser.iterations, result.optimiser.converged ? "yes" : "no"))
        printReport(result.report, units: "incidents")
        print("model written to \(outputPath) (schema \(featurizer.schema.id), training data sha256 \(result.dataSHA256.prefix(16))…)")
    }

    private func trainOnCSV(path: String, label: String, options: TabularOptions, precedents: Int, quiet: Bool) throws {
        let rejects = try RejectWriter(path: rejectsPath!)
        var trainer = TabularTrainer(labelColumn: label, options: options)
        trainer.maxPrecedents = precedents
        let result = try trainer.train(csv: path, test: testPath, rejects: rejects)
        try rejects.close()
        try ModelFile.write(result, to: outputPath)
        guard !quiet else { return }
        let s = result.schema
        print("read \(path): \(result.trainingRows) training rows, \(result.heldOutRows) held out"
              + (testPath.map { ", \(result.testRows) test rows from \($0)" } ?? "") + "; \(result.rejectedRows) rejected → \(rejectsPath!)")
        for r in result.rejectExamples { print("  rejected \(r.error)") }
        if result.rejectedRows > result.rejectExamples.count { print("  … \(result.rejectedRows - result.rejectExamples.count) more in \(rejectsPath!)") }
        print("tabular schema \(s.id): \(s.width) features")
        for line in s.columnSummary { print("  " + line) }
        print(String(format: "fitted in %.2f s (%d L-BFGS iterations, converged: %@): ", result.seconds, result.optimiser.iterations, result.optimiser.converged ? "yes" : "no")
              + result.stages.map { String(format: "%@ %.2f s", $0.name, $0.seconds) }.joined(separator: ", "))
        print("precedents: \(result.precedents.count) training rows")
        printReport(result.report, units: "rows")
        print("vigil score uses the \(result.scoringSignal.rawValue) probability by default"
              + (result.scoringSignal == .combined ? " (it lowered the measured log loss by 1% or more)" : " (the combination did not lower the measured log loss by 1%)"))
        print("model written to \(outputPath) (training data sha256 \(result.dataSHA256.prefix(16))…)")
    }

    private func printReport(_ report: ComparisonReport, units: String) {
        if let testPath {
            print("measured on \(testPath) (every labelled \(units == "rows" ? "row" : "incident"); the held-out \(units) fitted the blend):")
        } else {
            print("held-out measurement (half of the held-out \(units); the other half fitted the blend):")
        }
        print("  logistic alone   \(report.logistic)")
        print("  k-NN alone       \(report.nearestNeighbors)")
        print("  combined         \(report.combined)")
    }
}

/// The response recorded on a closed finding: `unmapped.action_taken` (Vigil's import
/// convention for case histories), if present.
func actionTaken(in raw: Substring) -> String? {
    guard let data = raw.data(using: .utf8),
          let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
          let unmapped = object["unmapped"] as? [String: Any],
          let action = unmapped["action_taken"] as? String, action != "none" else { return nil }
    return action
}
