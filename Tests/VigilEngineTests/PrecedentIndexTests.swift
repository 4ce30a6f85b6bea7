import Foundation
import Testing
import VigilEngine
import _VigilTestSupport

struct PrecedentIndexTests {
    func randomIndex(rows: Int, dimension: Int, seed: UInt64) throws -> PrecedentIndex {
        var index = PrecedentIndex(dimension: dimension)
        try index.append(FeatureMatrix.uniform(rows: rows, columns: dimension, seed: seed),
                         ids: (0..<rows).map { "case-\($0)" }, labels: (0..<rows).map { Int32($0 % 3) })
        return index
    }

    @Test func searchesLargerIndexesExactlyWithBothSplits() throws {
        let d = 128, n = 5000
        let index = try randomIndex(rows: n, dimension: d, seed: 1)
        let base = (0..<n).map { index.vectors.row($0) }
        for q in [1, 3, 40] {
            let queries = FeatureMatrix.uniform(rows: q, columns: d, seed: 2)
            let found = try index.nearest(to: queries, k: 10, options: .init(tileQueries: 16, tileRows: 256, threads: 2))
            let reference = Reference.cosine((0..<q).map { queries.row($0) }, base)
            for i in 0..<q {
                try expectTopK(found, query: i, reference: reference[i], k: 10)
            }
        }
    }

    @Test func nearestToOneVectorCarriesIdsAndLabels() throws {
        var index = PrecedentIndex(dimension: 3)
        try index.append(FeatureMatrix(rows: [[1, 0, 0], [0, 1, 0], [1, 1, 0]]), ids: ["a", "b", "c"], labels: [2, 1, 5])
        let found = try index.nearest(to: [2, 0, 0], k: 2)
        #expect(found.map(\.id) == ["a", "c"])
        #expect(found.map(\.label) == [2, 5])
        #expect(abs(found[1].similarity - 0.70710677) < 1e-6)
        #expect(try index.nearest(to: [0, 0, 1], k: 5).count == 3)
    }

    @Test func rejectsBadArguments() throws {
        var index = try randomIndex(rows: 10, dimension: 4, seed: 3)
        #expect(throws: EngineError.shapeMismatch(what: "queries", expected: "Q x 4", actual: "1 x 5")) {
            _ = try index.nearest(to: FeatureMatrix(rows: 1, columns: 5), k: 1)
        }
        #expect(throws: EngineError.invalidArgument(name: "k", reason: "must be >= 1, got 0")) {
            _ = try index.nearest(to: FeatureMatrix(rows: 1, columns: 4), k: 0)
        }
        #expect(throws: EngineError.self) { _ = try index.nearest(to: [1, .nan, 0, 0], k: 1) }
        #expect(throws: EngineError.shapeMismatch(what: "precedent ids", expected: "2", actual: "1")) {
            try index.append(FeatureMatrix(rows: 2, columns: 4), ids: ["x"])
        }
        #expect(index.count == 10, "a rejected append adds nothing")
    }

    @Test func savesAndLoadsExactly() throws {
        let index = try randomIndex(rows: 777, dimension: 9, seed: 4)
        let path = temporaryPath("index.vpx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try index.save(to: path)
        let loaded = try PrecedentIndex(contentsOf: path)
        #expect(loaded.vectors == index.vectors)
        #expect(loaded.ids == index.ids)
        #expect(loaded.labels == index.labels)
        let q = FeatureMatrix.uniform(rows: 5, columns: 9, seed: 5)
        #expect(try loaded.nearest(to: q, k: 4).rows == index.nearest(to: q, k: 4).rows)
    }

    @Test func detectsDamagedAndTruncatedFiles() throws {
        let index = try randomIndex(rows: 50, dimension: 4, seed: 6)
        let path = temporaryPath("index.vpx")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try index.save(to: path)
        let good = try #require(FileManager.default.contents(atPath: path))
        var flipped = good
        flipped[100] ^= 0x40
        for (bytes, reason) in [(flipped, "checksum mismatch"), (good.prefix(good.count - 9), "checksum"),
                                (good.prefix(20), "magic"), (Data("not an index at all, just text....".utf8), "magic")] {
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            do {
                _ = try PrecedentIndex(contentsOf: path)
                Issue.record("accepted a damaged file (\(reason))")
            } catch {
                guard case let .indexFormat(p, message) = error else { Issue.record("\(error)"); continue }
                #expect(p == path)
                #expect(message.contains(reason), "\(message)")
            }
        }
    }
}
