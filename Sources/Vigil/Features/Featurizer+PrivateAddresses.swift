/// Which IP addresses are internal.
extension Featurizer {
    /// RFC 1918 / loopback / link-local / ULA addresses count as internal.
    ///
    /// Runs per IP entity in correlation, featurization and targeting, so plain ASCII text
    /// is read byte by byte (no split, no allocation); other text takes the general path.
    /// Both read the text the same way: IPv6 by prefix; otherwise the `.`-separated, non-empty
    /// parts that parse as integers (`Int(_:)`: optional sign, decimal digits), which must
    /// be exactly four.
    static func isPrivate(_ ip: String) -> Bool {
        ip.utf8.withContiguousStorageIfAvailable(isPrivateASCII).flatMap { $0 } ?? isPrivateText(ip)
    }

    /// `isPrivate` on the general path: splits into Characters.
    static func isPrivateText(_ ip: String) -> Bool {
        if ip.contains(":") { return ip.hasPrefix("fc") || ip.hasPrefix("fd") || ip.hasPrefix("fe80") || ip == "::1" }
        let p = ip.split(separator: ".").compactMap { Int($0) }
        guard p.count == 4 else { return false }
        return p[0] == 10 || p[0] == 127 || (p[0] == 172 && (16...31).contains(p[1])) || (p[0] == 192 && p[1] == 168) || (p[0] == 169 && p[1] == 254)
    }

    /// `isPrivate` over ASCII bytes; nil when the text is not all ASCII.
    private static func isPrivateASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        var hasColon = false
        for c in b {
            if c >= 0x80 { return nil }
            if c == UInt8(ascii: ":") { hasColon = true }
        }
        if hasColon {
            func starts(_ prefix: StaticString) -> Bool {
                prefix.utf8CodeUnitCount <= b.count
                    && (0..<prefix.utf8CodeUnitCount).allSatisfy { b[$0] == prefix.utf8Start[$0] }
            }
            // ASCII text: a Character is one byte, except "\r\n", which none of these contain.
            return starts("fc") || starts("fd") || starts("fe80") || (b.count == 3 && starts("::1"))
        }
        // Parts between dots, empty ones skipped; each must parse as `Int` or is dropped.
        var parsed = 0, first = 0, second = 0
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: ".") { i += 1; continue }
            var j = i
            while j < b.count && b[j] != UInt8(ascii: ".") { j += 1 }
            if let value = parseInt(b, i, j) {
                if parsed == 0 { first = value } else if parsed == 1 { second = value }
                parsed += 1
            }
            i = j
        }
        guard parsed == 4 else { return false }
        return first == 10 || first == 127 || (first == 172 && (16...31).contains(second)) || (first == 192 && second == 168)
            || (first == 169 && second == 254)
    }

    /// `Int(text)` for the bytes `b[start..<end]` (non-empty, no dots): an optional sign,
    /// then at least one decimal digit; nil on anything else or overflow.
    private static func parseInt(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var i = start
        var negative = false
        if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            negative = b[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end else { return nil }
        var value = 0
        while i < end {
            let d = Int(b[i]) - 0x30
            guard (0...9).contains(d) else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (n, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            value = n
            i += 1
        }
        return value
    }
}
