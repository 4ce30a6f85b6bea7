import Testing
import Vigil
import VigilEngine
import _VigilTestSupport

struct ConfidenceModelTests {
    func neighbor(_ label: Int32, _ similarity: Float) -> Neighbor {
        Neighbor(row: 0, id: "c", label: label, similarity: similarity)
    }

    @Test func voteWeighsVerdictsBySimilarity() {
        #expect(ConfidenceModel.vote([]) == 0.5)
        #expect(abs(ConfidenceModel.vote([neighbor(2, 0.9), neighbor(1, 0.9)]) - 0.5) < 1e-6)
        #expect(ConfidenceModel.vote([neighbor(2, 1), neighbor(2, 1), neighbor(2, 1)]) == 3.5 / 4)
        #expect(ConfidenceModel.vote([neighbor(5, 1)]) == 0.25, "benign counts as negative")
        #expect(ConfidenceModel.vote([neighbor(3, 1), neighbor(7, 1)]) == 0.5, "disregard / insufficient data carry no vote")
        #expect(ConfidenceModel.vote([neighbor(2, -0.8)]) == 0.5, "dissimilar cases carry no weight")
    }

    @Test func fitsABlendAndMeasuresEachSignalOnUnseenRows() throws {
        // Label depends on column 0 (which the logistic sees) and on a cluster structure
        // the precedents capture.
        var random = TestRandom(seed: 77)
        func cases(_ n: Int) throws -> (FeatureMatrix, [Float]) {
            var values: [Float] = [], labels: [Float] = []
            for _ in 0..<n {
                let malicious = random.float(0, 1) < 0.3
                let row = (0..<8).map { j -> Float in
                    let centre: Float = malicious ? (j < 4 ? 1 : -1) : (j < 4 ? -1 : 1)
                    return centre * 0.5 + random.float(-1, 1)
                }
                values += row
                labels.append(malicious ? 1 : 0)
            }
            return (try FeatureMatrix(rows: n, columns: 8, values: values), labels)
        }
        let (train, trainLabels) = try cases(4000)
        let (heldOut, heldOutLabels) = try cases(1000)
        let (logistic, _) = try LogisticTrainer().fit(train, labels: trainLabels, featureSchemaID: "s")
        var precedents = PrecedentIndex(dimension: 8)
        try precedents.append(train, labels: trainLabels.map { $0 == 1 ? 2 : 1 })
        let (model, report) = try ConfidenceModel.fit(logistic: logistic, k: 5, heldOut: heldOut, labels: heldOutLabels, precedents: precedents)
        #expect(report.logistic.count == 500, "measured on the half not used for fitting")
        #expect(report.logistic.auc > 0.9)
        #expect(report.nearestNeighbors.auc > 0.85)
        #expect(report.combined.auc >= max(report.logistic.auc, report.nearestNeighbors.auc) - 0.02)
        #expect(report.combined.expectedCalibrationError < 0.06)
        let (assessments, found) = try model.assess(heldOut, precedents: precedents)
        #expect(assessments.count == 1000 && found.k == 5)
        #expect(assessments.allSatisfy { $0.confidence >= 0 && $0.confidence <= 1 })
    }

    @Test func refusesTooFewOrOneClassHeldOutCases() throws {
        let x = FeatureMatrix.uniform(rows: 30, columns: 2, seed: 1)
        let logistic = try LogisticModel(weights: [1, 1], bias: 0, featureSchemaID: "s")
        var precedents = PrecedentIndex(dimension: 2)
        try precedents.append(x)
        #expect(throws: VigilError.self) {
            _ = try ConfidenceModel.fit(logistic: logistic, k: 3, heldOut: FeatureMatrix.uniform(rows: 10, columns: 2, seed: 2),
                                        labels: [Float](repeating: 1, count: 10), precedents: precedents)
        }
        #expect(throws: VigilError.invalidConfiguration(file: "training data", location: "held-out split", reason: "the fitting half has only one class (15 of 15 positive)")) {
            _ = try ConfidenceModel.fit(logistic: logistic, k: 3, heldOut: x, labels: [Float](repeating: 1, count: 30), precedents: precedents)
        }
    }
}
