import Foundation

/// JSON text (RFC 8259) written directly, for files too big to build as object trees.
public enum JSONText {
    /// `s` as a JSON string literal: quoted, with `"`, `\` and the control characters
    /// U+0000…U+001F escaped (`\n`, `\t`, … or `\u00XX`). Other characters, including
    /// non-ASCII ones, are copied as UTF-8, which RFC 8259 allows.
    ///
    /// - Complexity: O(n) in the UTF-8 length of `s`.
    public static func quoted(_ s: String) -> String {
        String(decoding: quotedBytes(s), as: UTF8.self)
    }

    /// The UTF-8 bytes of `quoted(s)`.
    static func quotedBytes(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 2)
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, 0x6E]
            case 0x0D: out += [0x5C, 0x72]
            case 0x09: out += [0x5C, 0x74]
            case 0x08: out += [0x5C, 0x62]
            case 0x0C: out += [0x5C, 0x66]
            case 0x00..<0x20:
                out += [0x5C, 0x75, 0x30, 0x30, hexDigit(b >> 4), hexDigit(b & 0xF)]
            default: out.append(b)
            }
        }
        out.append(0x22)
        return out
    }

    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }
}

/// A growable byte buffer that JSON text, CSV rows and other generated output are written
/// into, then flushed to a file in large blocks. Keys and constant fragments come from
/// `StaticString` literals (copied without conversion); strings that may need escaping go
/// through `JSONText.quotedBytes` once, when tables are built, not per record.
/// Not thread-safe.
final class TextBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1 << 20) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = c
    }

    func removeAll() { count = 0 }

    /// The bytes written so far (a copy).
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inline(__always)
    func raw(_ s: StaticString) {
        // withUTF8Buffer also covers the non-pointer form of one-scalar literals.
        s.withUTF8Buffer { u in
            reserve(u.count)
            (base + count).update(from: u.baseAddress!, count: u.count)
            count += u.count
        }
    }

    @inline(__always)
    func raw(_ bytes: [UInt8]) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        bytes.withUnsafeBufferPointer { (base + count).update(from: $0.baseAddress!, count: n) }
        count += n
    }

    @inline(__always)
    func byte(_ b: UInt8) {
        reserve(1)
        base[count] = b
        count += 1
    }

    /// `s` as a quoted, escaped JSON string (slow path: for rare dynamic strings).
    func string(_ s: String) { raw(JSONText.quotedBytes(s)) }

    /// Bytes copied as they are.
    @inline(__always)
    func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        guard n > 0 else { return }
        reserve(n)
        (base + count).update(from: bytes.baseAddress!, count: n)
        count += n
    }

    /// `s` as a quoted JSON string, escaped as `JSONText.quoted` does, written in place.
    func quoted(_ s: String) {
        var s = s
        s.withUTF8 { u in
            reserve(u.count + 2)
            base[count] = 0x22
            count += 1
            var start = 0
            for (i, b) in u.enumerated() where b == 0x22 || b == 0x5C || b < 0x20 {
                if i > start { raw(UnsafeBufferPointer(rebasing: u[start..<i])) }
                switch b {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    raw("\\u00")
                    byte(JSONText.hexDigit(b >> 4))
                    byte(JSONText.hexDigit(b & 0xF))
                }
                start = i + 1
            }
            if u.count > start { raw(UnsafeBufferPointer(rebasing: u[start...])) }
            byte(0x22)
        }
    }

    /// `v` rounded to `decimals` places (0...9), exact halves away from zero, trailing zeros
    /// dropped (`0.5`, `2`, `-0.125`), no negative zero (see `DecimalText.withJSONNumber`).
    /// JSON has no NaN or infinity: those are written as 0. Magnitudes of 1e15 and above,
    /// where fixed notation means nothing, are written in exponent form.
    func fixed(_ v: Double, decimals: Int) {
        guard v.isFinite else { byte(0x30); return }
        guard abs(v) < 1e15 else {
            // Whole numbers as integers; others in Swift's shortest round-trip form.
            if v == v.rounded(), abs(v) < 9e18 { int(Int(v)) } else { text("\(v)") }
            return
        }
        DecimalText.withJSONNumber(v, places: max(0, min(9, decimals))) { raw($0) }
    }

    @inline(__always)
    func bool(_ v: Bool) { v ? raw("true") : raw("false") }

    /// Each of `items` written by `write`, separated by commas (the brackets are the caller's).
    @inline(__always)
    func commaSeparated<S: Sequence>(_ items: S, _ write: (S.Element) -> Void) {
        var first = true
        for item in items {
            if !first { byte(UInt8(ascii: ",")) }
            first = false
            write(item)
        }
    }

    /// Text copied unescaped (ASCII the caller knows needs no escaping, or CSV fields).
    func text(_ s: String) {
        var s = s
        s.withUTF8 { u in
            reserve(u.count)
            if u.count > 0 { (base + count).update(from: u.baseAddress!, count: u.count) }
            count += u.count
        }
    }

    /// A decimal integer.
    @inline(__always)
    func int(_ v: Int) {
        reserve(21)
        var x = v.magnitude
        if v < 0 { base[count] = 0x2D; count += 1 }
        if x < 10 { base[count] = 0x30 + UInt8(x); count += 1; return }
        var digits = 0
        var y = x
        while y > 0 { digits += 1; y /= 10 }
        var p = count + digits - 1
        while x > 0 { base[p] = 0x30 + UInt8(x % 10); x /= 10; p -= 1 }
        count += digits
    }

    /// A decimal integer left-padded with zeros to `width` digits.
    @inline(__always)
    func int(_ v: Int, width: Int) {
        reserve(max(width, 20))
        var x = v.magnitude
        var digits = 0
        var y = x
        repeat { digits += 1; y /= 10 } while y > 0
        let w = max(width, digits)
        var p = count + w - 1
        for _ in 0..<w { base[p] = 0x30 + UInt8(x % 10); x /= 10; p -= 1 }
        count += w
    }

    /// A fixed-point number `v / 100` with two decimals (e.g. 87 → `0.87`).
    func centis(_ v: Int) {
        int(v / 100)
        byte(0x2E)
        int(v % 100, width: 2)
    }

    /// A dotted-quad IPv4 address.
    @inline(__always)
    func ipv4(_ v: UInt32) {
        int(Int(v >> 24)); byte(0x2E)
        int(Int((v >> 16) & 0xFF)); byte(0x2E)
        int(Int((v >> 8) & 0xFF)); byte(0x2E)
        int(Int(v & 0xFF))
    }

    /// `digits` lower-case hex digits of `v`, most significant first.
    @inline(__always)
    func hex(_ v: UInt64, digits: Int = 16) {
        reserve(digits)
        var x = v
        var p = count + digits - 1
        for _ in 0..<digits { base[p] = JSONText.hexDigit(UInt8(x & 0xF)); x >>= 4; p -= 1 }
        count += digits
    }
}
