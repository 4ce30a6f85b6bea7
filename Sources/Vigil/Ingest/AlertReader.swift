#if canImport(Glibc)
import Glibc
#endif

/// How alert input is laid out.
public enum AlertInputFormat: Sendable, Hashable {
    /// Decide from the first non-blank byte: `[` means one JSON array, anything else NDJSON.
    case auto
    /// One JSON object per line (LF or CRLF); blank lines are ignored.
    case ndjson
    /// One JSON array of objects (may span many lines).
    case array
}

/// Reads OCSF 1.8.0 Detection Findings (class 2004; class 2001 Security Findings mapped) from
/// an NDJSON or JSON-array file, validating every record through simdjson (the `vj_reader`
/// of vigil_json.h).
///
/// Streaming: the file is read in fixed chunks (`chunkBytes`, default 8 MiB) and alerts are
/// handed out in fixed batches, so memory stays flat whatever the file size: about
/// `chunkBytes + 2 × maxRecordBytes` plus one batch of alerts. Records may cross chunk
/// boundaries. A record longer than `maxRecordBytes` is rejected and skipped without being
/// buffered. Every record is either accepted or rejected with its line, field and reason;
/// a bad record never stops the run.
public struct AlertReader: Sendable {
    /// The default bound on one record: 1 MiB.
    public static let defaultMaxRecordBytes = 1 << 20
    /// The default read size: 8 MiB.
    public static let defaultChunkBytes = 8 << 20

    /// The file to read; "-" reads standard input.
    public let path: String
    /// Longest accepted record in bytes; longer ones are rejected as `oversized_record`.
    public let maxRecordBytes: Int
    /// The input layout.
    public let format: AlertInputFormat
    /// Bytes read from the file per read call.
    public let chunkBytes: Int

    /// A reader for `path`.
    /// - Precondition: `maxRecordBytes > 0` and `chunkBytes >= 4096` (programmer errors).
    public init(path: String, maxRecordBytes: Int = AlertReader.defaultMaxRecordBytes, format: AlertInputFormat = .auto,
                chunkBytes: Int = AlertReader.defaultChunkBytes) {
        precondition(maxRecordBytes > 0, "maxRecordBytes must be positive")
        precondition(chunkBytes >= 4096, "chunkBytes must be at least 4096")
        self.path = path
        self.maxRecordBytes = maxRecordBytes
        self.format = format
        self.chunkBytes = chunkBytes
    }

    /// Streams the file, calling `body` with each batch of accepted alerts, in input order.
    /// Every batch holds exactly `batchSize` alerts except the last (which may be smaller;
    /// `body` is not called with an empty batch).
    ///
    /// - Parameters:
    ///   - batchSize: alerts per batch (> 0).
    ///   - rejects: where rejected records are written; nil only counts them.
    ///   - body: receives each batch; an error it throws stops the run and is rethrown.
    /// - Returns: accepted and rejected counts, by reason.
    /// - Throws: `VigilError.io` when the file cannot be opened or read, or the reject
    ///   writer fails; whatever `body` throws. Bad records never throw.
    /// - Complexity: O(file size); memory O(chunkBytes + maxRecordBytes + batchSize).
    public func forEachBatch(batchSize: Int = 4096, rejects: RejectWriter?,
                             _ body: ([IngestedAlert]) throws(VigilError) -> Void) throws(VigilError) -> IngestSummary {
        precondition(batchSize > 0, "batchSize must be positive")
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, reason: "cannot open alerts: \(String(cString: strerror(errno)))") }
        defer { if fd != 0 { Glibc.close(fd) } }
        if fd != 0 { _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL) }

        // A partial record left at the front is at most maxRecordBytes (longer ones are
        // skipped), so a buffer of one chunk more always has room to read into.
        let capacity = chunkBytes + maxRecordBytes
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        defer { buffer.deallocate() }
        let decoder = RecordDecoder(source: path, maxRecordBytes: maxRecordBytes, format: format)
        var summary = IngestSummary()
        var pending: [IngestedAlert] = []
        pending.reserveCapacity(batchSize)
        var filled = 0
        var atEnd = false
        while true {
            while !atEnd && filled < capacity {
                let n = read(fd, buffer + filled, min(capacity - filled, chunkBytes))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw .io(path: path, reason: "read failed: \(String(cString: strerror(errno)))")
                }
                if n == 0 { atEnd = true } else { filled += n; summary.bytes += n }
                if filled >= chunkBytes { break }
            }
            var offset = 0
            var step = RecordDecoder.Step.batchFull
            while step == .batchFull {
                let input = UnsafeRawBufferPointer(start: buffer + offset, count: filled - offset)
                let result = try decoder.step(input, atEnd: atEnd, maxRecords: batchSize - pending.count,
                                              accepted: &pending, rejects: rejects, summary: &summary)
                offset += result.consumed
                step = result.step
                if pending.count >= batchSize {
                    try body(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if step == .done { break }
            if offset > 0 {
                (buffer).copyMemory(from: buffer + offset, byteCount: filled - offset)
                filled -= offset
            }
        }
        if !pending.isEmpty { try body(pending) }
        return summary
    }

    /// Reads the whole file into memory. For files that fit in memory; use `forEachBatch`
    /// for large inputs.
    /// - Returns: all accepted alerts in input order, and the counts.
    /// - Throws: `VigilError.io` as `forEachBatch`.
    /// - Complexity: O(file size) time and memory.
    public func readAll(rejects: RejectWriter?) throws(VigilError) -> (alerts: [IngestedAlert], summary: IngestSummary) {
        var all: [IngestedAlert] = []
        let summary = try forEachBatch(batchSize: 8192, rejects: rejects) { (batch: [IngestedAlert]) throws(VigilError) in
            all.append(contentsOf: batch)
        }
        return (all, summary)
    }

    /// Parses alerts from a complete in-memory buffer (an HTTP body, a test string).
    ///
    /// - Parameters:
    ///   - bytes: the whole input, NDJSON or a JSON array.
    ///   - source: the name used in reject entries (e.g. a request id).
    ///   - maxRecordBytes: longest accepted record (> 0).
    ///   - format: the input layout.
    ///   - rejects: where rejected records are written; nil only counts them.
    /// - Returns: the accepted alerts in input order, and the counts.
    /// - Throws: `VigilError.io` only when the reject writer fails.
    /// - Complexity: O(bytes.count).
    public static func parse(_ bytes: UnsafeRawBufferPointer, source: String, maxRecordBytes: Int = defaultMaxRecordBytes,
                             format: AlertInputFormat = .auto,
                             rejects: RejectWriter?) throws(VigilError) -> (alerts: [IngestedAlert], summary: IngestSummary) {
        let decoder = RecordDecoder(source: source, maxRecordBytes: maxRecordBytes, format: format)
        var summary = IngestSummary()
        summary.bytes = bytes.count
        var alerts: [IngestedAlert] = []
        var offset = 0
        while true {
            let input = UnsafeRawBufferPointer(rebasing: bytes[offset...])
            let result = try decoder.step(input, atEnd: true, maxRecords: 8192, accepted: &alerts, rejects: rejects,
                                          summary: &summary)
            offset += result.consumed
            if result.step == .done { break }
        }
        return (alerts, summary)
    }

    /// Parses alerts from in-memory bytes; see `parse(_:source:maxRecordBytes:format:rejects:)`.
    public static func parse(_ bytes: [UInt8], source: String, maxRecordBytes: Int = defaultMaxRecordBytes,
                             format: AlertInputFormat = .auto,
                             rejects: RejectWriter?) throws(VigilError) -> (alerts: [IngestedAlert], summary: IngestSummary) {
        // Array.withUnsafeBytes only rethrows untyped errors; carry the typed one out in a Result.
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(VigilError) in
                try parse(raw, source: source, maxRecordBytes: maxRecordBytes, format: format, rejects: rejects)
            }
        }
        return try result.get()
    }

    /// Parses alerts from a string; see `parse(_:source:maxRecordBytes:format:rejects:)`.
    public static func parse(_ text: String, source: String, maxRecordBytes: Int = defaultMaxRecordBytes,
                             format: AlertInputFormat = .auto,
                             rejects: RejectWriter?) throws(VigilError) -> (alerts: [IngestedAlert], summary: IngestSummary) {
        try parse(Array(text.utf8), source: source, maxRecordBytes: maxRecordBytes, format: format, rejects: rejects)
    }
}
