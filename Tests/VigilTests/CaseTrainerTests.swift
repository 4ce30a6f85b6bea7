import Foundation
import Testing
import Vigil
import VigilEngine
import _VigilTestSupport

/// Closed findings whose verdict follows a rule the model can learn: beaconing (T1071)
/// or credential dumping (T1003) at high severity is usually a true positive; the rest
/// usually false positives. Each finding is on its own host, hours apart, so each is its
/// own incident.
func closedCases(_ n: Int, seed: UInt64) -> [Alert] {
    var random = TestRandom(seed: seed)
    let techniques = ["T1071", "T1003", "T1059.001", "T1566.001", "T1204", "T1021.002"]
    return (0..<n).map { i in
        let t = techniques[random.int(0..<techniques.count)]
        let severity = random.int(1..<6)
        let bad = (t == "T1071" || t == "T1003") && severity >= 4
        let truth = random.float(0, 1) < (bad ? 0.9 : 0.1)
        var verdict = truth ? 2 : (random.int(0..<2) == 0 ? 1 : 5)
        if random.int(0..<20) == 0 { verdict = 7 }  // insufficient data: ignored
        return Alert(uid: "case-\(seed)-\(i)", title: "finding \(t)", timeMs: 1_700_000_000_000 + Int64(i) * 7_200_000, severityID: severity,
                     productName: "edr", schemaVersion: "1.8.0", techniques: [t], entities: [EntityKey(.host, "h\(i)")!], verdictID: verdict)
    }
}

struct CaseTrainerTests {
    @Test func trainsMeasuresAndRoundTripsThroughAModelFile() throws {
        let schema = try FeatureSchema()
        let trainer = CaseTrainer(featurizer: Featurizer(schema: schema))
        let alerts = closedCases(3000, seed: 1)
        let result = try trainer.train(alerts, actions: ["case-1-0": "quarantine_host"])
        #expect(result.trainingIncidents + result.heldOutIncidents + result.unlabelledIncidents == 3000)
        #expect(result.unlabelledIncidents > 50, "insufficient-data verdicts are left out")
        #expect(abs(Double(result.heldOutIncidents) / Double(result.trainingIncidents + result.heldOutIncidents) - 0.2) < 0.03)
        #expect(result.report.logistic.auc > 0.75, "the generating rule allows about 0.81")
        #expect(result.report.combined.auc > 0.75, "the generating rule allows about 0.81")
        #expect(result.optimiser.converged)
        #expect(result.precedents.count == result.cases.count)
        #expect(result.dataSHA256.count == 64)

        let folder = NSTemporaryDirectory() + "vigil-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ModelFile.write(result, schema: schema, to: folder + "/model.json")
        let loaded = try ModelFile.load(from: folder + "/model.json")
        #expect(loaded.model.logistic == result.model.logistic)
        #expect(loaded.file.featureSchema == schema.id)
        #expect(loaded.file.cases == result.cases)
        #expect(loaded.precedents.count == result.precedents.count)
        #expect(loaded.file.metrics["combined"]?.auc == result.report.combined.auc)

        // The same data gives the same hash; a changed verdict does not.
        var changed = alerts
        changed[5].verdictID = changed[5].verdictID == 2 ? 1 : 2
        #expect(try trainer.train(alerts).dataSHA256 == result.dataSHA256)
        #expect(try trainer.train(changed).dataSHA256 != result.dataSHA256)
    }

    @Test func refusesTooFewLabelledCases() throws {
        let trainer = CaseTrainer(featurizer: Featurizer(schema: try FeatureSchema()))
        #expect(throws: VigilError.self) { _ = try trainer.train(closedCases(20, seed: 2)) }
    }

    @Test func rejectsDamagedModelFiles() throws {
        let path = NSTemporaryDirectory() + "vigil-bad-model-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"format\": \"something-else\"}".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: VigilError.self) { _ = try ModelFile.load(from: path) }
        #expect(throws: VigilError.self) { _ = try ModelFile.load(from: path + ".missing") }
    }
}
