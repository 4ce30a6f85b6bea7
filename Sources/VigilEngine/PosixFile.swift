#if canImport(Glibc)
import Glibc
#endif

/// An open file descriptor whose failures become `EngineError.io` naming the path and call.
/// Owned by one thread at a time, except `read(into:count:at:)` (pread), which threads may
/// call concurrently on disjoint ranges.
final class PosixFile: @unchecked Sendable {
    let path: String
    let descriptor: Int32

    /// Opens `path` for reading (open(2) O_RDONLY).
    init(readingFrom path: String) throws(EngineError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw .io(path: path, operation: "open", errno: errno) }
    }

    /// Creates or truncates `path` for writing (open(2) O_WRONLY|O_CREAT|O_TRUNC, mode 0644).
    init(writingTo path: String) throws(EngineError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw .io(path: path, operation: "open", errno: errno) }
    }

    deinit { close(descriptor) }

    /// Size in bytes (fstat(2)).
    func size() throws(EngineError) -> Int {
        var info = stat()
        if fstat(descriptor, &info) != 0 { throw .io(path: path, operation: "fstat", errno: errno) }
        return Int(info.st_size)
    }

    /// Reads up to `count` bytes at `offset` (pread(2), retried on EINTR and short reads).
    /// - Returns: bytes read; fewer than `count` only at end of file.
    func read(into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(EngineError) -> Int {
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "pread", errno: errno)
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Writes all `count` bytes (write(2), retried on EINTR and short writes).
    func write(_ buffer: UnsafeRawPointer, count: Int) throws(EngineError) {
        var done = 0
        while done < count {
            let n = Glibc.write(descriptor, buffer + done, count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    /// Flushes to stable storage (fsync(2)).
    func sync() throws(EngineError) {
        if fsync(descriptor) != 0 { throw .io(path: path, operation: "fsync", errno: errno) }
    }

    /// Tells the kernel the file will be read once, front to back (posix_fadvise).
    func adviseSequential() {
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
    }
}
