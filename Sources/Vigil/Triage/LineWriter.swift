#if canImport(Glibc)
import Glibc
#endif

/// Appends text lines to a file through a 1 MiB buffer (write(2)); `close()` flushes and
/// fsyncs, so a finished run's output is on disk. Not thread-safe.
final class LineWriter {
    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Creates or truncates `path`.
    init(path: String) throws(VigilError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw .io(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { Glibc.close(descriptor) }

    func write(line: String) throws(VigilError) {
        buffer.append(contentsOf: line.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Lets `produce` append one line's bytes (no line ending) straight into the buffer.
    func write(_ produce: (inout [UInt8]) -> Void) throws(VigilError) {
        produce(&buffer)
        buffer.append(0x0A)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws(VigilError) {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(VigilError) {
        try flush()
        if fsync(descriptor) != 0 { throw .io(path: path, reason: "fsync failed: \(String(cString: strerror(errno)))") }
    }
}
