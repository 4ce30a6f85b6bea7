/// Top-level members of a JSON object text, found by one pass over its bytes (strings,
/// escapes and nesting respected) without building a document: the output stage uses it to
/// re-emit a received finding with only Vigil's fields replaced or added.
struct JSONFields {
    /// Key (unescaped only when it has no escapes, which OCSF keys never do) and the byte
    /// range of its value in the text.
    struct Member {
        var key: String
        var value: Range<Int>
    }

    /// Members in order, or nil if `text` is not an object (callers only pass records the
    /// ingest stage has already parsed as JSON).
    static func members(of bytes: [UInt8]) -> [Member]? {
        var i = 0
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func skipSpace() { while i < bytes.count, isSpace(bytes[i]) { i += 1 } }
        /// Index just past the string starting at i (which is a quote).
        func endOfString(_ start: Int) -> Int {
            var j = start + 1
            while j < bytes.count {
                if bytes[j] == 0x5C { j += 2; continue }
                if bytes[j] == 0x22 { return j + 1 }
                j += 1
            }
            return bytes.count
        }
        /// Index just past the value starting at i.
        func endOfValue(_ start: Int) -> Int {
            var j = start
            guard j < bytes.count else { return j }
            switch bytes[j] {
            case 0x22: return endOfString(j)
            case 0x7B, 0x5B:
                var depth = 0
                while j < bytes.count {
                    switch bytes[j] {
                    case 0x22: j = endOfString(j); continue
                    case 0x7B, 0x5B: depth += 1
                    case 0x7D, 0x5D:
                        depth -= 1
                        if depth == 0 { return j + 1 }
                    default: break
                    }
                    j += 1
                }
                return j
            default:
                while j < bytes.count, !(bytes[j] == 0x2C || bytes[j] == 0x7D || bytes[j] == 0x5D || isSpace(bytes[j])) { j += 1 }
                return j
            }
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == 0x7B else { return nil }
        i += 1
        var members: [Member] = []
        while true {
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == 0x7D { return members }
            guard bytes[i] == 0x22 else { return nil }
            let keyEnd = endOfString(i)
            let key = String(decoding: bytes[(i + 1)..<(keyEnd - 1)], as: UTF8.self)
            i = keyEnd
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            let valueEnd = endOfValue(i)
            members.append(Member(key: key, value: i..<valueEnd))
            i = valueEnd
            skipSpace()
            if i < bytes.count, bytes[i] == 0x2C { i += 1 }
        }
    }
}
