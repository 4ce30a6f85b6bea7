/// An RFC 4180 CSV reader for the context files (asset inventories, IOC lists).
///
/// Fields are separated by commas and records by LF or CRLF; a field in double quotes may
/// hold commas, line breaks and doubled quotes (`""` is one `"`). Every record carries the
/// 1-based line on which it starts, so messages point where an editor shows the row even
/// when an earlier field spans lines. Blank lines are skipped.
enum CSVRecords {
    /// One record and the line it starts on.
    struct Record: Sendable, Equatable {
        var line: Int
        var fields: [String]
    }

    /// A syntax error (unterminated quote, text after a closing quote).
    struct SyntaxError: Error {
        var line: Int
        var reason: String
    }

    /// Splits `bytes` (UTF-8) into records.
    ///
    /// - Complexity: O(n) in the number of bytes.
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var i = 0
        let n = bytes.count
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(0x0A), cr = UInt8(0x0D)

        func endRecord() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            // A line with nothing on it is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }

        var atFieldStart = true
        while i < n {
            let c = bytes[i]
            if atFieldStart, c == quote {
                // Quoted field: runs to the next quote not doubled.
                let openLine = line
                i += 1
                var closed = false
                while i < n {
                    let q = bytes[i]
                    if q == quote {
                        if i + 1 < n, bytes[i + 1] == quote { field.append(quote); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    if q == lf { line += 1 }
                    field.append(q)
                    i += 1
                }
                guard closed else { throw SyntaxError(line: openLine, reason: "quoted field never closed") }
                // After the closing quote: a separator, a line end or the end of input.
                if i < n, bytes[i] != comma, bytes[i] != lf, !(bytes[i] == cr && i + 1 < n && bytes[i + 1] == lf) {
                    throw SyntaxError(line: line, reason: "text after a closing quote (a quote inside a field must be doubled)")
                }
                atFieldStart = false
                continue
            }
            atFieldStart = false
            switch c {
            case comma:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                atFieldStart = true
                i += 1
            case lf:
                i += 1
                endRecord()
                line += 1
                recordLine = line
                atFieldStart = true
            case cr where i + 1 < n && bytes[i + 1] == lf:
                i += 2
                endRecord()
                line += 1
                recordLine = line
                atFieldStart = true
            case quote:
                throw SyntaxError(line: line, reason: "quote inside an unquoted field (quote the whole field and double the quote)")
            default:
                field.append(c)
                i += 1
            }
        }
        if !atFieldStart || !fields.isEmpty || !field.isEmpty { endRecord() }
        return records
    }
}
