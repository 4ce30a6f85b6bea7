/// Reads the indicators of a STIX 2.1 bundle (or a TAXII 2.1 envelope: any object with an
/// `objects` array) into intel records.
///
/// An indicator needs `type`, `spec_version` (2.1), `id` (`indicator--<uuid>`), `created`,
/// `modified`, `pattern`, `pattern_type` and `valid_from`; `valid_until`, `revoked`,
/// `labels`, `confidence` and `name` are read when present. A malformed indicator, a
/// revoked or expired one, or one whose pattern names nothing Vigil can match, is skipped
/// and counted in the feed's report with its id. Objects of other types are counted as
/// ignored. Only a file that is not JSON, or not a bundle, fails as a whole.
enum STIXBundle {
    /// The records of the bundle in `bytes`.
    ///
    /// - Parameters:
    ///   - now: indicators whose `valid_until` is at or before `now` (seconds since the
    ///     Unix epoch) are expired; those whose `valid_from` is after it are not yet valid.
    /// - Throws: `VigilError.invalidConfiguration` naming `path` and the line and column
    ///   when the file is not JSON, or the top level is not a bundle.
    static func read(_ bytes: [UInt8], path: String, now: Double, into report: inout FeedReport) throws(VigilError) -> [IntelRecord] {
        var records: [IntelRecord] = []
        let tree: JSONTree
        let streamed: Bool
        do {
            (tree, streamed) = try JSONTree.parse(bytes, streamingArrayAt: "objects") { k, object in
                if let record = indicator(object, index: k, now: now, report: &report) { records.append(record) }
            }
        } catch {
            throw .invalidConfiguration(file: path, location: error.location, reason: "not valid JSON: \(error.reason)")
        }
        guard case .object = tree else {
            throw .invalidConfiguration(file: path, location: "top level", reason: "expected a STIX bundle object, found \(tree.typeName)")
        }
        if let type = tree["type"], type != .string("bundle") {
            throw .invalidConfiguration(file: path, location: "type", reason: "expected \"bundle\", found \(type.shortText)")
        }
        if !streamed, let other = tree["objects"] {
            throw .invalidConfiguration(file: path, location: "objects", reason: "expected an array, found \(other.typeName)")
        }
        return records
    }

    /// One object: a record, or nil (ignored or skipped and counted).
    private static func indicator(_ object: JSONTree, index k: Int, now: Double, report: inout FeedReport) -> IntelRecord? {
        guard case .object = object else {
            report.note(.malformed, "objects[\(k)]: expected an object, found \(object.typeName)")
            return nil
        }
        guard case let .string(type)? = object["type"] else {
            report.note(.malformed, "objects[\(k)]: missing or non-string 'type'")
            return nil
        }
        guard type == "indicator" else { report.ignoredObjects += 1; return nil }

        // Name the indicator by id when it has a usable one, else by position.
        var name = "objects[\(k)]"
        var problems: [String] = []
        if case let .string(id)? = object["id"] {
            if isIdentifier(id, type: "indicator") { name = id } else { problems.append("id '\(id)' is not indicator--<uuid>") }
        } else {
            problems.append(object["id"] == nil ? "missing 'id'" : "'id' is not a string")
        }
        func string(_ key: String) -> String? {
            switch object[key] {
            case let .string(s)?: return s
            case nil: problems.append("missing '\(key)'")
            case let other?: problems.append("'\(key)' is \(other.typeName), expected a string")
            }
            return nil
        }
        func timestamp(_ key: String, required: Bool) -> Double? {
            if !required, object[key] == nil { return nil }
            guard let text = string(key) else { return nil }
            guard let t = STIXTimestamp.seconds(text) else {
                problems.append("'\(key)' is not an RFC 3339 timestamp: '\(text)'")
                return nil
            }
            return t
        }
        if let v = string("spec_version"), v != "2.1" { problems.append("spec_version '\(v)' (expected 2.1)") }
        _ = timestamp("created", required: true)
        _ = timestamp("modified", required: true)
        let validFrom = timestamp("valid_from", required: true)
        let validUntil = timestamp("valid_until", required: false)
        let pattern = string("pattern")
        let patternType = string("pattern_type")
        var revoked = false
        switch object["revoked"] {
        case let .bool(b)?: revoked = b
        case nil: break
        case let other?: problems.append("'revoked' is \(other.typeName), expected a boolean")
        }
        var labels: [String] = []
        switch object["labels"] {
        case let .array(items)?:
            for item in items {
                if case let .string(s) = item { labels.append(s) } else { problems.append("'labels' holds \(item.typeName), expected strings") }
            }
        case nil: break
        case let other?: problems.append("'labels' is \(other.typeName), expected an array of strings")
        }
        var confidence: Int?
        switch object["confidence"] {
        case let .number(c, isInteger: true)? where (0...100).contains(c): confidence = Int(c)
        case nil: break
        case let other?: problems.append("'confidence' must be an integer 0-100, got \(other.shortText)")
        }
        var title: String?
        if case let .string(s)? = object["name"] { title = s }
        if let validFrom, let validUntil, validUntil <= validFrom { problems.append("valid_until is not after valid_from") }

        if !problems.isEmpty {
            report.note(.malformed, "\(name): \(problems.joined(separator: "; "))")
            return nil
        }
        if revoked { report.note(.revoked, name); return nil }
        if let validUntil, validUntil <= now { report.note(.expired, "\(name): valid_until \(string("valid_until") ?? "")"); return nil }
        if let validFrom, validFrom > now { report.note(.notYetValid, "\(name): valid_from \(string("valid_from") ?? "")"); return nil }
        guard let pattern, let patternType else { return nil }
        guard patternType == "stix" else { report.note(.otherPatternType, "\(name): pattern_type '\(patternType)'"); return nil }
        let observables: STIXPattern.Observables
        do { observables = try STIXPattern.observables(in: pattern) } catch {
            report.note(.malformed, "\(name): pattern at character \(error.offset): \(error.reason)")
            return nil
        }
        if observables.entities.isEmpty {
            report.note(.unsupportedPattern, "\(name): \(observables.unsupported.joined(separator: ", ")) in \(abbreviated(pattern))")
            return nil
        }
        if !observables.unsupported.isEmpty {
            report.note(.partialPattern, "\(name): kept \(observables.entities.count), skipped \(observables.unsupported.joined(separator: ", "))")
        }
        return IntelRecord(reference: .indicator(id: name), labels: labels, title: title, confidence: confidence,
                           entities: observables.entities)
    }

    /// Whether `id` is `<type>--<uuid>` (8-4-4-4-12 hex digits).
    static func isIdentifier(_ id: String, type: String) -> Bool {
        let prefix = type + "--"
        guard id.hasPrefix(prefix) else { return false }
        let uuid = Array(id.utf8.dropFirst(prefix.utf8.count))
        guard uuid.count == 36 else { return false }
        for (k, c) in uuid.enumerated() {
            if k == 8 || k == 13 || k == 18 || k == 23 {
                guard c == UInt8(ascii: "-") else { return false }
            } else {
                guard (0x30...0x39).contains(c) || (0x61...0x66).contains(c) || (0x41...0x46).contains(c) else { return false }
            }
        }
        return true
    }

    private static func abbreviated(_ s: String) -> String {
        s.count > 80 ? String(s.prefix(80)) + "…" : s
    }
}
