/// The part of the STIX 2.1 patterning language that names indicators of compromise
/// directly: equality tests on `ipv4-addr:value`, `ipv6-addr:value`, `domain-name:value`,
/// `url:value` and `file:hashes.<algorithm>` (MD5, SHA-1, SHA-256, SHA-512 in their usual
/// spellings), joined by `OR` inside one observation (`[a OR b]`) or across observations
/// (`[a] OR [b]`), with parentheses.
///
/// Anything else cannot be reduced to "this value is bad": `AND` and `FOLLOWEDBY` (the
/// value alone does not match the indicator), qualifiers (`WITHIN`, `REPEATS`,
/// `START … STOP`), other operators (`!=`, `LIKE`, `MATCHES`, `IN`, …) and other object
/// paths. A pattern using `AND`, `FOLLOWEDBY` or a qualifier is unsupported as a whole; an
/// unsupported comparison inside an `OR` is reported and the supported ones are kept, since
/// each `OR` branch alone matches the indicator.
public enum STIXPattern {
    /// What a pattern yields.
    public struct Observables: Sendable, Equatable {
        /// The entities the pattern names, normalised, in pattern order, without repeats.
        public var entities: [EntityKey]
        /// Why parts of the pattern (or all of it, when `entities` is empty) were not used.
        public var unsupported: [String]
    }

    /// A pattern that is not valid STIX patterning syntax (or not as far as Vigil reads it).
    public struct SyntaxError: Error, Sendable, Equatable {
        /// 1-based character offset in the pattern.
        public var offset: Int
        public var reason: String
    }

    /// The observables an indicator pattern names. A pattern with `AND`, `FOLLOWEDBY` or a
    /// qualifier yields no entities and one `unsupported` entry saying which.
    ///
    /// - Throws: `SyntaxError` for a malformed pattern (unbalanced brackets, unterminated
    ///   string, a comparison without a value, a bad address or hash in a supported
    ///   comparison).
    /// - Complexity: O(n) in the pattern length.
    public static func observables(in pattern: String) throws(SyntaxError) -> Observables {
        var parser = Parser(ContiguousArray(pattern.utf8))
        do { try parser.pattern() } catch {
            guard error.reason.hasPrefix(Unsupported.marker) else { throw error }
            return Observables(entities: [], unsupported: [String(error.reason.dropFirst(Unsupported.marker.count))])
        }
        var seen = Set<EntityKey>()
        let unique = parser.entities.filter { seen.insert($0).inserted }
        return Observables(entities: unique, unsupported: parser.unsupported)
    }

    /// The entity kind and canonical value for a comparison `objectType:path = value`, or
    /// the reason it is not supported. Throws for a bad value in a supported comparison.
    static func entity(objectType: String, path: [String], value: String) throws(SyntaxError) -> EntityKey? {
        func bad(_ reason: String) -> SyntaxError { SyntaxError(offset: 0, reason: reason) }
        switch (objectType, path.count) {
        case ("ipv4-addr", 1) where path[0] == "value", ("ipv6-addr", 1) where path[0] == "value":
            guard let c = IPAddressText.canonical(value) else {
                if IPAddressText.isRange(value) { return nil }
                throw bad("'\(value)' is not an \(objectType == "ipv4-addr" ? "IPv4" : "IPv6") address")
            }
            guard (c.family == .v4) == (objectType == "ipv4-addr") else {
                throw bad("'\(value)' is not an \(objectType == "ipv4-addr" ? "IPv4" : "IPv6") address")
            }
            return EntityKey(.ip, c.text)
        case ("domain-name", 1) where path[0] == "value":
            guard let k = EntityKey(.domain, value), !k.value.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: "/") }) else {
                throw bad("'\(value)' is not a domain name")
            }
            return k
        case ("url", 1) where path[0] == "value":
            guard let k = EntityKey(.url, value) else { throw bad("empty URL") }
            return k
        case ("file", 2) where path[0] == "hashes":
            guard let length = hashLength(path[1]) else { return nil }
            let hex = value.lowercased()
            guard hex.utf8.count == length, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                throw bad("'\(value)' is not a \(path[1]) hash (\(length) hex digits)")
            }
            return EntityKey(.fileHash, hex)
        default:
            return nil
        }
    }

    /// The hex length of a hash algorithm name as feeds write it (`SHA-256`, `SHA256`,
    /// `sha_256`, …); nil for algorithms Vigil does not match on (SSDEEP, TLSH, …).
    static func hashLength(_ algorithm: String) -> Int? {
        let a = algorithm.uppercased().filter { $0 != "-" && $0 != "_" }
        switch a {
        case "MD5": return 32
        case "SHA1": return 40
        case "SHA256": return 64
        case "SHA512": return 128
        default: return nil
        }
    }

    private struct Parser {
        let s: ContiguousArray<UInt8>
        var i = 0
        var entities: [EntityKey] = []
        var unsupported: [String] = []

        init(_ s: ContiguousArray<UInt8>) { self.s = s }

        func error(_ reason: String) -> SyntaxError { SyntaxError(offset: i + 1, reason: reason) }

        mutating func skipSpace() {
            while i < s.count, s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0A || s[i] == 0x0D { i += 1 }
        }

        /// The length of the run of ASCII letters at the cursor.
        func wordLength() -> Int {
            var j = i
            while j < s.count, (0x41...0x5A).contains(s[j]) || (0x61...0x7A).contains(s[j]) { j += 1 }
            return j - i
        }

        /// Whether the word at the cursor is `word` (upper-case ASCII), ignoring case.
        func atWord(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard wordLength() == n else { return false }
            for k in 0..<n where s[i + k] & 0xDF != word.utf8Start[k] { return false }
            return true
        }

        /// The upper-cased word at the cursor (for messages and rare keywords).
        func peekWord() -> String { text(i, i + wordLength()).uppercased() }

        /// The UTF-8 text of `s[from..<to]`.
        func text(_ from: Int, _ to: Int) -> String {
            s.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[from..<to]), as: UTF8.self) }
        }

        mutating func pattern() throws(SyntaxError) {
            skipSpace()
            guard i < s.count else { throw error("empty pattern") }
            try observationOr(depth: 0)
            skipSpace()
            guard i == s.count else {
                throw error("unexpected '\(text(i, min(s.count, i + 12)))'")
            }
        }

        /// obs (OR obs)* — AND / FOLLOWEDBY / qualifiers make the whole pattern unsupported.
        mutating func observationOr(depth: Int) throws(SyntaxError) {
            guard depth < 32 else { throw error("parentheses nested too deeply") }
            while true {
                try observation(depth: depth)
                skipSpace()
                if atWord("OR") { i += 2; continue }
                guard wordLength() > 0 else { return }
                let word = peekWord()
                switch word {
                case "AND", "FOLLOWEDBY": throw Unsupported.whole("\(word) between observations", at: i)
                case "WITHIN", "REPEATS", "START": throw Unsupported.whole("\(word) qualifier", at: i)
                default: return
                }
            }
        }

        mutating func observation(depth: Int) throws(SyntaxError) {
            skipSpace()
            guard i < s.count else { throw error("truncated pattern: expected '[' or '('") }
            if s[i] == UInt8(ascii: "(") {
                i += 1
                try observationOr(depth: depth + 1)
                skipSpace()
                guard i < s.count, s[i] == UInt8(ascii: ")") else { throw error("expected ')'") }
                i += 1
                return
            }
            guard s[i] == UInt8(ascii: "[") else { throw error("expected '[' or '('") }
            i += 1
            try comparisonOr(depth: depth)
            skipSpace()
            guard i < s.count, s[i] == UInt8(ascii: "]") else { throw error("expected ']'") }
            i += 1
        }

        mutating func comparisonOr(depth: Int) throws(SyntaxError) {
            guard depth < 32 else { throw error("parentheses nested too deeply") }
            while true {
                try comparison(depth: depth)
                skipSpace()
                if atWord("OR") { i += 2; continue }
                if atWord("AND") { throw Unsupported.whole("AND inside an observation", at: i) }
                return
            }
        }

        mutating func comparison(depth: Int) throws(SyntaxError) {
            skipSpace()
            guard i < s.count else { throw error("truncated pattern: expected a comparison") }
            if s[i] == UInt8(ascii: "(") {
                i += 1
                try comparisonOr(depth: depth + 1)
                skipSpace()
                guard i < s.count, s[i] == UInt8(ascii: ")") else { throw error("expected ')'") }
                i += 1
                return
            }
            // Object type: letters, digits, '-', '_'.
            let typeStart = i
            while i < s.count, isNameByte(s[i]) { i += 1 }
            guard i > typeStart else { throw error("expected an object type such as ipv4-addr") }
            let objectType = text(typeStart, i)
            guard i < s.count, s[i] == UInt8(ascii: ":") else { throw error("expected ':' after object type '\(objectType)'") }
            i += 1
            var path: [String] = []
            var hasIndex = false
            while true {
                if i < s.count, s[i] == UInt8(ascii: "'") {
                    path.append(try stringLiteral())
                } else {
                    let start = i
                    while i < s.count, isNameByte(s[i]) { i += 1 }
                    guard i > start else { throw error("expected a property name") }
                    path.append(text(start, i))
                }
                if i < s.count, s[i] == UInt8(ascii: "[") {
                    // List index: [0] or [*].
                    guard let close = s[i...].firstIndex(of: UInt8(ascii: "]")) else { throw error("unclosed list index") }
                    i = close + 1
                    hasIndex = true
                }
                if i < s.count, s[i] == UInt8(ascii: ".") { i += 1; continue }
                break
            }
            let pathText = "\(objectType):\(path.joined(separator: "."))"
            skipSpace()
            var negated = false
            if atWord("NOT") { negated = true; i += 3; skipSpace() }
            let op = try comparisonOperator()
            skipSpace()
            guard i < s.count else { throw error("truncated pattern: expected a value after \(op)") }
            if s[i] == UInt8(ascii: "'") {
                let value = try stringLiteral()
                guard op == "=", !negated, !hasIndex else {
                    unsupported.append("\(pathText) \(negated ? "NOT " : "")\(op)")
                    return
                }
                do {
                    if let key = try STIXPattern.entity(objectType: objectType, path: path, value: value) {
                        entities.append(key)
                    } else {
                        unsupported.append(IPAddressText.isRange(value) && objectType.hasSuffix("-addr")
                            ? "\(pathText) = '\(value)' (address range)" : "\(pathText)")
                    }
                } catch {
                    throw SyntaxError(offset: i, reason: error.reason)
                }
                return
            }
            // Any other value (number, boolean, b'…', h'…', t'…', set '(…)'): skip it.
            try skipValue()
            unsupported.append("\(pathText) \(negated ? "NOT " : "")\(op) with a non-string value")
        }

        mutating func comparisonOperator() throws(SyntaxError) -> String {
            guard i < s.count else { throw error("truncated pattern: expected an operator") }
            for op in ["!=", "<=", ">=", "=", "<", ">"] where s[i...].starts(with: op.utf8) {
                i += op.utf8.count
                return op
            }
            let word = wordLength() > 0 ? peekWord() : ""
            if ["LIKE", "MATCHES", "IN", "ISSUBSET", "ISSUPERSET", "EXISTS"].contains(word) {
                i += word.utf8.count
                return word
            }
            throw error("expected a comparison operator")
        }

        mutating func skipValue() throws(SyntaxError) {
            if s[i] == UInt8(ascii: "(") {
                guard let close = s[i...].firstIndex(of: UInt8(ascii: ")")) else { throw error("unclosed value set") }
                i = close + 1
                return
            }
            if (s[i] == UInt8(ascii: "b") || s[i] == UInt8(ascii: "h") || s[i] == UInt8(ascii: "t")),
               i + 1 < s.count, s[i + 1] == UInt8(ascii: "'") {
                i += 1
                _ = try stringLiteral()
                return
            }
            let start = i
            while i < s.count, isNameByte(s[i]) || s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: "+") { i += 1 }
            guard i > start else { throw error("expected a value") }
        }

        /// A single-quoted literal; `\'` is a quote and `\\` a backslash inside it.
        mutating func stringLiteral() throws(SyntaxError) -> String {
            let open = i
            i += 1
            // Fast path: no escapes, the literal is a slice of the pattern.
            while i < s.count, s[i] != UInt8(ascii: "'"), s[i] != UInt8(ascii: "\\") { i += 1 }
            if i < s.count, s[i] == UInt8(ascii: "'") {
                i += 1
                return text(open + 1, i - 1)
            }
            var out = Array(s[(open + 1)..<i])
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "\\") {
                    guard i + 1 < s.count, s[i + 1] == UInt8(ascii: "'") || s[i + 1] == UInt8(ascii: "\\") else {
                        throw error("invalid escape in string (only \\' and \\\\ are allowed)")
                    }
                    out.append(s[i + 1])
                    i += 2
                    continue
                }
                if c == UInt8(ascii: "'") { i += 1; return String(decoding: out, as: UTF8.self) }
                out.append(c)
                i += 1
            }
            i = open
            throw error("string never closed")
        }

        func isNameByte(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
        }
    }

    /// A construct that makes the whole pattern unusable for IOC matching; carried as a
    /// `SyntaxError` with a marker so the typed-throws chain stays one type.
    enum Unsupported {
        static let marker = "unsupported: "
        static func whole(_ what: String, at offset: Int) -> SyntaxError {
            SyntaxError(offset: offset + 1, reason: marker + what)
        }
    }
}
