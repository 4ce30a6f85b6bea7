extension FeatureMatrix {
    /// Loads a 2-D little-endian float32 `.npy` file (as written by `numpy.save`).
    /// - Throws: `.io`, `.npyFormat` (bad magic or header, dtype other than `<f4`, Fortran
    ///   order, not 2-D, truncated data), `.nonFinite` naming the row and column.
    /// - Complexity: O(rows × columns); reads on all cores.
    public init(npyFile path: String) throws(EngineError) {
        let reader = try NpyMatrixReader(path: path)
        self.init(rows: reader.rows, columns: reader.columns)
        try reader.read(rows: 0..<reader.rows, into: storage.base, threads: Parallelism.defaultThreads)
    }

    /// Writes the matrix as a `.npy` file (format 1.0, `<f4`, C order) that
    /// `numpy.load` reads back unchanged.
    /// - Throws: `.io` naming the path and failing call.
    public func writeNpy(to path: String) throws(EngineError) {
        let file = try PosixFile(writingTo: path)
        let header = NpyHeader.encode(shape: [rows, columns])
        try header.withUnsafeBufferPointer { (bytes) throws(EngineError) in try file.write(bytes.baseAddress!, count: bytes.count) }
        try file.write(storage.base, count: rows * columns * 4)
    }
}

/// Reading and writing 1-D float32 `.npy` vectors (weights, scores).
public enum NpyVector {
    /// Loads a 1-D `<f4` array.
    /// - Throws: `.io`, `.npyFormat` (including a shape that is not 1-D), `.nonFinite`
    ///   (`row` is the element index, `column` 0) when `requireFinite`.
    public static func read(from path: String, requireFinite: Bool = true) throws(EngineError) -> [Float] {
        let file = try PosixFile(readingFrom: path)
        let size = try file.size()
        var prefix = [UInt8](repeating: 0, count: min(size, 1 << 16))
        let got = try prefix.withUnsafeMutableBufferPointer { (b) throws(EngineError) -> Int in try file.read(into: b.baseAddress!, count: b.count, at: 0) }
        prefix.removeLast(prefix.count - got)
        let header = try NpyHeader.parse(prefix, path: path)
        guard header.shape.count == 1 else {
            throw .npyFormat(path: path, reason: "expected a 1-D shape (count,), got \(header.shape)")
        }
        let count = header.shape[0]
        guard size - header.dataOffset >= count * 4 else {
            throw .npyFormat(path: path, reason: "truncated: header declares \(count) float32 but only \(size - header.dataOffset) bytes follow the header")
        }
        var values = [Float](repeating: 0, count: count)
        _ = try values.withUnsafeMutableBufferPointer { (b) throws(EngineError) -> Int in
            count == 0 ? 0 : try file.read(into: b.baseAddress!, count: count * 4, at: header.dataOffset)
        }
        if requireFinite, let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(what: path, row: bad, column: 0, value: values[bad])
        }
        return values
    }

    /// Writes `values` as a 1-D `<f4` `.npy` file.
    public static func write(_ values: [Float], to path: String) throws(EngineError) {
        let writer = try NpyVectorWriter(path: path, count: values.count)
        try values.withUnsafeBufferPointer { (b) throws(EngineError) in try writer.append(b) }
        try writer.finish()
    }
}

/// Writes a 1-D float32 `.npy` file of a count known up front, in pieces, so a streaming
/// producer never holds the whole vector.
final class NpyVectorWriter {
    let file: PosixFile
    let count: Int
    private(set) var written = 0

    init(path: String, count: Int) throws(EngineError) {
        file = try PosixFile(writingTo: path)
        self.count = count
        let header = NpyHeader.encode(shape: [count])
        try header.withUnsafeBufferPointer { (b) throws(EngineError) in try file.write(b.baseAddress!, count: b.count) }
    }

    func append(_ values: UnsafeBufferPointer<Float>) throws(EngineError) {
        precondition(written + values.count <= count, "NpyVectorWriter: more values than declared")
        if values.isEmpty { return }
        try file.write(values.baseAddress!, count: values.count * 4)
        written += values.count
    }

    /// Checks that exactly `count` values were written.
    func finish() throws(EngineError) {
        guard written == count else {
            throw .invalidArgument(name: file.path, reason: "wrote \(written) of \(count) declared values")
        }
    }
}
