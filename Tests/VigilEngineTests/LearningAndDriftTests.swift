import Testing
import VigilEngine
import _VigilTestSupport

struct OnlineLearnerTests {
    @Test func learnsASeparableProblem() throws {
        // Label = 1 when x0 + 0.5 x1 > 0.
        let x = FeatureMatrix.uniform(rows: 4000, columns: 3, seed: 20)
        let labels: [Float] = (0..<x.rows).map { x[$0, 0] + 0.5 * x[$0, 1] > 0 ? 1 : 0 }
        var learner = try OnlineLearner(model: LogisticModel(weights: [0, 0, 0], bias: 0, featureSchemaID: "s"), learningRate: 2, l2: 1e-4)
        let first = try learner.update(batch: x, labels: labels)
        var last = first
        for _ in 0..<300 { last = try learner.update(batch: x, labels: labels) }
        #expect(last < first / 3)
        let p = try learner.model.scores(x)
        let accuracy = zip(p, labels).filter { ($0 >= 0.5) == ($1 == 1) }.count
        #expect(accuracy > 3900)
        #expect(learner.steps == 301)
        #expect(learner.model.weights[0] > 2 * abs(learner.model.weights[2]))
    }

    @Test func rejectsBadBatches() throws {
        var learner = try OnlineLearner(model: LogisticModel(weights: [0, 0], bias: 0, featureSchemaID: "s"), learningRate: 0.1)
        let x = FeatureMatrix(rows: 2, columns: 2)
        #expect(throws: EngineError.invalidArgument(name: "labels[1]", reason: "must be in [0, 1], got 2.0")) {
            try learner.update(batch: x, labels: [0, 2])
        }
        #expect(throws: EngineError.invalidArgument(name: "labels[0]", reason: "must be in [0, 1], got nan")) {
            try learner.update(batch: x, labels: [.nan, 1])
        }
        #expect(throws: EngineError.shapeMismatch(what: "labels", expected: "2", actual: "1")) {
            try learner.update(batch: x, labels: [0])
        }
        #expect(throws: EngineError.invalidArgument(name: "sampleWeights[0]", reason: "must be finite and >= 0, got -1.0")) {
            try learner.update(batch: x, labels: [0, 1], sampleWeights: [-1, 1])
        }
        #expect(throws: EngineError.invalidArgument(name: "batch", reason: "needs at least one row")) {
            try learner.update(batch: FeatureMatrix(rows: 0, columns: 2), labels: [])
        }
        #expect(throws: EngineError.self) { _ = try OnlineLearner(model: learner.model, learningRate: 0) }
        #expect(learner.steps == 0, "rejected batches change nothing")
    }
}

struct DriftTests {
    @Test func quantileEdgesSplitMassEvenly() throws {
        let values = (0..<1000).map { Float($0) }
        let edges = try FeatureHistogram.quantileEdges(of: values, bins: 4)
        #expect(edges == [250, 500, 750])
        #expect(try FeatureHistogram.quantileEdges(of: [1, 1, 1, 1], bins: 4).count == 1)
        #expect(throws: EngineError.self) { _ = try FeatureHistogram.quantileEdges(of: [.nan], bins: 4) }
        #expect(throws: EngineError.self) { _ = try FeatureHistogram(edges: [1, 1]) }
    }

    @Test func columnStabilityFlagsOnlyTheShiftedFeature() throws {
        let reference = FeatureMatrix.uniform(rows: 20_000, columns: 3, seed: 30)
        var shifted = FeatureMatrix.uniform(rows: 20_000, columns: 3, seed: 31).values
        for i in 0..<20_000 { shifted[i * 3 + 1] += 0.8 }
        let psi = try DriftStatistics.columnStability(reference: reference, current: FeatureMatrix(rows: 20_000, columns: 3, values: shifted))
        #expect(psi[0] < 0.01 && psi[2] < 0.01)
        #expect(psi[1] > 0.25)
    }
}
