/// One inventory row being validated: the same rules for CSV cells and JSON values.
struct AssetRow {
    enum Value {
        case text(String)
        case json(JSONTree)
    }

    var hostname: String?
    var ips: [String] = []
    var criticality: Int?
    var tags: [String] = []
    var owner: String?
    var dependants: [String] = []
    private var sawCriticality = false
    /// A host name or IP was given but rejected (already reported: no "needs a hostname").
    private var rejectedIdentity = false

    /// Items of a list cell: split on `;` (and on spaces too when `spaces`), trimmed, empty
    /// items dropped.
    static func split(_ s: String, spaces: Bool) -> [String] {
        s.split(whereSeparator: { $0 == ";" || (spaces && ($0 == " " || $0 == "\t")) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The list a value holds: a string split as in CSV, or an array of strings.
    static func list(_ value: Value, spaces: Bool, at: String, problems: inout ProblemList) -> [String]? {
        switch value {
        case let .text(s), let .json(.string(s)):
            return split(s, spaces: spaces)
        case let .json(.array(items)):
            var out: [String] = []
            for (k, item) in items.enumerated() {
                guard case let .string(s) = item else {
                    problems.add("\(at)[\(k)]", "expected a string, found \(item.typeName)")
                    return nil
                }
                out += split(s, spaces: spaces)
            }
            return out
        case .json(.null):
            return []
        case let .json(other):
            problems.add(at, "expected a string or an array of strings, found \(other.typeName)")
            return nil
        }
    }

    mutating func set(_ name: String, _ value: Value, at: String, problems: inout ProblemList) {
        switch name {
        case "hostname":
            let text: String
            switch value {
            case let .text(s), let .json(.string(s)): text = s
            case .json(.null): return
            case let .json(other):
                problems.add(at, "expected a string, found \(other.typeName)")
                rejectedIdentity = true
                return
            }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return }
            guard let h = EntityKey(.host, trimmed)?.value,
                  !h.contains(where: { $0.isWhitespace || $0 == ";" || $0 == "," || $0 == "/" }),
                  !h.hasPrefix("."), !h.contains("..")
            else {
                problems.add(at, "'\(trimmed)' is not a host name")
                rejectedIdentity = true
                return
            }
            hostname = h
        case "ip":
            guard let items = Self.list(value, spaces: true, at: at, problems: &problems) else {
                rejectedIdentity = true
                return
            }
            for item in items {
                if let c = IPAddressText.canonical(item) {
                    if !ips.contains(c.text) { ips.append(c.text) }
                } else if IPAddressText.isRange(item) {
                    problems.add(at, "'\(item)' is a range; list the addresses of this asset")
                    rejectedIdentity = true
                } else {
                    problems.add(at, "'\(item)' is not an IPv4 or IPv6 address")
                    rejectedIdentity = true
                }
            }
        case "criticality":
            sawCriticality = true
            switch value {
            case let .text(s):
                let t = s.trimmingCharacters(in: .whitespaces)
                if t.isEmpty { problems.add(at, "criticality is required (an integer 0-4)"); return }
                guard let c = Int(t), (0...4).contains(c) else {
                    problems.add(at, "criticality must be an integer 0-4, got '\(t)'")
                    return
                }
                criticality = c
            case let .json(.number(d, isInteger: true)) where (0...4).contains(d):
                criticality = Int(d)
            case let .json(other):
                problems.add(at, "criticality must be an integer 0-4, got \(other.shortText)")
            }
        case "tags":
            guard let items = Self.list(value, spaces: false, at: at, problems: &problems) else { return }
            tags = items.map { $0.lowercased() }
        case "dependants":
            guard let items = Self.list(value, spaces: false, at: at, problems: &problems) else { return }
            dependants = items
        case "owner":
            switch value {
            case let .text(s), let .json(.string(s)):
                let t = s.trimmingCharacters(in: .whitespaces)
                owner = t.isEmpty ? nil : t
            case .json(.null): owner = nil
            case let .json(other): problems.add(at, "expected a string, found \(other.typeName)")
            }
        default:
            problems.add(at, "unknown field '\(name)'")
        }
    }

    /// Records a problem when criticality, or both host name and IP, are missing.
    func checkRequired(at location: String, problems: inout ProblemList) {
        if !sawCriticality { problems.add("\(location).criticality", "criticality is required (an integer 0-4)") }
        if hostname == nil && ips.isEmpty && !rejectedIdentity {
            problems.add(location, "needs a hostname or an ip")
        }
    }
}
