import Foundation

/// Reads typed fields out of a parsed configuration file, collecting every problem
/// instead of stopping at the first, so an owner fixes a file in one pass.
struct ConfigReader {
    let file: String
    var errors: [VigilError] = []
    var warnings: [ConfigurationWarning] = []

    init(file: String) { self.file = file }

    mutating func error(_ location: String, _ reason: String, line: Int? = nil) {
        let suffix = line.map { " (line \($0))" } ?? ""
        errors.append(.invalidConfiguration(file: file, location: location, reason: reason + suffix))
    }

    mutating func warn(_ location: String, _ message: String) {
        warnings.append(ConfigurationWarning(file: file, location: location, message: message))
    }

    /// The object's members by key, after reporting unknown and missing keys.
    mutating func object(_ json: ConfigJSON, at location: String, allowed: [String], required: [String]) -> [String: ConfigJSON]? {
        guard case let .object(members) = json.value else {
            error(location, "expected an object, found \(json.typeName)", line: json.line)
            return nil
        }
        var dict: [String: ConfigJSON] = [:]
        for (key, value) in members {
            if allowed.contains(key) {
                dict[key] = value
            } else {
                let hint = Self.closest(to: key, in: allowed).map { "; did you mean \"\($0)\"?" } ?? ""
                error(location, "unknown field \"\(key)\"\(hint) (known fields: \(allowed.joined(separator: ", ")))", line: value.line)
            }
        }
        for key in required where dict[key] == nil {
            error(location, "missing required field \"\(key)\"", line: json.line)
        }
        return dict
    }

    mutating func string(_ dict: [String: ConfigJSON], _ key: String, at location: String, nonEmpty: Bool = true) -> String? {
        guard let json = dict[key] else { return nil }
        guard case let .string(s) = json.value else {
            error(location, "\(key) must be a string, found \(json.typeName)", line: json.line)
            return nil
        }
        if nonEmpty, s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            error(location, "\(key) must not be empty", line: json.line)
            return nil
        }
        return s
    }

    mutating func bool(_ dict: [String: ConfigJSON], _ key: String, at location: String) -> Bool? {
        guard let json = dict[key] else { return nil }
        guard case let .bool(b) = json.value else {
            error(location, "\(key) must be true or false, found \(json.typeName)", line: json.line)
            return nil
        }
        return b
    }

    /// A finite number within `range`.
    mutating func number(_ dict: [String: ConfigJSON], _ key: String, at location: String, in range: ClosedRange<Double>) -> Double? {
        guard let json = dict[key] else { return nil }
        guard case let .number(v, _) = json.value else {
            error(location, "\(key) must be a number in \(thresholdText(range.lowerBound))...\(thresholdText(range.upperBound)), found \(json.typeName)", line: json.line)
            return nil
        }
        guard range.contains(v) else {
            error(location, "\(key) \(thresholdText(v)) is outside \(thresholdText(range.lowerBound))...\(thresholdText(range.upperBound)); impossible threshold", line: json.line)
            return nil
        }
        return v
    }

    /// An integer literal within `range` (an upper bound of `Int.max` is shown as ">= lower").
    mutating func integer(_ dict: [String: ConfigJSON], _ key: String, at location: String, in range: ClosedRange<Int>) -> Int? {
        guard let json = dict[key] else { return nil }
        let shown = range.upperBound == Int.max ? "an integer >= \(range.lowerBound)" : "an integer in \(range.lowerBound)...\(range.upperBound)"
        guard case let .number(v, isInteger) = json.value, isInteger || v.rounded() == v else {
            error(location, "\(key) must be \(shown), found \(Self.show(json))", line: json.line)
            return nil
        }
        guard v >= Double(range.lowerBound), v <= Double(min(range.upperBound, 1 << 53)) else {
            error(location, "\(key) \(thresholdText(v)) is not \(shown); impossible threshold", line: json.line)
            return nil
        }
        return Int(v)
    }

    mutating func stringArray(_ dict: [String: ConfigJSON], _ key: String, at location: String) -> [String]? {
        guard let json = dict[key] else { return nil }
        guard case let .array(elements) = json.value else {
            error(location, "\(key) must be an array of strings, found \(json.typeName)", line: json.line)
            return nil
        }
        var out: [String] = []
        var ok = true
        for (i, e) in elements.enumerated() {
            guard case let .string(s) = e.value, !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                error(location, "\(key)[\(i)] must be a non-empty string, found \(Self.show(e))", line: e.line)
                ok = false
                continue
            }
            out.append(s)
        }
        return ok ? out : nil
    }

    mutating func date(_ dict: [String: ConfigJSON], _ key: String, at location: String) -> PolicyDate? {
        guard let text = string(dict, key, at: location) else { return nil }
        do throws(PolicyDate.ParseError) {
            return try PolicyDate(parsing: text)
        } catch {
            self.error(location, "\(key) \"\(text)\" is not an ISO-8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ): \(error.reason)",
                       line: dict[key]?.line)
            return nil
        }
    }

    static func show(_ json: ConfigJSON) -> String {
        switch json.value {
        case let .number(v, _): return thresholdText(v)
        case let .string(s): return "\"\(s)\""
        case let .bool(b): return "\(b)"
        default: return json.typeName
        }
    }

    /// The allowed key within edit distance 2 of `key`, for "did you mean" hints.
    static func closest(to key: String, in allowed: [String]) -> String? {
        let a = Array(key.lowercased())
        var best: (String, Int)?
        for candidate in allowed {
            let b = Array(candidate)
            var row = Array(0...b.count)
            for i in 1...max(a.count, 1) where !a.isEmpty {
                var prev = row[0]
                row[0] = i
                for j in 1..<(b.count + 1) {
                    let cur = row[j]
                    row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                    prev = cur
                }
            }
            let d = a.isEmpty ? b.count : row[b.count]
            if d <= 2, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }
}

/// A number as a person would write it in a policy: `0.9`, `3`, `0.875` (at most 3 decimals).
func thresholdText(_ v: Double) -> String { DecimalText.threshold(v) }
