/// Reads a 2-D little-endian float32 `.npy` file row block by row block, so memory stays
/// flat whatever the number of rows.
///
/// Every block read is checked: a NaN or infinity throws `.nonFinite` naming the row (as
/// counted in the file) and column; a file shorter than its header declares throws
/// `.npyFormat` saying how many bytes are missing.
public final class NpyMatrixReader: @unchecked Sendable {
    /// Rows declared by the header.
    public let rows: Int
    /// Columns declared by the header.
    public let columns: Int
    /// The file path.
    public let path: String
    /// Rows handed out so far.
    public private(set) var rowsRead = 0

    let file: PosixFile
    let dataOffset: Int

    /// Opens `path` and validates its header and size.
    /// - Throws: `.io` if it cannot be opened; `.npyFormat` for a bad header, a dtype other
    ///   than `<f4`, Fortran order, a shape that is not 2-D, or truncated data.
    public init(path: String) throws(EngineError) {
        self.path = path
        let file = try PosixFile(readingFrom: path)
        self.file = file
        let size = try file.size()
        var prefix = [UInt8](repeating: 0, count: min(size, 1 << 16))
        let got = try prefix.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) -> Int in
            try file.read(into: buffer.baseAddress!, count: buffer.count, at: 0)
        }
        prefix.removeLast(prefix.count - got)
        let header = try NpyHeader.parse(prefix, path: path)
        guard header.shape.count == 2 else {
            throw .npyFormat(path: path, reason: "expected a 2-D shape (rows, columns), got \(header.shape)")
        }
        rows = header.shape[0]
        columns = header.shape[1]
        dataOffset = header.dataOffset
        let (needed, overflow) = rows.multipliedReportingOverflow(by: columns * 4)
        guard !overflow else { throw .npyFormat(path: path, reason: "shape \(header.shape) is too large") }
        let available = size - dataOffset
        guard available >= needed else {
            throw .npyFormat(path: path, reason: "truncated: header declares \(rows) x \(columns) float32 (\(needed) bytes of data) but only \(available) bytes follow the header")
        }
        file.adviseSequential()
    }

    /// Reads the next up to `maxRows` rows into `batch`, replacing its contents; reads are
    /// split over `threads` threads (pread on disjoint ranges).
    /// - Returns: the number of rows read; 0 at the end.
    /// - Throws: `.io`, `.npyFormat` (file shrank while reading), `.nonFinite`.
    public func next(into batch: inout FeatureMatrix, maxRows: Int, threads: Int = Parallelism.defaultThreads) throws(EngineError) -> Int {
        guard maxRows > 0 else { throw .invalidArgument(name: "maxRows", reason: "must be >= 1, got \(maxRows)") }
        let count = min(maxRows, rows - rowsRead)
        if batch.columns != columns { batch = FeatureMatrix(rows: 0, columns: columns) }
        batch.reserveRows(count)
        batch.rows = count
        if count == 0 { return 0 }
        try read(rows: rowsRead..<(rowsRead + count), into: batch.storage.base, threads: threads)
        rowsRead += count
        return count
    }

    /// Reads `range` of rows into `destination` on the calling thread and checks them.
    func read(rows range: Range<Int>, into destination: UnsafeMutablePointer<Float>) throws(EngineError) {
        let rowBytes = columns * 4
        let bytes = range.count * rowBytes
        let got = try file.read(into: destination, count: bytes, at: dataOffset + range.lowerBound * rowBytes)
        guard got == bytes else {
            throw .npyFormat(path: path, reason: "truncated while reading row \(range.lowerBound + got / rowBytes)")
        }
        try FeatureMatrix.checkFinite(destination, rows: range.count, columns: columns, what: path, firstRow: range.lowerBound)
    }

    /// Reads `range` of rows into `destination` (rows x columns floats) and checks them,
    /// split over `threads` threads.
    func read(rows range: Range<Int>, into destination: UnsafeMutablePointer<Float>, threads: Int) throws(EngineError) {
        let out = SharedPointer(base: destination)
        let rowBytes = columns * 4
        let minimumRows = max(1, (1 << 20) / max(rowBytes, 1))
        let failures = FailureSlots(count: Parallelism.partition(count: range.count, threads: threads, minimum: minimumRows).count)
        Parallelism.forEachRange(count: range.count, threads: threads, minimum: minimumRows) { part, local in
            do {
                try self.read(rows: (range.lowerBound + local.lowerBound)..<(range.lowerBound + local.upperBound),
                              into: out.base + local.lowerBound * self.columns)
            } catch {
                failures.record(error, at: part)
            }
        }
        if let error = failures.first { throw error }
    }
}

/// One error slot per parallel part, so the error reported is the earliest row's.
final class FailureSlots: @unchecked Sendable {
    private var slots: [EngineError?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    /// Each part writes only its own slot.
    func record(_ error: Error, at part: Int) {
        slots[part] = (error as? EngineError) ?? .invalidArgument(name: "internal", reason: "\(error)")
    }
    var first: EngineError? { slots.lazy.compactMap { $0 }.first }
}
