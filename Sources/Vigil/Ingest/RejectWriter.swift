#if canImport(Glibc)
import Glibc
#endif

/// Where rejected records go: a reject file (one JSON line per record, see
/// `RejectedRecord.jsonLine`) or, for request bodies, an in-memory list.
///
/// Writes are buffered (64 KiB) and flushed by `close()` or when the writer is released.
/// Not thread-safe: one reader writes at a time.
public final class RejectWriter {
    private let path: String?
    private var descriptor: Int32 = -1
    private var buffer: [UInt8] = []
    /// The records written, when created with `init()` (in-memory); empty for a file writer.
    public private(set) var collected: [RejectedRecord] = []
    /// How many records were written.
    public private(set) var count = 0

    /// A writer that keeps rejects in memory (`collected`).
    public init() {
        path = nil
    }

    /// A writer that creates or truncates the reject file at `path` (open(2), mode 0644).
    /// - Throws: `VigilError.io` when the file cannot be created.
    public init(path: String) throws(VigilError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw .io(path: path, reason: "cannot create reject file: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 16)
    }

    deinit {
        if descriptor >= 0 {
            try? flush()
            Glibc.close(descriptor)
        }
    }

    /// Appends one rejected record. O(record text length).
    /// - Throws: `VigilError.io` when the reject file cannot be written.
    public func write(_ record: RejectedRecord) throws(VigilError) {
        count += 1
        guard path != nil else {
            collected.append(record)
            return
        }
        guard descriptor >= 0 else { return }
        buffer.append(contentsOf: record.jsonLine.utf8)
        buffer.append(0x0A)
        if buffer.count >= 1 << 16 { try flush() }
    }

    /// Writes buffered lines to the file (write(2), retried on EINTR and short writes).
    /// - Throws: `VigilError.io` on a write error.
    public func flush() throws(VigilError) {
        guard descriptor >= 0, !buffer.isEmpty else { return }
        var failure: Int32 = 0
        buffer.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                done += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
        if failure != 0 { throw .io(path: path ?? "-", reason: "cannot write reject file: \(String(cString: strerror(failure)))") }
    }

    /// Flushes and closes the reject file; later writes go nowhere but are still counted.
    /// - Throws: `VigilError.io` on a write error.
    public func close() throws(VigilError) {
        guard descriptor >= 0 else { return }
        defer {
            Glibc.close(descriptor)
            descriptor = -1
        }
        try flush()
    }
}
