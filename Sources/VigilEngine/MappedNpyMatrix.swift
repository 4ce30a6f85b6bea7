#if canImport(Glibc)
import Glibc
#endif

/// A 2-D float32 `.npy` file mapped read-only, for zero-copy streaming: rows are scored
/// straight from the page cache, and each processed range is released (madvise
/// MADV_DONTNEED) so the process's resident memory stays at one batch whatever the file size.
final class MappedNpyMatrix: @unchecked Sendable {
    let rows: Int
    let columns: Int
    let path: String
    private let mapping: UnsafeMutableRawPointer?
    private let length: Int
    private let dataOffset: Int

    /// Maps `path` after validating its header and size as `NpyMatrixReader` does.
    /// - Throws: `.io` (open, mmap), `.npyFormat`.
    init(path: String) throws(EngineError) {
        let reader = try NpyMatrixReader(path: path)
        self.path = path
        rows = reader.rows
        columns = reader.columns
        dataOffset = reader.dataOffset
        length = try reader.file.size()
        if length == 0 || rows * columns == 0 {
            mapping = nil
            return
        }
        let address = mmap(nil, length, PROT_READ, MAP_PRIVATE, reader.file.descriptor, 0)
        guard let address, address != MAP_FAILED else { throw .io(path: path, operation: "mmap", errno: errno) }
        mapping = address
        _ = madvise(address, length, MADV_SEQUENTIAL)
    }

    deinit {
        if let mapping { munmap(mapping, length) }
    }

    /// The first float of `row`. - Precondition: rows > 0 and `row < rows`.
    func pointer(row: Int) -> UnsafePointer<Float> {
        UnsafePointer((mapping! + dataOffset).assumingMemoryBound(to: Float.self) + row * columns)
    }

    /// Gives back the pages that hold only rows before `row` (they will not be read again).
    func release(rowsBefore row: Int) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = (dataOffset + row * columns * 4) / page * page
        if end > 0 { _ = madvise(mapping, end, MADV_DONTNEED) }
    }
}
