#if canImport(Glibc)
import Glibc
#endif

/// One CSV record of a file: where it starts, its text, and its fields (or why they could
/// not be read).
struct CSVRow: Sendable, Equatable {
    /// 0 for the first record (the header), 1 for the first data record, and so on; blank
    /// lines are not records.
    var index: Int
    /// 1-based line on which the record starts (a quoted field may span lines).
    var line: Int
    /// The record as it appears in the file, without its line end (cut at 64 KiB).
    var text: String
    /// The fields, RFC 4180 unquoted; empty when `syntaxError` is set.
    var fields: [String]
    /// Why the record is not valid CSV (an unclosed quote, text after a closing quote, a
    /// record over the size limit), with the line it was found on.
    var syntaxError: (line: Int, reason: String)?

    static func == (a: CSVRow, b: CSVRow) -> Bool {
        a.index == b.index && a.line == b.line && a.text == b.text && a.fields == b.fields
            && a.syntaxError?.line == b.syntaxError?.line && a.syntaxError?.reason == b.syntaxError?.reason
    }
}

/// Reads a CSV file record by record in fixed-size blocks, so memory stays flat whatever
/// the file's size.
///
/// Records are found with the RFC 4180 quoting rules (a quote opens a quoted field only at
/// the start of a field; `""` inside one is a quote; line breaks inside one belong to the
/// field) and each record's fields are then read by `CSVRecords.parse`, the same reader the
/// context files use. A record that is not valid CSV is returned with `syntaxError` set and
/// reading goes on with the next record, so one bad row never hides the rest. A leading
/// UTF-8 byte-order mark is skipped. Not thread-safe.
final class CSVRowReader {
    /// The file being read.
    let path: String
    /// The longest record accepted (bytes); a longer one (usually an unclosed quote) is
    /// returned as a syntax error and reading resumes after the end of its first line.
    let maxRecordBytes: Int

    private let descriptor: Int32
    private let blockBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0, scan = 0
    private var inQuotes = false, atFieldStart = true
    private var endOfFile = false, startOfFile = true
    private var line = 1, linesInRecord = 0
    private var nextIndex = 0

    /// Opens `path` for reading (open(2)).
    /// - Throws: `VigilError.io` when the file cannot be opened.
    init(path: String, blockBytes: Int = 1 << 20, maxRecordBytes: Int = 16 << 20) throws(VigilError) {
        precondition(blockBytes >= 4 && maxRecordBytes >= 1, "CSVRowReader: block of at least 4 bytes, positive record limit")
        self.path = path
        self.blockBytes = blockBytes
        self.maxRecordBytes = maxRecordBytes
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw .io(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
    }

    deinit { close(descriptor) }

    /// The next record, or nil at the end of the file.
    /// - Throws: `VigilError.io` on a read error.
    /// - Complexity: O(record length), amortised.
    func next() throws(VigilError) -> CSVRow? {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(0x0A)
        while true {
            var boundary: Int? = nil
            scanning: while scan < buffer.count {
                let c = buffer[scan]
                if inQuotes {
                    if c == quote {
                        if scan + 1 < buffer.count {
                            if buffer[scan + 1] == quote { scan += 2; continue }
                        } else if !endOfFile {
                            break scanning  // a doubled quote may straddle the block end
                        }
                        inQuotes = false
                    } else if c == lf {
                        linesInRecord += 1
                    }
                    scan += 1
                    continue
                }
                switch c {
                case quote where atFieldStart: inQuotes = true
                case comma: atFieldStart = true; scan += 1; continue
                case lf: boundary = scan; break scanning
                default: break
                }
                atFieldStart = false
                scan += 1
            }
            if let end = boundary {
                let row = makeRow(bytesEnd: end)
                scan = end + 1
                start = scan
                line += 1 + linesInRecord
                linesInRecord = 0
                atFieldStart = true
                if let row { return row }
                continue
            }
            if scan - start > maxRecordBytes { return try skipOversized() }
            if endOfFile {
                guard start < buffer.count else { return nil }
                let row = makeRow(bytesEnd: buffer.count)
                start = buffer.count
                scan = start
                inQuotes = false
                if let row { return row }
                return nil
            }
            try refill()
        }
    }

    /// Reads the next block, first dropping bytes of records already returned.
    private func refill() throws(VigilError) {
        if start > 0 {
            buffer.removeFirst(start)
            scan -= start
            start = 0
        }
        let old = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: blockBytes))
        var got = -1
        while got < 0 {
            got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + old, blockBytes) }
            if got < 0 && errno != EINTR { throw .io(path: path, reason: "cannot read: \(String(cString: strerror(errno)))") }
        }
        buffer.removeLast(blockBytes - got)
        if got == 0 { endOfFile = true }
        if startOfFile, buffer.count >= 3 || endOfFile {
            startOfFile = false
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
        }
    }

    /// The record in `buffer[start..<bytesEnd]` (line end excluded), or nil for a blank line.
    private func makeRow(bytesEnd: Int) -> CSVRow? {
        var end = bytesEnd
        if end > start, buffer[end - 1] == 0x0D { end -= 1 }
        if end == start { return nil }
        let bytes = Array(buffer[start..<end])
        let row: CSVRow
        do {
            guard let record = try CSVRecords.parse(bytes).first else { return nil }
            row = CSVRow(index: nextIndex, line: line, text: Self.text(bytes), fields: record.fields, syntaxError: nil)
        } catch {
            row = CSVRow(index: nextIndex, line: line, text: Self.text(bytes), fields: [], syntaxError: (line + error.line - 1, error.reason))
        }
        nextIndex += 1
        return row
    }

    /// Reports the current over-long record (usually a quote never closed) and resumes
    /// after the first line end that follows its start, as if that line had been the
    /// record: the lines the open quote swallowed are read again as records.
    private func skipOversized() throws(VigilError) -> CSVRow {
        let prefix = Self.text(Array(buffer[start..<min(buffer.count, start + RejectedRecord.maxRecordTextBytes)]))
        let row = CSVRow(index: nextIndex, line: line, text: prefix, fields: [],
                         syntaxError: (line, "record longer than \(maxRecordBytes) bytes (a quoted field never closed?); skipped to the end of its first line"))
        nextIndex += 1
        linesInRecord = 0
        inQuotes = false
        atFieldStart = true
        if let lf = buffer[start...].firstIndex(of: 0x0A) {
            scan = lf + 1
            start = scan
            line += 1
            return row
        }
        // One line longer than the limit: drop it up to its end.
        while true {
            if let lf = buffer[scan...].firstIndex(of: 0x0A) {
                scan = lf + 1
                start = scan
                line += 1
                return row
            }
            scan = buffer.count
            start = scan
            if endOfFile { return row }
            try refill()
        }
    }

    private static func text(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(RejectedRecord.maxRecordTextBytes), as: UTF8.self)
    }
}
