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
    public init?(_ kind: EntityKind, _ raw: String) {
        var v = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !v.isEmpty else { return nil }
        switch kind {
        case .host, .domain, .user, .fileHash:
            v = v.lowercased()
            if kind == .domain || kind == .host, v.hasSuffix(".") { v.removeLast() }
        case .ip:
            v = v.lowercased()
        case .url:
            break
        }
        guard !v.isEmpty else { return nil }
        self.kind = kind
        value = v
    }

    public var description: String { "\(kind.rawValue):\(value)" }

    public static func < (a: EntityKey, b: EntityKey) -> Bool {
        (a.kind.rawValue, a.value) < (b.kind.rawValue, b.value)
    }
}

import Foundation
