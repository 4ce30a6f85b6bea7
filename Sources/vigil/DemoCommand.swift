import Foundation
import Vigil
import VigilEngine

/// `vigil demo`: the main job on an embedded default. Generates a deterministic SOC day
/// (closed-case history, today's alerts with ground truth, assets, intel feeds), learns
/// from the history, triages the day under the shipped policy and playbooks, prints the
/// summary, checks the day's planted scenarios were handled as a careful SOC would want,
/// and measures the recommendations against the ground truth. Outputs under `--out`.
struct DemoCommand {
    let folder: String, alerts: Int, history: Int, seed: UInt64, strict: Bool

    init(arguments: Arguments) throws(CommandError) {
        var a = arguments
        folder = a.take("--out") ?? "vigil-demo"
        alerts = try a.int("--alerts", default: 20_000, in: SOCDayScenario.minimumTodayAlerts...5_000_000)
        history = try a.int("--history", default: 20_000, in: 500...1_000_000)
        seed = UInt64(try a.int("--seed", default: 2026, in: 0...Int.max))
        strict = a.take("--strict").map { $0 == "yes" || $0 == "true" } ?? false
        try a.finish()
    }

    func run() throws {
        let clock = ContinuousClock()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        print("[1/4] generating a SOC day (seed \(seed)): \(history) closed cases, \(alerts) alerts …")
        let t0 = clock.now
        let manifest = try SOCDayScenario(seed: seed, historyCases: history, todayAlerts: alerts).write(to: folder + "/data")
        print(String(format: "      %d alerts (%d malicious), %d closed cases, %d assets file, %d intel feeds in %.1f s → %@/data",
                     manifest.alertCount, manifest.maliciousAlertCount, manifest.historyCount, 1, manifest.intelPaths.count,
                     (clock.now - t0).seconds, folder))

        print("[2/4] learning from the closed cases …")
        let trainArgs = try Arguments(["--alerts", manifest.historyPath, "--assets", manifest.assetsPath, "--intel", manifest.feedsPath,
                                       "--out", folder + "/model.json", "--rejects", folder + "/history-rejects.ndjson"])
        try TrainCommand(arguments: trainArgs).run()

        print("[3/4] triaging today's alerts …")
        let triage = try TriageCommand(arguments: Arguments([
            "--alerts", manifest.alertsPath, "--assets", manifest.assetsPath, "--intel", manifest.feedsPath,
            "--policy", DefaultConfiguration.tierPolicyPath, "--playbooks", DefaultConfiguration.playbooksPath,
            "--model", folder + "/model.json", "--out", folder + "/findings.ndjson", "--incidents", folder + "/incidents.ndjson",
            "--rejects", folder + "/rejects.ndjson"]))
        var checker = ScenarioChecker(manifest: manifest)
        var incidents: [(confidence: Float, uids: [String])] = []
        let now = Date(timeIntervalSince1970: Double(manifest.dayStartMs) / 1000 + 86_400)
        try triage.run(now: now, inspect: { assessment in
            checker.observe(assessment)
            incidents.append((assessment.explanation.confidence, assessment.incident.alerts.map(\.uid)))
        })

        print("[4/4] checking the day's scenarios and the ground truth …")
        let results = checker.verdicts()
        for r in results { print("  \(r.passed ? "✓" : "✗") \(r.name): \(r.detail)") }
        try GroundTruth(path: manifest.truthPath).report(incidents: incidents)
        print("explain any finding or incident: .build/release/vigil explain <uid> --findings \(folder)/findings.ndjson --incidents \(folder)/incidents.ndjson")
        let failed = results.filter { !$0.passed }
        if !failed.isEmpty {
            let message = "\(failed.count) of \(results.count) planted scenarios were not handled as expected: " + failed.map(\.name).joined(separator: ", ")
            if strict { throw DemoFailure(reason: message) }
            print("NOTE: " + message + " (see ✗ above; --strict yes makes this an error)")
        }
    }
}

/// Ground truth (`uid,malicious,scenario`) against the confidence each alert's incident got.
struct GroundTruth {
    let labels: [String: Bool]

    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var labels: [String: Bool] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", maxSplits: 2)
            if fields.count >= 2 { labels[String(fields[0])] = fields[1] == "1" }
        }
        self.labels = labels
    }

    /// Per alert (each alert carries its incident's confidence), then per incident (an
    /// incident is a true positive when any of its alerts is).
    func report(incidents: [(confidence: Float, uids: [String])]) throws {
        var scored: [String: Float] = [:]
        for incident in incidents { for uid in incident.uids { scored[uid] = incident.confidence } }
        let uids = labels.keys.filter { scored[$0] != nil }.sorted()
        let p = uids.map { scored[$0]! }, y = uids.map { labels[$0]! ? Float(1) : 0 }
        guard !uids.isEmpty else { print("  no scored alerts to compare with the ground truth"); return }
        let m = try ClassificationMetrics(probabilities: p, labels: y)
        print("  against ground truth, per alert (incident confidence): \(m)")
        let missing = labels.count - uids.count
        if missing > 0 { print("  \(missing) alerts had no assessment (rejected or unscored)") }
        let incidentLabels = incidents.map { $0.uids.contains { labels[$0] == true } ? Float(1) : 0 }
        let perIncident = try ClassificationMetrics(probabilities: incidents.map(\.confidence), labels: incidentLabels)
        print(String(format: "  against ground truth, per incident (malicious if any alert is): %@; true share %.1f %%",
                     perIncident.description, 100 * Double(perIncident.positives) / Double(max(perIncident.count, 1))))
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
