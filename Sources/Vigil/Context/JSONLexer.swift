/// The token rules of JSON text (RFC 8259) that Vigil's two JSON parsers share: where a
/// number ends and whether it is an integer, the four hex digits of a `\u` escape, and the
/// one-character escapes. `JSONTree` (context files) and `ConfigJSON` (policy and playbook
/// files) differ in what they keep and in how they report errors, not in these rules.
enum JSONLexer {
    /// A broken token rule: the reason, and the byte offset where it was found.
    struct Failure: Error {
        var reason: String
        var offset: Int
    }

    /// The number whose text starts at `start` (a `-` or a digit): the offset just past it,
    /// whether it was written without fraction or exponent, and its value (nil when the
    /// text is outside `Double`'s finite range).
    /// - Throws: `Failure` for a malformed number (no digits, a leading zero, nothing after
    ///   `.` or in the exponent), at the offset where the text goes wrong.
    static func number<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes, at start: Int)
        throws(Failure) -> (end: Int, isInteger: Bool, value: Double?) where Bytes.Index == Int {
        var i = start
        var isInteger = true
        func digits() -> Int {
            let s = i
            while i < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - s
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        let intStart = i
        let n = digits()
        guard n > 0 else { throw Failure(reason: "invalid number", offset: i) }
        if n > 1, bytes[intStart] == UInt8(ascii: "0") { throw Failure(reason: "invalid number (leading zero)", offset: intStart) }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            guard digits() > 0 else { throw Failure(reason: "invalid number (no digits after '.')", offset: i) }
        }
        if i < bytes.endIndex, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            isInteger = false
            i += 1
            if i < bytes.endIndex, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw Failure(reason: "invalid number (no digits in exponent)", offset: i) }
        }
        let value = Double(String(decoding: bytes[start..<i], as: UTF8.self))
        return (i, isInteger, value.flatMap { $0.isFinite ? $0 : nil })
    }

    /// The value of the four hex digits at `start` (the text after `\u`).
    /// - Throws: `Failure` when fewer than four bytes are left or one is not a hex digit.
    static func hex4<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes, at start: Int)
        throws(Failure) -> UInt32 where Bytes.Index == Int {
        guard start + 4 <= bytes.endIndex else { throw Failure(reason: "truncated \\u escape", offset: start) }
        var v: UInt32 = 0
        for i in start..<start + 4 {
            let c = bytes[i]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw Failure(reason: "invalid \\u escape", offset: i)
            }
            v = v << 4 | UInt32(d)
        }
        return v
    }

    /// The byte that the one-character escape `\e` stands for (`\"`, `\\`, `\/`, `\b`,
    /// `\f`, `\n`, `\r`, `\t`); nil for any other `e` (`u` included).
    static func escaped(_ e: UInt8) -> UInt8? {
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return e
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }
}
