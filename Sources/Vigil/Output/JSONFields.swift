/// Top-level members of a JSON object text, found by one pass over its bytes (strings,
/// escapes and nesting respected) without building a document: the output stage uses it to
/// re-emit a received finding with only Vigil's fields replaced or added.
struct JSONFields {
    /// Byte ranges of one member's key (inside the quotes, escapes as received) and value.
    struct Member {
        var keyRange: Range<Int>
        var value: Range<Int>
    }

    /// Members in order, or nil if `text` is not an object (callers only pass records the
    /// ingest stage has already parsed as JSON).
    /// - Complexity: O(n) in the length of the text; allocates only the member list.
    static func members(of bytes: UnsafeBufferPointer<UInt8>) -> [Member]? {
        let n = bytes.count
        var i = 0
        @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        func skipSpace() { while i < n, isSpace(bytes[i]) { i += 1 } }
        /// Index just past the string starting at `start` (which is a quote).
        func endOfString(_ start: Int) -> Int {
            var j = start + 1
            while j < n {
                let b = bytes[j]
                if b == 0x5C { j += 2; continue }
                if b == 0x22 { return j + 1 }
                j += 1
            }
            return n
        }
        /// Index just past the value starting at `start`.
        func endOfValue(_ start: Int) -> Int {
            var j = start
            guard j < n else { return j }
            switch bytes[j] {
            case 0x22: return endOfString(j)
            case 0x7B, 0x5B:
                var depth = 0
                while j < n {
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
                while j < n, !(bytes[j] == 0x2C || bytes[j] == 0x7D || bytes[j] == 0x5D || isSpace(bytes[j])) { j += 1 }
                return j
            }
        }
        skipSpace()
        guard i < n, bytes[i] == 0x7B else { return nil }
        i += 1
        var members: [Member] = []
        members.reserveCapacity(24)
        while true {
            skipSpace()
            guard i < n else { return nil }
            if bytes[i] == 0x7D { return members }
            guard bytes[i] == 0x22 else { return nil }
            let keyEnd = endOfString(i)
            let key = (i + 1)..<max(i + 1, keyEnd - 1)
            i = keyEnd
            skipSpace()
            guard i < n, bytes[i] == 0x3A else { return nil }
            i += 1
            skipSpace()
            let valueEnd = endOfValue(i)
            members.append(Member(keyRange: key, value: i..<valueEnd))
            i = valueEnd
            skipSpace()
            if i < n, bytes[i] == 0x2C { i += 1 }
        }
    }

    /// A member with its key decoded (for callers off the hot path).
    struct NamedMember {
        var key: String
        var value: Range<Int>
    }

    /// Members of a byte array (see `members(of:)` above), with their keys as strings.
    static func members(of bytes: [UInt8]) -> [NamedMember]? {
        bytes.withUnsafeBufferPointer { p in
            members(of: p)?.map { NamedMember(key: String(decoding: p[$0.keyRange], as: UTF8.self), value: $0.value) }
        }
    }

    /// Whether the key of `member` in `bytes` is exactly `key` (ASCII).
    @inline(__always)
    static func key(_ member: Member, in bytes: UnsafeBufferPointer<UInt8>, is key: StaticString) -> Bool {
        let r = member.keyRange
        guard r.count == key.utf8CodeUnitCount else { return false }
        let k = key.utf8Start
        for (offset, i) in r.enumerated() where bytes[i] != k[offset] { return false }
        return true
    }
}
