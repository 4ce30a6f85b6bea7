import Foundation
import Testing
import VigilEngine
import _VigilTestSupport

struct LogisticModelTests {
    @Test func rejectsBadModelsAndInputs() throws {
        #expect(throws: EngineError.invalidArgument(name: "weights", reason: "a model needs at least one weight")) {
            _ = try LogisticModel(weights: [], bias: 0, featureSchemaID: "s")
        }
        #expect(throws: EngineError.nonFinite(what: "weights", row: 0, column: 1, value: .nan)) {
            _ = try LogisticModel(weights: [1, .nan], bias: 0, featureSchemaID: "s")
        }
        #expect(throws: EngineError.nonFinite(what: "bias", row: 0, column: -1, value: .infinity)) {
            _ = try LogisticModel(weights: [1], bias: .infinity, featureSchemaID: "s")
        }
        let model = try LogisticModel(weights: [1, 2, 3], bias: 0, featureSchemaID: "schema-7")
        #expect(throws: EngineError.shapeMismatch(what: "features", expected: "N x 3 (model schema-7)", actual: "2 x 4")) {
            _ = try model.scores(FeatureMatrix(rows: 2, columns: 4))
        }
        #expect(throws: EngineError.invalidArgument(name: "threads", reason: "must be >= 1, got 0")) {
            _ = try model.scores(FeatureMatrix(rows: 2, columns: 3), threads: 0)
        }
        #expect(try model.scores(FeatureMatrix(rows: 0, columns: 3)).isEmpty)
    }

    @Test func threadCountDoesNotChangeScores() throws {
        let x = FeatureMatrix.uniform(rows: 100_003, columns: 17, seed: 8)
        let model = try LogisticModel(weights: TestRandom(seed: 9).floatsCopy(17), bias: -0.5, featureSchemaID: "s")
        let one = try model.scores(x, threads: 1)
        for threads in [2, 3, 5] { #expect(try model.scores(x, threads: threads) == one) }
    }

    @Test func streamsAnNpyFileInBatchesWithTheSameScores() throws {
        let x = FeatureMatrix.uniform(rows: 50_000, columns: 9, seed: 10)
        let model = try LogisticModel(weights: TestRandom(seed: 11).floatsCopy(9), bias: 0.2, featureSchemaID: "s")
        let input = temporaryPath("in.npy"), output = temporaryPath("out.npy")
        defer { for p in [input, output] { try? FileManager.default.removeItem(atPath: p) } }
        try x.writeNpy(to: input)
        let summary = try model.scoreNpyFile(at: input, writingScoresTo: output, batchRows: 777)
        let expected = try model.scores(x)
        #expect(summary.rows == 50_000)
        #expect(try NpyVector.read(from: output) == expected)
        #expect(summary.flagged == expected.filter { $0 >= 0.5 }.count)
        #expect(abs(summary.meanScore - expected.reduce(0.0) { $0 + Double($1) } / 50_000) < 1e-5)
    }

    @Test func streamingStopsAtANaNNamingTheFileRow() throws {
        var values = FeatureMatrix.uniform(rows: 5000, columns: 4, seed: 12).values
        values[4321 * 4 + 3] = .infinity
        let x = try FeatureMatrix(rows: 5000, columns: 4, values: values.map { $0.isFinite ? $0 : 0 })
        let path = temporaryPath("nan.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try x.writeNpy(to: path)
        // Patch the value in the file: FeatureMatrix refuses to hold it.
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: size - UInt64(5000 * 4 * 4) + UInt64((4321 * 4 + 3) * 4))
        try handle.write(contentsOf: withUnsafeBytes(of: Float.infinity.bitPattern.littleEndian) { Data($0) })
        try handle.close()
        let model = try LogisticModel(weights: [1, 1, 1, 1], bias: 0, featureSchemaID: "s")
        #expect(throws: EngineError.nonFinite(what: path, row: 4321, column: 3, value: .infinity)) {
            _ = try model.scoreNpyFile(at: path, batchRows: 1000)
        }
        #expect(throws: EngineError.self) { _ = try model.scoreNpyFile(at: path, batchRows: 0) }
        let wide = try LogisticModel(weights: [1, 1, 1], bias: 0, featureSchemaID: "three")
        #expect(throws: EngineError.shapeMismatch(what: path, expected: "N x 3 (model three)", actual: "5000 x 4")) {
            _ = try wide.scoreNpyFile(at: path)
        }
    }
}

extension TestRandom {
    /// `count` uniform floats in [-1, 1) from a copy of this generator.
    func floatsCopy(_ count: Int) -> [Float] {
        var copy = self
        return copy.floats(count)
    }
}
