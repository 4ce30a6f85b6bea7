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
            "--model", folder + "/model.json", "--out", folder + "/findings.ndjson", "--rejects", folder + "/rejects.ndjson"]))
        var checker = ScenarioChecker(manifest: manifest)
        var scored: [String: Float] = [:]  // alert uid → incident confidence
        let now = Date(timeIntervalSince1970: Double(manifest.dayStartMs) / 1000 + 86_400)
        try triage.run(now: now, inspect: { assessment in
            checker.observe(assessment)
            for alert in assessment.incident.alerts { scored[alert.uid] = assessment.explanation.confidence }
        })

        print("[4/4] checking the day's scenarios and the ground truth …")
        let results = checker.verdicts()
        for r in results { print("  \(r.passed ? "✓" : "✗") \(r.name): \(r.detail)") }
        try GroundTruth(path: manifest.truthPath).report(scored: scored)
        print("explain any finding: .build/release/vigil explain <uid> --findings \(folder)/findings.ndjson")
        let failed = results.filter { !$0.passed }
        if !failed.isEmpty {
            let message = "\(failed.count) of \(results.count) planted scenarios were not handled as expected: " + failed.map(\.name).joined(separator: ", ")
            if strict { throw DemoFailure(reason: message) }
            print("NOTE: " + message + " (see ✗ above; --strict yes makes this an error)")
        }
    }
}

/// Checks how the triage handled each planted scenario.
struct ScenarioChecker {
    let manifest: ScenarioManifest
    /// Per scenario: incidents that contain its alerts, with their recommendations.
    private var seen: [String: [IncidentAssessment]] = [:]
    private let scenarioOf: [String: String]

    init(manifest: ScenarioManifest) {
        self.manifest = manifest
        var map: [String: String] = [:]
        for s in manifest.scenarios { for uid in s.uids { map[uid] = s.name } }
        scenarioOf = map
    }

    mutating func observe(_ a: IncidentAssessment) {
        let names = Set(a.incident.alerts.compactMap { scenarioOf[$0.uid] })
        for name in names { seen[name, default: []].append(a) }
    }

    struct Result { let name: String; let passed: Bool; let detail: String }

    func verdicts() -> [Result] {
        manifest.scenarios.map { s in
            let incidents = seen[s.name] ?? []
            let recs = incidents.flatMap(\.recommendations)
            func tiers(_ kind: ActionKind) -> [Tier] { recs.filter { $0.action.kind == kind }.map(\.decision.tier) }
            let summary = incidents.map { "\($0.incident.id) (\($0.incident.alerts.count) alerts, conf \(String(format: "%.2f", $0.explanation.confidence))): " + $0.recommendations.map { "\($0.action.kind.rawValue)→T\($0.decision.tier.rawValue)" }.joined(separator: " ") }.joined(separator: "; ")
            guard !incidents.isEmpty else { return Result(name: s.name, passed: false, detail: "no incident contains its alerts") }
            switch s.name {
            case "c2-on-payment":
                let contained = recs.filter { [.quarantineHost, .isolateSegment, .blockIP].contains($0.action.kind) && $0.decision.tier == .automated }
                return Result(name: s.name, passed: contained.isEmpty, detail: "never contained automatically — \(summary)")
            case "exec-vpn-travel":
                let auto = recs.filter { [.quarantineHost, .disableAccount, .resetCredentials, .isolateSegment].contains($0.action.kind) && $0.decision.tier == .automated }
                return Result(name: s.name, passed: auto.isEmpty, detail: "never quarantined or locked out automatically — \(summary)")
            case "ip-three-feeds":
                return Result(name: s.name, passed: tiers(.blockIP).contains(.automated), detail: "block_ip is Tier 1 — \(summary)")
            case "known-bad-hash":
                return Result(name: s.name, passed: tiers(.blockHash).contains(.automated), detail: "block_hash is Tier 1 — \(summary)")
            case "phishing-campaign":
                let containing = incidents.filter { inc in inc.incident.alerts.contains { scenarioOf[$0.uid] == s.name } }
                return Result(name: s.name, passed: containing.count == 1,
                              detail: "\(s.uids.count) alerts in \(containing.count) incident(s) — \(containing.first.map { "\($0.incident.id): " + $0.recommendations.map { "\($0.action.kind.rawValue)→T\($0.decision.tier.rawValue)" }.joined(separator: " ") } ?? "")")
            default:
                return Result(name: s.name, passed: true, detail: summary)
            }
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

    func report(scored: [String: Float]) throws {
        let uids = labels.keys.filter { scored[$0] != nil }.sorted()
        let p = uids.map { scored[$0]! }, y = uids.map { labels[$0]! ? Float(1) : 0 }
        guard !uids.isEmpty else { print("  no scored alerts to compare with the ground truth"); return }
        let m = try ClassificationMetrics(probabilities: p, labels: y)
        print("  against ground truth, per alert (incident confidence): \(m)")
        let missing = labels.count - uids.count
        if missing > 0 { print("  \(missing) alerts had no assessment (rejected or unscored)") }
    }
}

struct DemoFailure: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
