#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Canonical text for IP addresses, so that `2001:DB8::0:1` in a feed and `2001:db8::1`
/// in an alert are the same key. Wraps `inet_pton(3)` / `inet_ntop(3)`: IPv4 in dotted
/// decimal (no leading zeros), IPv6 in RFC 5952 form.
enum IPAddressText {
    enum Family: Sendable { case v4, v6 }

    /// The canonical form of `text` and its family, or nil when it is not one address.
    /// A `/32` (IPv4) or `/128` (IPv6) suffix names one address and is accepted; any
    /// other prefix length is a range and returns nil (see `isRange`).
    static func canonical(_ text: some StringProtocol) -> (text: String, family: Family)? {
        var s = String(text)
        if let slash = s.utf8.firstIndex(of: UInt8(ascii: "/")) {
            let prefix = s[s.utf8.index(after: slash)...]
            let host = String(s[..<slash])
            if host.utf8.contains(UInt8(ascii: ":")) ? prefix == "128" : prefix == "32" { s = host } else { return nil }
        }
        if s.utf8.contains(UInt8(ascii: ":")) {
            var addr = in6_addr()
            guard inet_pton(AF_INET6, s, &addr) == 1 else { return nil }
            var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &addr, &buf, socklen_t(buf.count)) != nil else { return nil }
            return (cText(buf), .v6)
        }
        var addr = in_addr()
        guard inet_pton(AF_INET, s, &addr) == 1 else { return nil }
        // Dotted decimal that inet_pton accepts is already canonical.
        return (s, .v4)
    }

    private static func cText(_ buf: [CChar]) -> String {
        let bytes = buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `text` looks like a CIDR range (`a.b.c.d/n` with n < 32, or IPv6 with n < 128).
    static func isRange(_ text: some StringProtocol) -> Bool {
        guard let slash = text.firstIndex(of: "/") else { return false }
        let host = text[..<slash]
        guard let bits = Int(text[text.index(after: slash)...]) else { return false }
        let full = host.utf8.contains(UInt8(ascii: ":")) ? 128 : 32
        return bits >= 0 && bits < full && canonical(host) != nil
    }
}
