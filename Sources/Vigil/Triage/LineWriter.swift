#if canImport(Glibc)
import Glibc
#endif

/// Appends text lines to a file through a 1 MiB `TextBuffer` (write(2)); `close()` flushes
/// and, for a regular file, fsyncs, so a finished run's output is on disk. Not thread-safe.
final class LineWriter {
    let path: String
    private let descriptor: Int32
    private let buffer = TextBuffer(capacity: 2 << 20)
    private static let flushBytes = 1 << 20

    /// Creates or truncates `path`.
    /// - Throws: `.io` when it cannot be created.
    init(path: String) throws(VigilError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw .io(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
    }

    deinit { Glibc.close(descriptor) }

    func write(line: String) throws(VigilError) {
        buffer.text(line)
        buffer.byte(0x0A)
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Lets `produce` append one line's bytes (no line ending) straight into the buffer.
    func write(_ produce: (TextBuffer) -> Void) throws(VigilError) {
        produce(buffer)
        buffer.byte(0x0A)
        if buffer.count >= Self.flushBytes { try flush() }
    }

    /// Writes out what is buffered.
    /// - Throws: `.io` naming the file and the system's reason.
    func flush() throws(VigilError) {
        var done = 0
        while done < buffer.count {
            let n = Glibc.write(descriptor, buffer.base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        buffer.removeAll()
    }

    /// Flushes, then fsyncs a regular file (a pipe or device has nothing to sync).
    func close() throws(VigilError) {
        try flush()
        var info = stat()
        if fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, fsync(descriptor) != 0 {
            throw .io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))")
        }
    }
}
