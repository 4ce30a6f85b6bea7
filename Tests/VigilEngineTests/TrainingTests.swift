import Testing
import VigilEngine
import _VigilTestSupport

struct TrainingTests {
    /// Rows uniform in [-1, 1], labels drawn from a known model.
    func problem(rows: Int, weights: [Float], bias: Float, seed: UInt64) throws -> (FeatureMatrix, [Float]) {
        let x = FeatureMatrix.uniform(rows: rows, columns: weights.count, seed: seed)
        let p = try LogisticModel(weights: weights, bias: bias, featureSchemaID: "truth").scores(x)
        var random = TestRandom(seed: seed + 1)
        return (x, p.map { random.float(0, 1) < $0 ? 1 : 0 })
    }

    @Test func recoversTheGeneratingModelAndReachesAStationaryPoint() throws {
        let truth: [Float] = [2, -1.5, 0, 0.5, 3, -2, 0, 1]
        let (x, y) = try problem(rows: 60_000, weights: truth, bias: -0.5, seed: 3)
        let trainer = try LogisticTrainer(l2: 1e-5)
        let (model, report) = try trainer.fit(x, labels: y, featureSchemaID: "s1")
        #expect(report.converged, "\(report)")
        #expect(model.featureSchemaID == "s1")
        for j in truth.indices { #expect(abs(model.weights[j] - truth[j]) < 0.12, "weight \(j): \(model.weights[j]) vs \(truth[j])") }
        #expect(abs(model.bias + 0.5) < 0.1)
        // The double-precision gradient at the solution is ~0.
        let reference = Reference.lossAndGradient(x.values, rows: x.rows, columns: x.columns, labels: y, sampleWeights: nil,
                                                  weights: model.weights, bias: model.bias, l2: 1e-5)
        #expect(reference.grad.map(abs).max()! < 1e-4)
        #expect(abs(reference.gradBias) < 1e-4)
        let referenceLoss = reference.loss
        #expect(abs(referenceLoss - report.loss) < 1e-5)
    }

    @Test func separableDataStaysFiniteUnderL2AndThreadsAgree() throws {
        let x = FeatureMatrix.uniform(rows: 20_000, columns: 3, seed: 5)
        let y: [Float] = (0..<x.rows).map { x[$0, 0] > 0 ? 1 : 0 }
        let one = try LogisticTrainer(l2: 1e-3, threads: 1).fit(x, labels: y, featureSchemaID: "s")
        let two = try LogisticTrainer(l2: 1e-3, threads: 2).fit(x, labels: y, featureSchemaID: "s")
        #expect(one.model.weights.allSatisfy { $0.isFinite })
        #expect(one.model.weights[0] > 5)
        for j in 0..<3 { #expect(abs(one.model.weights[j] - two.model.weights[j]) < 1e-3) }
    }

    @Test func rejectsBadTrainingInput() throws {
        let trainer = try LogisticTrainer()
        #expect(throws: EngineError.invalidArgument(name: "labels[1]", reason: "must be in [0, 1], got 3.0")) {
            _ = try trainer.fit(FeatureMatrix(rows: 2, columns: 2), labels: [0, 3], featureSchemaID: "s")
        }
        #expect(throws: EngineError.self) { _ = try trainer.fit(FeatureMatrix(rows: 0, columns: 2), labels: [], featureSchemaID: "s") }
        #expect(throws: EngineError.self) { _ = try LogisticTrainer(l2: -1) }
    }

    @Test func metricsOnKnownExamples() throws {
        let perfect = try ClassificationMetrics(probabilities: [0.1, 0.2, 0.8, 0.9], labels: [0, 0, 1, 1])
        #expect(perfect.auc == 1)
        #expect(perfect.accuracy == 1)
        #expect(abs(perfect.brier - (0.01 + 0.04 + 0.04 + 0.01) / 4) < 1e-7)
        let reversed = try ClassificationMetrics(probabilities: [0.9, 0.8, 0.2, 0.1], labels: [0, 0, 1, 1])
        #expect(reversed.auc == 0)
        let ties = try ClassificationMetrics(probabilities: [0.5, 0.5, 0.5, 0.5], labels: [0, 1, 0, 1])
        #expect(ties.auc == 0.5)
        // Two bins, each exactly calibrated: ECE 0. One bin off by 0.3 on half the rows: 0.15.
        let calibrated = try ClassificationMetrics(probabilities: [0.25, 0.25, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75],
                                                   labels: [1, 0, 0, 0, 1, 1, 1, 0], bins: 2)
        #expect(abs(calibrated.expectedCalibrationError) < 1e-7)
        let off = try ClassificationMetrics(probabilities: [0.25, 0.25, 0.25, 0.25, 0.45, 0.45, 0.45, 0.45],
                                            labels: [1, 0, 0, 0, 1, 1, 1, 0], bins: 2)
        #expect(abs(off.expectedCalibrationError - 0.15) < 1e-6)
        #expect(throws: EngineError.self) { _ = try ClassificationMetrics(probabilities: [0.5], labels: [2]) }
        #expect(throws: EngineError.self) { _ = try ClassificationMetrics(probabilities: [1.5], labels: [1]) }
    }

    @Test func plattScalingFixesMiscalibration() throws {
        var random = TestRandom(seed: 9)
        let truth = (0..<20_000).map { _ in random.float(0.02, 0.98) }
        let labels = truth.map { random.float(0, 1) < $0 ? Float(1) : 0 }
        // An overconfident model: pushes probabilities towards 0 and 1.
        let overconfident = truth.map { p -> Float in let z = log(p / (1 - p)) * 3; return 1 / (1 + exp(-z)) }
        let before = try ClassificationMetrics(probabilities: overconfident, labels: labels)
        let platt = try PlattCalibration(fitting: overconfident, labels: labels)
        let after = try ClassificationMetrics(probabilities: overconfident.map(platt.apply), labels: labels)
        #expect(abs(platt.a - 1.0 / 3) < 0.05)
        #expect(after.expectedCalibrationError < before.expectedCalibrationError / 3)
        #expect(abs(after.auc - before.auc) < 1e-9, "calibration is monotone: ranking unchanged")
    }
}

import Foundation
