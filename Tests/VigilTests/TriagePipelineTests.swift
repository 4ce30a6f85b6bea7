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
        let output = folder + "/findings.ndjson", rejects = folder + "/rejects.ndjson", incidents = folder + "/incidents.ndjson"
        let summary = try run.run(alerts: manifest.alertsPath, output: output, incidents: incidents, rejects: rejects, now: now,
                                  inspect: { checker.observe($0) })

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
        var namedIncidents: [String: String] = [:]  // finding uid → incident uid its update names
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["activity_id"] as? Int == 2)
            let vigil = try #require((object["unmapped"] as? [String: Any])?["vigil"] as? [String: Any])
            #expect(vigil["explanation"] != nil && vigil["recommendations"] != nil && vigil["tier"] != nil)
            let uid = try #require((object["finding_info"] as? [String: Any])?["uid"] as? String)
            namedIncidents[uid] = vigil["incident_uid"] as? String
        }
        // One record per incident; together they name every finding exactly once, and each
        // finding names the incident whose record lists it.
        let records = try String(contentsOfFile: incidents, encoding: .utf8).split(separator: "\n")
        #expect(records.count == summary.incidents)
        var listed = 0
        for line in records {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(record["incident_uid"] as? String)
            let members = try #require(record["finding_uids"] as? [String])
            listed += members.count
            for uid in members { #expect(namedIncidents[uid] == id, "\(uid) names \(namedIncidents[uid] ?? "nothing"), listed by \(id)") }
            let e = try #require(record["explanation"] as? [String: Any])
            for key in ["indicators", "confidence", "model_version", "precedents", "limitations", "impact_of_not_acting"] {
                #expect(e[key] != nil, "\(id): explanation.\(key)")
            }
            for r in record["recommendations"] as? [[String: Any]] ?? [] {
                #expect((r["reason"] as? String)?.isEmpty == false && (r["impact_of_acting"] as? String)?.isEmpty == false)
            }
        }
        #expect(listed == manifest.alertCount)
    }

    @Test func anUnreadableAlertFileFailsTheRunWithoutHanging() throws {
        let folder = NSTemporaryDirectory() + "vigil-triage-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = TriageRun(recommender: try exampleRecommender(intel: [:], assets: [:]))
        #expect(throws: VigilError.self) {
            _ = try run.run(alerts: folder + "/missing.ndjson", output: folder + "/out.ndjson", rejects: nil, now: Date())
        }
        // Output to a device (no fsync possible) is fine.
        try "".write(toFile: folder + "/empty.ndjson", atomically: true, encoding: .utf8)
        let summary = try run.run(alerts: folder + "/empty.ndjson", output: "/dev/null", incidents: "/dev/null", rejects: nil, now: Date())
        #expect(summary.incidents == 0 && summary.findingsWritten == 0)
    }
}
