/// The header of a `.npy` file (NumPy format 1.0, 2.0 or 3.0) holding little-endian float32.
///
/// Layout: magic `\x93NUMPY`, major and minor version bytes, header length (2 bytes in 1.0,
/// 4 bytes in 2.0/3.0, little-endian), then a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }` padded with spaces and a
/// newline so the data starts on a 64-byte boundary.
struct NpyHeader: Equatable {
    /// The array's shape; empty for a 0-d array.
    var shape: [Int]
    /// Byte offset of the first data element.
    var dataOffset: Int

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Parses the header from the first bytes of a file.
    /// - Parameter prefix: at least the whole header (the first 64 KiB suffice in practice).
    /// - Throws: `.npyFormat` naming the fault (magic, version, dtype, order, shape, keys).
    static func parse(_ prefix: [UInt8], path: String) throws(EngineError) -> NpyHeader {
        func fail(_ reason: String) -> EngineError { .npyFormat(path: path, reason: reason) }
        guard prefix.count >= 10, Array(prefix[0..<6]) == magic else {
            throw fail(prefix.count < 10 ? "file too short for a .npy header (\(prefix.count) bytes)" : "missing the \\x93NUMPY magic")
        }
        let major = prefix[6]
        let headerLength: Int, start: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            start = 10
        case 2, 3:
            guard prefix.count >= 12 else { throw fail("file too short for a version \(major) header") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            start = 12
        default:
            throw fail("unsupported format version \(major).\(prefix[7])")
        }
        guard prefix.count >= start + headerLength else {
            throw fail("truncated header: declares \(headerLength) bytes, file has \(prefix.count - start)")
        }
        guard let text = String(validating: prefix[start..<(start + headerLength)], as: UTF8.self) else {
            throw fail("header is not valid text")
        }
        var parser = PythonLiteralParser(text: text)
        let dict: [String: PythonLiteralParser.Value]
        do { dict = try parser.parseDict() } catch { throw fail("malformed header \(text.debugDescription): \(error.reason)") }

        for key in dict.keys where !["descr", "fortran_order", "shape"].contains(key) {
            throw fail("unknown header key '\(key)'")
        }
        guard case let .string(descr)? = dict["descr"] else { throw fail("header has no 'descr' string") }
        guard descr == "<f4" || (descr == "=f4" && isLittleEndianHost) else {
            throw fail("dtype '\(descr)' is not supported; expected '<f4' (little-endian float32) — convert with arr.astype('<f4')")
        }
        guard case let .bool(fortran)? = dict["fortran_order"] else { throw fail("header has no 'fortran_order' flag") }
        guard !fortran else { throw fail("Fortran (column-major) order is not supported; save a C-ordered array (np.ascontiguousarray)") }
        guard case let .tuple(shape)? = dict["shape"] else { throw fail("header has no 'shape' tuple") }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("negative dimension in shape \(shape)") }
        return NpyHeader(shape: shape, dataOffset: start + headerLength)
    }

    /// The bytes of a version 1.0 header (2.0 if the dict does not fit 65535 bytes) for a
    /// little-endian float32 C-ordered array of `shape`, padded to a 64-byte boundary.
    static func encode(shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
        for (major, prefixLength) in [(UInt8(1), 10), (UInt8(2), 12)] {
            let unpadded = prefixLength + dict.utf8.count + 1
            let total = (unpadded + 63) / 64 * 64
            let headerLength = total - prefixLength
            if major == 1 && headerLength > 0xFFFF { continue }
            var bytes = magic + [major, 0]
            for i in 0..<(prefixLength - 8) { bytes.append(UInt8(truncatingIfNeeded: headerLength >> (8 * i))) }
            bytes += Array(dict.utf8)
            bytes += [UInt8](repeating: 0x20, count: total - unpadded)
            bytes.append(0x0A)
            return bytes
        }
        fatalError("unreachable: a version 2.0 header always fits")
    }

    private static var isLittleEndianHost: Bool { 1.littleEndian == 1 }
}

/// Parses the small Python literal subset `.npy` headers use: a dict of string keys whose
/// values are strings, booleans, integers or tuples of integers.
struct PythonLiteralParser {
    enum Value: Equatable { case string(String), bool(Bool), int(Int), tuple([Int]) }
    struct Failure: Error { let reason: String }

    private let chars: [Character]
    private var i = 0

    init(text: String) { chars = Array(text) }

    mutating func parseDict() throws(Failure) -> [String: Value] {
        skipSpace()
        try expect("{")
        var result: [String: Value] = [:]
        while true {
            skipSpace()
            if peek == "}" { i += 1; break }
            guard case let .string(key) = try parseValue() else { throw Failure(reason: "dict key is not a string") }
            skipSpace()
            try expect(":")
            result[key] = try parseValue()
            skipSpace()
            if peek == "," { i += 1; continue }
            skipSpace()
            try expect("}")
            break
        }
        skipSpace()
        guard i == chars.count else { throw Failure(reason: "unexpected text after the dict") }
        return result
    }

    private var peek: Character? { i < chars.count ? chars[i] : nil }

    private mutating func skipSpace() { while let c = peek, c.isWhitespace { i += 1 } }

    private mutating func expect(_ c: Character) throws(Failure) {
        guard peek == c else { throw Failure(reason: "expected '\(c)' at offset \(i)") }
        i += 1
    }

    private mutating func parseValue() throws(Failure) -> Value {
        skipSpace()
        guard let c = peek else { throw Failure(reason: "unexpected end") }
        switch c {
        case "'", "\"":
            i += 1
            var s = ""
            while let d = peek, d != c { s.append(d); i += 1 }
            try expect(c)
            return .string(s)
        case "(":
            i += 1
            var items: [Int] = []
            while true {
                skipSpace()
                if peek == ")" { i += 1; break }
                guard case let .int(v) = try parseValue() else { throw Failure(reason: "shape entries must be integers") }
                items.append(v)
                skipSpace()
                if peek == "," { i += 1; continue }
                try expect(")")
                break
            }
            return .tuple(items)
        case "T", "F":
            for word in ["True", "False"] where chars[i...].starts(with: word) {
                i += word.count
                return .bool(word == "True")
            }
            throw Failure(reason: "unknown word at offset \(i)")
        default:
            var digits = ""
            if c == "-" { digits.append(c); i += 1 }
            while let d = peek, d.isASCII, d.isNumber { digits.append(d); i += 1 }
            if peek == "L" { i += 1 }
            guard let v = Int(digits) else { throw Failure(reason: "unexpected '\(c)' at offset \(i)") }
            return .int(v)
        }
    }
}
