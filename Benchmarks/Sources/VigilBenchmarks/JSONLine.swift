#if canImport(Glibc)
import Glibc
#endif

/// A JSON value with object keys kept in insertion order, so each result line reads the
/// same way every run.
indirect enum JSON {
    case number(Double)
    case int(Int)
    case string(String)
    case bool(Bool)
    case object([(String, JSON)])

    /// Compact single-line rendering.
    var rendered: String {
        switch self {
        case .number(let x):
            guard x.isFinite else { return "null" }
            return Self.format(x)
        case .int(let i):
            return String(i)
        case .string(let s):
            return Self.quote(s)
        case .bool(let b):
            return b ? "true" : "false"
        case .object(let fields):
            return "{" + fields.map { "\(Self.quote($0.0)):\($0.1.rendered)" }
                .joined(separator: ",") + "}"
        }
    }

    /// Six significant digits: enough for timings that drift by percent, short to read.
    private static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        var s = String(format6: x)
        if s.hasPrefix(".") { s = "0" + s }
        return s
    }

    private static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if ch.value < 0x20 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(ch.value, radix: 16).count)
                        + String(ch.value, radix: 16)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    /// `%.6g` formatting without Foundation.
    init(format6 x: Double) {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([x]) { vsnprintf(&buf, buf.count, "%.6g", $0) }
        self = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Prints one result line on standard output, unbuffered, so a crash in a later case
/// cannot lose it.
func emit(_ fields: [(String, JSON)]) {
    writeAll(fd: 1, JSON.object(fields).rendered + "\n")
}

/// write(2) until every byte of `text` is out (or the descriptor fails).
func writeAll(fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return }
        done += n
    }
}
