import Foundation
import Testing
import VigilEngine
import _VigilTestSupport

struct NpyTests {
    /// A .npy file as numpy writes it, with a chosen header dict and data bytes.
    func npyBytes(version: UInt8 = 1, dict: String, data: [UInt8]) -> [UInt8] {
        let prefix = version == 1 ? 10 : 12
        let unpadded = prefix + dict.utf8.count + 1
        let total = (unpadded + 63) / 64 * 64
        let length = total - prefix
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        for i in 0..<(prefix - 8) { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * i))) }
        bytes += Array(dict.utf8) + [UInt8](repeating: 0x20, count: total - unpadded) + [0x0A]
        return bytes + data
    }

    func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
    }

    func write(_ bytes: [UInt8]) -> String {
        let path = temporaryPath("m.npy")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test(arguments: [(0, 3), (1, 1), (7, 9), (1000, 31)])
    func roundTrips(rows: Int, columns: Int) throws {
        let m = FeatureMatrix.uniform(rows: rows, columns: columns, seed: 9)
        let path = temporaryPath("rt.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try m.writeNpy(to: path)
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(data.count == 128 || (data.count - rows * columns * 4) % 64 == 0, "data starts on a 64-byte boundary")
        #expect(try FeatureMatrix(npyFile: path) == m)
    }

    @Test func readsNumpyStyleHeadersOfVersions1And2() throws {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        for version: UInt8 in [1, 2, 3] {
            for dict in ["{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                         "{\"descr\":\"<f4\",\"fortran_order\":False,\"shape\":(2,3)}"] {
                let path = write(npyBytes(version: version, dict: dict, data: floatBytes(values)))
                defer { try? FileManager.default.removeItem(atPath: path) }
                let m = try FeatureMatrix(npyFile: path)
                #expect(m.rows == 2 && m.columns == 3 && m.values == values)
            }
        }
    }

    @Test(arguments: [
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", "dtype '<f8' is not supported"),
        ("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", "dtype '>f4' is not supported"),
        ("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "Fortran"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", "expected a 2-D shape"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", "truncated: header declares 2 x 4 float32 (32 bytes of data) but only 24 bytes follow"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unknown header key 'extra'"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", "malformed header"),
    ])
    func rejectsBadHeadersWithAReason(dict: String, reason: String) throws {
        let path = write(npyBytes(dict: dict, data: floatBytes([1, 2, 3, 4, 5, 6])))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try FeatureMatrix(npyFile: path)
            Issue.record("accepted \(dict)")
        } catch {
            guard case let .npyFormat(p, message) = error else { Issue.record("wrong error \(error)"); return }
            #expect(p == path)
            #expect(message.contains(reason), "\(message)")
        }
    }

    @Test func rejectsFilesThatAreNotNpy() throws {
        for bytes: [UInt8] in [[], Array("hello world, not numpy".utf8), [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 9, 0, 0, 0]] {
            let path = write(bytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(throws: EngineError.self) { _ = try FeatureMatrix(npyFile: path) }
        }
        #expect(throws: EngineError.io(path: "/nonexistent/x.npy", operation: "open", errno: ENOENT)) {
            _ = try FeatureMatrix(npyFile: "/nonexistent/x.npy")
        }
    }

    @Test func namesTheRowAndColumnOfANaNInAFile() throws {
        var values = [Float](repeating: 0.5, count: 300 * 4)
        values[123 * 4 + 2] = .nan
        let path = write(npyBytes(dict: "{'descr': '<f4', 'fortran_order': False, 'shape': (300, 4), }", data: floatBytes(values)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: EngineError.nonFinite(what: path, row: 123, column: 2, value: .nan)) {
            _ = try FeatureMatrix(npyFile: path)
        }
    }

    @Test func vectorsRoundTripAndRejectMatrices() throws {
        let path = temporaryPath("v.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NpyVector.write([1, -2, 3.5], to: path)
        #expect(try NpyVector.read(from: path) == [1, -2, 3.5])
        try FeatureMatrix(rows: 1, columns: 2).writeNpy(to: path)
        #expect(throws: EngineError.self) { _ = try NpyVector.read(from: path) }
    }
}
