import Foundation

/// A JSON value as a configuration file holds it, with the line each value starts on.
///
/// Policy and playbook files are small, hand-edited and safety-relevant, so they are read
/// by this strict parser rather than `JSONSerialization`: it keeps object keys in file
/// order, rejects duplicate keys (a second `"tier"` further down must not silently win),
/// keeps integers apart from fractions and booleans, and reports the line of every value.
struct ConfigJSON: Sendable {
    enum Value: Sendable {
        case null
        case bool(Bool)
        /// The number's value and whether its text was an integer literal (no `.`/`e`).
        case number(Double, isInteger: Bool)
        case string(String)
        case array([ConfigJSON])
        /// Members in file order; keys are unique (duplicates are a parse error).
        case object([(key: String, value: ConfigJSON)])
    }

    var value: Value
    /// 1-based line on which the value starts.
    var line: Int

    /// Largest configuration file accepted, in bytes. Real policies are a few KiB.
    static let maximumSize = 4 << 20
    /// Deepest nesting accepted (policy files nest four levels).
    static let maximumDepth = 64

    /// A short name of the value's JSON type, for "expected X, found Y" messages.
    var typeName: String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// Parses a complete document. Throws a message with the line and the reason.
    static func parse(_ data: Data) throws(ParseError) -> ConfigJSON {
        guard data.count <= maximumSize else {
            throw ParseError(line: 0, reason: "file is \(data.count) bytes; configuration files are limited to \(maximumSize) bytes")
        }
        var parser = Parser(bytes: [UInt8](data))
        parser.skipBOM()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else {
            throw ParseError(line: parser.line, reason: "unexpected text after the JSON document")
        }
        return value
    }

    struct ParseError: Error {
        var line: Int
        var reason: String
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipBOM() {
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\n"): line += 1; index += 1
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
                default: return
                }
            }
        }

        func fail(_ reason: String) -> ParseError { ParseError(line: line, reason: reason) }

        mutating func parseValue(depth: Int) throws(ParseError) -> ConfigJSON {
            guard depth < ConfigJSON.maximumDepth else { throw fail("nested more than \(ConfigJSON.maximumDepth) levels deep") }
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of file (truncated?)") }
            let startLine = line
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(key: String, value: ConfigJSON)] = []
                var seen: Set<String> = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return ConfigJSON(value: .object(members), line: startLine)
                }
                while true {
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("unexpected end of file inside an object (truncated?)") }
                    guard bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a quoted key") }
                    let keyLine = line
                    let key = try parseString()
                    guard seen.insert(key).inserted else {
                        throw ParseError(line: keyLine, reason: "duplicate key \"\(key)\" in the same object")
                    }
                    skipWhitespace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
                    index += 1
                    let value = try parseValue(depth: depth + 1)
                    members.append((key, value))
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("unexpected end of file inside an object (truncated?)") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; break }
                    throw fail("expected ',' or '}' in an object")
                }
                return ConfigJSON(value: .object(members), line: startLine)
            case UInt8(ascii: "["):
                index += 1
                var elements: [ConfigJSON] = []
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return ConfigJSON(value: .array(elements), line: startLine)
                }
                while true {
                    elements.append(try parseValue(depth: depth + 1))
                    skipWhitespace()
                    guard index < bytes.count else { throw fail("unexpected end of file inside an array (truncated?)") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; break }
                    throw fail("expected ',' or ']' in an array")
                }
                return ConfigJSON(value: .array(elements), line: startLine)
            case UInt8(ascii: "\""):
                return ConfigJSON(value: .string(try parseString()), line: startLine)
            case UInt8(ascii: "t"):
                try literal("true")
                return ConfigJSON(value: .bool(true), line: startLine)
            case UInt8(ascii: "f"):
                try literal("false")
                return ConfigJSON(value: .bool(false), line: startLine)
            case UInt8(ascii: "n"):
                try literal("null")
                return ConfigJSON(value: .null, line: startLine)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try parseNumber()
            default:
                let c = bytes[index]
                let shown = (0x21...0x7E).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : String(format: "byte 0x%02X", c)
                throw fail("unexpected \(shown) where a value was expected (NaN, Infinity and comments are not JSON)")
            }
        }

        mutating func literal(_ word: String) throws(ParseError) {
            let w = Array(word.utf8)
            guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
                throw fail("invalid literal (expected \(word))")
            }
            index += w.count
        }

        mutating func parseNumber() throws(ParseError) -> ConfigJSON {
            let start = index
            let token: (end: Int, isInteger: Bool, value: Double?)
            do { token = try JSONLexer.number(in: bytes, at: start) } catch { throw fail(error.reason) }
            index = token.end
            guard let value = token.value else {
                throw fail("number \(String(decoding: bytes[start..<index], as: UTF8.self)) is out of range")
            }
            return ConfigJSON(value: .number(value, isInteger: token.isInteger), line: line)
        }

        mutating func parseString() throws(ParseError) -> String {
            index += 1  // opening quote
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw fail("unterminated string (truncated?)") }
                let c = bytes[index]
                index += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: out, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
                    return s
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { throw fail("unterminated string (truncated?)") }
                    let e = bytes[index]
                    index += 1
                    if let byte = JSONLexer.escaped(e) { out.append(byte); continue }
                    switch e {
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800...0xDBFF).contains(scalar) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                                throw fail("unpaired surrogate in \\u escape")
                            }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default:
                        throw fail("invalid escape in string")
                    }
                case 0x00..<0x20:
                    throw fail("control character inside a string (unterminated string?)")
                default:
                    out.append(c)
                }
            }
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            let v: UInt32
            do { v = try JSONLexer.hex4(in: bytes, at: index) } catch { throw fail(error.reason) }
            index += 4
            return v
        }
    }
}
