import Foundation
import Testing
import VigilEngine
import _VigilTestSupport

struct FeatureMatrixTests {
    @Test func rejectsNonFiniteValuesNamingRowAndColumn() {
        var values = [Float](repeating: 1, count: 12)
        values[7] = .nan
        #expect(throws: EngineError.nonFinite(what: "values", row: 2, column: 1, value: .nan)) {
            _ = try FeatureMatrix(rows: 4, columns: 3, values: values)
        }
        do {
            _ = try FeatureMatrix(rows: 4, columns: 3, values: values)
            Issue.record("NaN accepted")
        } catch {
            #expect("\(error)" == "values: row 2, column 1 is nan (features must be finite)")
        }
        values[7] = 1
        values[11] = -.infinity
        #expect(throws: EngineError.nonFinite(what: "values", row: 3, column: 2, value: -.infinity)) {
            _ = try FeatureMatrix(rows: 4, columns: 3, values: values)
        }
    }

    @Test func rejectsWrongShapes() {
        #expect(throws: EngineError.shapeMismatch(what: "values", expected: "6 (2 x 3)", actual: "5")) {
            _ = try FeatureMatrix(rows: 2, columns: 3, values: [1, 2, 3, 4, 5])
        }
        #expect(throws: EngineError.shapeMismatch(what: "row 1", expected: "2 columns", actual: "3")) {
            _ = try FeatureMatrix(rows: [[1, 2], [1, 2, 3]])
        }
        #expect(throws: EngineError.self) { _ = try FeatureMatrix(rows: -1, columns: 3, values: []) }
    }

    @Test func setRejectsNonFiniteAndLeavesMatrixUnchanged() throws {
        var m = try FeatureMatrix(rows: 2, columns: 2, values: [1, 2, 3, 4])
        let copy = m
        #expect(throws: EngineError.nonFinite(what: "value", row: 1, column: 0, value: .infinity)) {
            try m.set(.infinity, row: 1, column: 0)
        }
        #expect(throws: EngineError.nonFinite(what: "row", row: 0, column: 1, value: .nan)) {
            try m.setRow(0, to: [0, .nan])
        }
        #expect(m == copy)
        try m.set(9, row: 1, column: 0)
        #expect(m[1, 0] == 9)
        #expect(copy[1, 0] == 3, "copy-on-write: the copy keeps its value")
    }

    @Test func appendGrowsRows() throws {
        var m = FeatureMatrix(rows: 0, columns: 3)
        for i in 0..<100 {
            try m.append(rowsOf: FeatureMatrix(rows: 1, columns: 3, values: [Float(i), 0, 1]))
        }
        #expect(m.rows == 100)
        #expect(m[99, 0] == 99)
        #expect(throws: EngineError.self) { try m.append(rowsOf: FeatureMatrix(rows: 1, columns: 2)) }
    }

    @Test func uniformIsDeterministicAndInRange() {
        let a = FeatureMatrix.uniform(rows: 10_000, columns: 7, seed: 42, in: -2...3)
        let b = FeatureMatrix.uniform(rows: 10_000, columns: 7, seed: 42, in: -2...3)
        #expect(a == b)
        #expect(a.values.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(a != FeatureMatrix.uniform(rows: 10_000, columns: 7, seed: 43, in: -2...3))
        let mean = a.values.reduce(0.0) { $0 + Double($1) } / Double(a.values.count)
        #expect(abs(mean - 0.5) < 0.02)
    }

    @Test func uniformRowsDoNotRepeatAcrossBlocks() {
        // Blocks of 4096 rows are seeded separately; badly chosen seeds make one block's
        // stream a shifted copy of another's, so whole rows repeat.
        let m = FeatureMatrix.uniform(rows: 20_000, columns: 2, seed: 7)
        let rows = Set((0..<m.rows).map { [m[$0, 0], m[$0, 1]] })
        #expect(rows.count == m.rows)
    }

    @Test func outOfRangeIndexIsAProgrammerError() async {
        await #expect(processExitsWith: .failure) {
            let m = FeatureMatrix(rows: 2, columns: 2)
            _ = m[2, 0]
        }
    }
}
