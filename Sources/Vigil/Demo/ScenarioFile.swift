import Foundation

/// A file being generated: bytes are collected in a `TextBuffer` and written with
/// `fwrite` in large blocks, so output streams at disk speed whatever its size.
/// Not thread-safe; call `close()` to flush and check for errors.
final class ScenarioFile {
    let path: String
    let buffer: TextBuffer
    private var handle: UnsafeMutablePointer<FILE>?
    /// Buffer size at which `flushIfFull()` writes.
    private let blockBytes: Int

    /// Creates (truncates) `path`.
    /// - Throws: `VigilError.io` naming the path and the system's reason.
    init(path: String, blockBytes: Int = 4 << 20) throws(VigilError) {
        self.path = path
        self.blockBytes = blockBytes
        buffer = TextBuffer(capacity: blockBytes + (64 << 10))
        guard let h = fopen(path, "wb") else {
            throw .io(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        handle = h
    }

    deinit { if let handle { fclose(handle) } }

    /// Writes the buffer out when it holds at least a block.
    @inline(__always)
    func flushIfFull() throws(VigilError) {
        if buffer.count >= blockBytes { try flush() }
    }

    func flush() throws(VigilError) {
        guard let handle else { throw .io(path: path, reason: "already closed") }
        if buffer.count > 0 {
            let n = fwrite(buffer.base, 1, buffer.count, handle)
            if n != buffer.count { throw .io(path: path, reason: "write failed: \(String(cString: strerror(errno)))") }
            buffer.removeAll()
        }
    }

    /// Flushes and closes the file.
    func close() throws(VigilError) {
        try flush()
        guard let h = handle else { return }
        handle = nil
        if fclose(h) != 0 { throw .io(path: path, reason: "close failed: \(String(cString: strerror(errno)))") }
    }

    /// Writes `text` (UTF-8) as the whole content of `path`.
    static func write(_ text: String, to path: String) throws(VigilError) {
        let f = try ScenarioFile(path: path)
        f.buffer.text(text)
        try f.close()
    }

    /// Creates `folder` (and parents) if needed.
    static func makeFolder(_ folder: String) throws(VigilError) {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .io(path: folder, reason: "cannot create folder: \(error.localizedDescription)")
        }
    }
}
