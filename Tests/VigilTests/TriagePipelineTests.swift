import Foundation
import Testing
import Vigil

/// The main job end to end on a generated SOC day: ingest, learn from the closed cases,
/// correlate, score, recommend, tier, write — and the planted scenarios handled as a
/// careful SOC wants.
struct TriagePipelineTests {
    @Test func aGeneratedDayIsTriagedAsTheScenariosExpect() throws {
        let folder = NSTemporaryDirectory() + "vigil-triage-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manifest = try SOCDayScenario(seed: 11, historyCases: 6000, todayAlerts: 4000).write(to: folder)
        let now = Date(timeIntervalSince1970: Double(manifest.dayStartMs) / 1000 + 86_400)

        let assets = try AssetInventory.load(contentsOf: manifest.assetsPath)
        let intel = try ThreatIntel.load(feedsFile: manifest.feedsPath, now: now)
        let featurizer = Featurizer(schema: try FeatureSchema(), intel: intel, assets: assets)
        let (history, historyIngest) = try AlertReader(path: manifest.historyPath).readAll(rejects: nil)
        #expect(historyIngest.rejected == 0)
        let trained = try CaseTrainer(featurizer: featurizer).train(history.map(\.alert))
        #expect(trained.report.combined.auc > 0.85)

        let recommender = Recommender(featurizer: featurizer, model: trained.model, precedents: trained.precedents, cases: trained.cases,
                                      policy: try TierPolicy(contentsOf: DefaultConfiguration.tierPolicyPath),
                                      playbooks: try PlaybookCatalogue(contentsOf: DefaultConfiguration.playbooksPath),
                                      modelVersion: "test")
        var run = TriageRun(recommender: recommender)
        run.commonEntities = Set(trained.commonEntities)
        var checker = ScenarioChecker(manifest: manifest)
        let output = folder + "/findings.ndjson", rejects = folder + "/rejects.ndjson"
        let summary = try run.run(alerts: manifest.alertsPath, output: output, rejects: rejects, now: now, inspect: { checker.observe($0) })

        #expect(summary.ingest.accepted == manifest.alertCount)
        #expect(summary.findingsWritten == manifest.alertCount, "every accepted finding is written back once")
        for result in checker.verdicts() {
            #expect(result.passed, "\(result.name): \(result.detail)")
        }
        // The same input gives byte-identical output (an audit must be reproducible).
        _ = try run.run(alerts: manifest.alertsPath, output: output + ".again", rejects: rejects, now: now)
        #expect(FileManager.default.contentsEqual(atPath: output, andPath: output + ".again"))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == manifest.alertCount)
        for line in lines.prefix(200) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["activity_id"] as? Int == 2)
            #expect(((object["unmapped"] as? [String: Any])?["vigil"] as? [String: Any])?["explanation"] != nil)
        }
    }
}
