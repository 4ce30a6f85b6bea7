/// The kinds of entity that link alerts into incidents and that threat intel names.
public enum EntityKind: String, Sendable, Hashable, CaseIterable, Codable {
    case host, ip, user, fileHash = "file_hash", domain, url
}

/// One entity, normalised so that equal entities compare equal: host names, domains and
/// user names lower-cased and trimmed; IPs in canonical textual form; hashes lower-case hex;
/// URLs trimmed (case kept: paths are case-sensitive).
public struct EntityKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let kind: EntityKind
    public let value: String

    /// Normalises `raw` for `kind`. Returns nil for an empty value.
    /// IPv6 addresses are rewritten in RFC 5952 form (inet_pton/inet_ntop), so
    /// `2001:DB8::0:1` and `2001:db8::1` are the same entity.
    public init?(_ kind: EntityKind, _ raw: String) {
        var v = Self.trimmed(raw)
        guard !v.isEmpty else { return nil }
        switch kind {
        case .host, .domain, .user, .fileHash:
            v = v.lowercased()
            if kind == .domain || kind == .host, v.hasSuffix(".") { v.removeLast() }
        case .ip:
            v = v.lowercased()
            if v.utf8.contains(UInt8(ascii: ":")), let canonical = IPAddressText.canonical(v) { v = canonical.text }
        case .url:
            break
        }
        guard !v.isEmpty else { return nil }
        self.kind = kind
        value = v
    }

    /// `s` without leading and trailing white space; returns `s` itself (no Foundation
    /// call) in the common case where neither end is blank — this runs per entity on the
    /// alert path.
    static func trimmed(_ s: String) -> String {
        guard let first = s.utf8.first, let last = s.utf8.last else { return s }
        func blank(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) || b >= 0x80 }
        if !blank(first) && !blank(last) { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var description: String { "\(kind.rawValue):\(value)" }

    public static func < (a: EntityKey, b: EntityKey) -> Bool {
        (a.kind.rawValue, a.value) < (b.kind.rawValue, b.value)
    }
}

import Foundation
