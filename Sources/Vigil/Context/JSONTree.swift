/// A parsed JSON document, for the context files (feeds files, inventories, STIX bundles).
///
/// Foundation's `JSONSerialization` hands back `NSNumber` for both `true` and `1`, so a
/// loader could not tell a wrong type from a right one; this small parser keeps the JSON
/// types apart, keeps object keys in file order, and names line and column on a syntax
/// error. It is a plain recursive-descent parser over UTF-8 bytes (RFC 8259), nesting
/// limited to `maxDepth`.
enum JSONTree: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number: its value, and whether it was written without fraction or exponent.
    case number(Double, isInteger: Bool)
    case string(String)
    case array([JSONTree])
    /// Members in file order (objects in these files are small; lookups scan).
    case object([(key: String, value: JSONTree)])

    static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x, i), .number(y, j)): return x == y && i == j
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The value of member `key` of an object (the last one if repeated), else nil.
    subscript(key: String) -> JSONTree? {
        guard case let .object(members) = self else { return nil }
        return members.last(where: { $0.key == key })?.value
    }

    /// A short description of the JSON type, for messages ("a string", "an array").
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value as written, shortened, for messages.
    var shortText: String {
        switch self {
        case .null: return "null"
        case let .bool(b): return String(b)
        case let .number(d, isInteger): return isInteger && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case let .string(s): return "\"" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "\""
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    static let maxDepth = 64

    /// A syntax error: 1-based line and column (in bytes), and what was wrong.
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var reason: String
        var location: String { "line \(line), column \(column)" }
    }

    /// Parses one JSON document (surrounding whitespace allowed, nothing else after it).
    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONTree {
        try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> JSONTree in
            var parser = Parser(bytes: buffer)
            return try parser.document()
        }
    }

    /// Parses a document whose top level is an object, handing each element of the array
    /// member `key` to `visit` (with its index) as soon as it is parsed instead of keeping it:
    /// a 100,000-object STIX bundle then never exists as one tree. In the returned tree that
    /// member is an empty array; `visited` says whether it was present as an array. Any other
    /// document shape is returned whole (and nothing is visited).
    static func parse(_ bytes: [UInt8], streamingArrayAt key: String,
                      visit: (Int, JSONTree) -> Void) throws(SyntaxError) -> (tree: JSONTree, visited: Bool) {
        try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> (tree: JSONTree, visited: Bool) in
            var parser = Parser(bytes: buffer)
            parser.skipSpace()
            guard parser.i < buffer.count, buffer[parser.i] == UInt8(ascii: "{") else { return (try parser.document(), false) }
            var visited = false
            let tree = try parser.object(depth: 0) { (name, parser) throws(SyntaxError) -> JSONTree? in
                guard name == key, !visited, parser.i < parser.bytes.count, parser.bytes[parser.i] == UInt8(ascii: "[") else { return nil }
                visited = true
                try parser.array(depth: 1) { (k, element) in visit(k, element) }
                return .array([])
            }
            parser.skipSpace()
            guard parser.i == buffer.count else { throw parser.fail("unexpected text after the JSON value") }
            return (tree, visited)
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ reason: String, at offset: Int? = nil) -> SyntaxError {
            let end = min(offset ?? i, bytes.count)
            var line = 1, lineStart = 0
            for k in 0..<end where bytes[k] == 0x0A { line += 1; lineStart = k + 1 }
            return SyntaxError(line: line, column: end - lineStart + 1, reason: reason)
        }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func document() throws(SyntaxError) -> JSONTree {
            skipSpace()
            guard i < bytes.count else { throw fail("empty document, expected a JSON value") }
            let v = try value(depth: 0)
            skipSpace()
            guard i == bytes.count else { throw fail("unexpected text after the JSON value") }
            return v
        }

        mutating func value(depth: Int) throws(SyntaxError) -> JSONTree {
            guard depth < JSONTree.maxDepth else { throw fail("nesting deeper than \(JSONTree.maxDepth) levels") }
            skipSpace()
            guard i < bytes.count else { throw fail("truncated: expected a value") }
            switch bytes[i] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw fail("unexpected character '\(Character(Unicode.Scalar(bytes[i])))'")
            }
        }

        mutating func literal(_ word: StaticString) throws(SyntaxError) {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count else { throw fail("truncated literal, expected \(word)") }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal, expected \(word)") }
            i += n
        }

        mutating func object(depth: Int) throws(SyntaxError) -> JSONTree {
            try object(depth: depth) { (_, _) throws(SyntaxError) -> JSONTree? in nil }
        }

        /// `member`, when given, may consume a member's value itself (returning it) or
        /// decline (returning nil) after the ':' and spaces.
        mutating func object(depth: Int, member: (String, inout Parser) throws(SyntaxError) -> JSONTree?) throws(SyntaxError) -> JSONTree {
            i += 1
            var members: [(key: String, value: JSONTree)] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < bytes.count else { throw fail("truncated: object not closed") }
                guard bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a quoted member name") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after member name \"\(key)\"") }
                i += 1
                skipSpace()
                if let v = try member(key, &self) {
                    members.append((key, v))
                } else {
                    members.append((key, try value(depth: depth + 1)))
                }
                skipSpace()
                guard i < bytes.count else { throw fail("truncated: object not closed") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw fail("expected ',' or '}' in object")
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> JSONTree {
            var elements: [JSONTree] = []
            try array(depth: depth) { elements.append($1) }
            return .array(elements)
        }

        /// Parses an array, handing each element to `element` with its index.
        mutating func array(depth: Int, element: (Int, JSONTree) -> Void) throws(SyntaxError) {
            i += 1
            var count = 0
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return }
            while true {
                element(count, try value(depth: depth + 1))
                count += 1
                skipSpace()
                guard i < bytes.count else { throw fail("truncated: array not closed") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return }
                throw fail("expected ',' or ']' in array")
            }
        }

        mutating func number() throws(SyntaxError) -> JSONTree {
            let start = i
            let token: (end: Int, isInteger: Bool, value: Double?)
            do { token = try JSONLexer.number(in: bytes, at: start) } catch { throw fail(error.reason, at: error.offset) }
            i = token.end
            guard let d = token.value else { throw fail("number out of range", at: start) }
            return .number(d, isInteger: token.isInteger)
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            let v: UInt32
            do { v = try JSONLexer.hex4(in: bytes, at: i) } catch { throw fail(error.reason, at: error.offset) }
            i += 4
            return v
        }

        mutating func string() throws(SyntaxError) -> String {
            i += 1
            let start = i
            // Fast path: no escapes.
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                    i += 1
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw fail("control character in string (must be escaped)") }
                i += 1
            }
            var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<i]))
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
                if c < 0x20 { throw fail("control character in string (must be escaped)") }
                if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
                i += 1
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                if let byte = JSONLexer.escaped(e) { out.append(byte); continue }
                switch e {
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate in \\u escape")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            }
            throw fail("truncated: string not closed", at: start - 1)
        }
    }
}
