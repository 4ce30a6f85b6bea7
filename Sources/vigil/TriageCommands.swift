import Foundation
import Vigil
import VigilEngine

/// Asset inventory and threat intel named on the command line (either may be absent).
struct ContextFiles {
    let assets: AssetInventory?
    let intel: ThreatIntel?

    init(assetsPath: String?, feedsPath: String?, now: Date) throws {
        assets = try assetsPath.map { (p) throws(VigilError) in try AssetInventory.load(contentsOf: p) }
        intel = try feedsPath.map { (p) throws(VigilError) in try ThreatIntel.load(feedsFile: p, now: now) }
    }

    func featurizer() throws -> Featurizer {
        Featurizer(schema: try FeatureSchema(), intel: intel, assets: assets)
    }
}

/// `vigil triage`: the main job on files.
struct TriageCommand {
    let alertsPath: String, assetsPath: String?, feedsPath: String?, policyPath: String, playbooksPath: String
    let modelPath: String, outputPath: String, incidentsPath: String, rejectsPath: String, windowMinutes: Int

    init(arguments: Arguments) throws(CommandError) {
        var a = arguments
        alertsPath = try a.require("--alerts")
        assetsPath = a.take("--assets")
        feedsPath = a.take("--intel")
        policyPath = try a.require("--policy")
        playbooksPath = try a.require("--playbooks")
        modelPath = try a.require("--model")
        outputPath = a.take("--out") ?? "findings.ndjson"
        incidentsPath = a.take("--incidents") ?? "incidents.ndjson"
        rejectsPath = a.take("--rejects") ?? "rejects.ndjson"
        windowMinutes = try a.int("--window-minutes", default: 30, in: 1...10_080)
        try a.finish()
    }

    @discardableResult
    func run(now: Date = Date(), report: Bool = true, inspect: ((IncidentAssessment) -> Void)? = nil) throws -> TriageRun.Summary {
        AllocatorTuning.keepFreedMemory()
        let context = try ContextFiles(assetsPath: assetsPath, feedsPath: feedsPath, now: now)
        let loaded = try ModelFile.load(from: modelPath)
        let featurizer = try context.featurizer()
        guard loaded.file.featureSchema == featurizer.schema.id else {
            throw VigilError.invalidConfiguration(file: modelPath, location: "feature_schema",
                                                  reason: "model was trained on \(loaded.file.featureSchema), this build featurizes \(featurizer.schema.id)")
        }
        let recommender = Recommender(featurizer: featurizer, model: loaded.model, precedents: loaded.precedents, cases: loaded.file.cases,
                                      policy: try TierPolicy(contentsOf: policyPath), playbooks: try PlaybookCatalogue(contentsOf: playbooksPath),
                                      modelVersion: "\(loaded.file.featureSchema) data:\(loaded.file.trainingDataSha256.prefix(12)) trained \(loaded.file.trainedAt)")
        var run = TriageRun(recommender: recommender)
        run.windowMs = Int64(windowMinutes) * 60_000
        run.commonEntities = loaded.commonEntities
        var lastShown = 0
        let summary = try run.run(alerts: alertsPath, output: outputPath, incidents: incidentsPath, rejects: rejectsPath, now: now, progress: { read in
            if read - lastShown >= 100_000 {
                FileHandle.standardError.write(Data("  … \(read) alerts\n".utf8))
                lastShown = read
            }
        }, inspect: inspect)
        if report { TriageReport(summary: summary, outputPath: outputPath, incidentsPath: incidentsPath, rejectsPath: rejectsPath).print() }
        return summary
    }
}

/// The terminal summary of a triage run.
struct TriageReport {
    let summary: TriageRun.Summary, outputPath: String, incidentsPath: String?, rejectsPath: String

    func print() {
        let s = summary
        Swift.print(String(format: "triaged %d alerts into %d incidents in %.2f s (%.0f alerts/s); %d rejected → %@",
                           s.ingest.accepted, s.incidents, s.totalSeconds, Double(s.ingest.accepted + s.ingest.rejected) / max(s.totalSeconds, 1e-9),
                           s.ingest.rejected, rejectsPath))
        if !s.ingest.rejectedByReason.isEmpty {
            Swift.print("  rejects by reason: " + s.ingest.rejectedByReason.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", "))
        }
        for tier in Tier.allCases {
            Swift.print("  \(tier): \(s.incidentsByTier[tier, default: 0]) incidents, \(s.actionsByTier[tier, default: 0]) proposed actions")
        }
        Swift.print("  stages: " + s.seconds.sorted { $0.value > $1.value }.map { String(format: "%@ %.2f s", $0.key, $0.value) }.joined(separator: ", "))
        if !s.saturatedEntities.isEmpty {
            Swift.print("  too common to correlate on: " + s.saturatedEntities.prefix(5).map(\.description).joined(separator: ", "))
        }
        Swift.print("top incidents:")
        for line in s.top {
            Swift.print(String(format: "  %-28@ risk %3d  conf %.2f  %@  %-18@ %3d alerts  %@  [%@]", line.id, line.riskScore, Double(line.confidence),
                               "T\(line.tier.rawValue)", line.family, line.alerts, line.hosts.prefix(3).joined(separator: ","), line.actions.joined(separator: " ")))
            if line.alerts > 1 { Swift.print("      linked by " + line.linkedBy.map(\.description).joined(separator: ", ")) }
        }
        Swift.print("updated findings → \(outputPath)" + (incidentsPath.map { "; incident records → \($0)" } ?? ""))
    }
}

/// `vigil policy check F`: validates a tier policy or playbook catalogue.
enum PolicyCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard words.count >= 2, words[0] == "check" else { throw CommandError.usage("usage: vigil policy check FILE [--strict]") }
        let strict = words.dropFirst(2).contains("--strict")
        let report = PolicyCheck.run(path: words[1], now: Date())
        Swift.print(report.text)
        return report.exitStatus(strict: strict)
    }
}
