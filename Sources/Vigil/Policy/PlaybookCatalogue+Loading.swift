import Foundation

extension PlaybookCatalogue {
    static let topLevelFields = ["version", "description", "families", "default"]
    static let familyFields = ["name", "description", "match", "actions", "limitations"]
    static let defaultFields = ["name", "description", "actions", "limitations"]
    static let matchFields = ["techniques", "analytics", "title_contains"]
    static let actionFields = ["kind", "reversible", "rollback", "blast_radius", "description"]

    /// Loads a catalogue file, failing on any error.
    /// - Throws: `VigilError.io` when unreadable; `VigilError.invalidConfiguration` naming
    ///   the first problem (e.g. `families[1] 'phishing'`) with every other one appended.
    public init(contentsOf path: String) throws(VigilError) {
        let data = try readConfigurationFile(path)
        try self.init(data: data, file: path)
    }

    /// Loads a catalogue from bytes; `file` names it in messages.
    public init(data: Data, file: String) throws(VigilError) {
        let load = Self.check(data: data, file: file)
        if let error = load.diagnostics.combinedError { throw error }
        self = load.value!
    }

    /// Checks a catalogue file and reports every error and warning at once.
    public static func check(contentsOf path: String) -> ConfigurationLoad<PlaybookCatalogue> {
        do throws(VigilError) {
            return check(data: try readConfigurationFile(path), file: path)
        } catch {
            return ConfigurationLoad(value: nil, diagnostics: ConfigurationDiagnostics(errors: [error]))
        }
    }

    /// Checks catalogue bytes. Errors: invalid JSON, unknown or missing fields, wrong
    /// types, unknown action kinds or blast radii, a family with no actions or listing an
    /// action twice, duplicate family names, malformed technique patterns (`T1234`,
    /// `T1234.001`, `T1234.*`), an irreversible action naming a rollback, a rollback that
    /// is not a snake_case action name. Warnings: a family with no match patterns (it can
    /// never match), a family with no limitations, a reversible action with effect but no
    /// rollback.
    public static func check(data: Data, file: String) -> ConfigurationLoad<PlaybookCatalogue> {
        var r = ConfigReader(file: file)
        guard let json = parseConfiguration(data, reader: &r),
              let top = r.object(json, at: "document", allowed: topLevelFields, required: ["families"])
        else { return ConfigurationLoad(value: nil, diagnostics: ConfigurationDiagnostics(errors: r.errors)) }
        let version = r.string(top, "version", at: "version")
        _ = r.string(top, "description", at: "description", nonEmpty: false)

        var families: [DetectionFamily] = []
        var firstIndexOfName: [String: Int] = [:]
        if let list = top["families"] {
            if case let .array(elements) = list.value {
                if elements.isEmpty { r.warn("families", "no families: every alert gets the default family") }
                for (i, element) in elements.enumerated() {
                    if case let .object(members) = element.value, let n = members.first(where: { $0.key == "name" })?.value,
                       case let .string(name) = n.value, !name.isEmpty {
                        if let j = firstIndexOfName[name] {
                            r.error("families[\(i)] '\(name)'",
                                    "duplicate family name '\(name)' (first used by families[\(j)]); names must be unique", line: n.line)
                        } else {
                            firstIndexOfName[name] = i
                        }
                    }
                    if let family = readFamily(element, location: "families[\(i)]", isDefault: false, reader: &r) {
                        families.append(family)
                    }
                }
            } else {
                r.error("families", "families must be an array of family objects, found \(list.typeName)", line: list.line)
            }
        }
        var defaultFamily = builtInDefault
        if let d = top["default"], let family = readFamily(d, location: "default", isDefault: true, reader: &r) {
            defaultFamily = family
        }
        guard r.errors.isEmpty else {
            return ConfigurationLoad(value: nil, diagnostics: ConfigurationDiagnostics(errors: r.errors, warnings: r.warnings))
        }
        return ConfigurationLoad(value: PlaybookCatalogue(version: version, families: families, defaultFamily: defaultFamily),
                                 diagnostics: ConfigurationDiagnostics(errors: [], warnings: r.warnings))
    }

    private static func readFamily(_ json: ConfigJSON, location base: String, isDefault: Bool,
                                   reader r: inout ConfigReader) -> DetectionFamily? {
        var location = base
        if case let .object(members) = json.value, let n = members.first(where: { $0.key == "name" })?.value,
           case let .string(name) = n.value, !name.isEmpty {
            location = "\(base) '\(name)'"
        }
        let errorsBefore = r.errors.count
        guard let dict = r.object(json, at: location, allowed: isDefault ? defaultFields : familyFields,
                                  required: isDefault ? ["actions"] : ["name", "match", "actions"])
        else { return nil }
        let name = isDefault ? (r.string(dict, "name", at: location) ?? "default") : r.string(dict, "name", at: location)
        let description = r.string(dict, "description", at: location, nonEmpty: false)

        var techniques: [String] = [], analytics: [String] = [], titles: [String] = []
        if let m = dict["match"], let match = r.object(m, at: "\(location).match", allowed: matchFields, required: []) {
            techniques = (r.stringArray(match, "techniques", at: "\(location).match") ?? []).map { $0.uppercased() }
            for (k, t) in techniques.enumerated() where !isTechniquePattern(t) {
                r.error("\(location).match", "techniques[\(k)] \"\(t)\" is not an ATT&CK technique pattern (T1234, T1234.001 or T1234.*)",
                        line: match["techniques"]?.line)
            }
            analytics = r.stringArray(match, "analytics", at: "\(location).match") ?? []
            titles = r.stringArray(match, "title_contains", at: "\(location).match") ?? []
            if techniques.isEmpty, analytics.isEmpty, titles.isEmpty {
                r.warn(location, "match lists no techniques, analytics or title substrings: the family can never match")
            }
        }

        var actions: [PlaybookAction] = []
        if let a = dict["actions"] {
            if case let .array(elements) = a.value {
                if elements.isEmpty { r.error(location, "actions is empty: a family must propose at least one action", line: a.line) }
                var seen: Set<ActionKind> = []
                for (k, e) in elements.enumerated() {
                    if let action = readAction(e, location: "\(location).actions[\(k)]", reader: &r) {
                        if !seen.insert(action.kind).inserted {
                            r.error("\(location).actions[\(k)]", "action \(action.kind.rawValue) is listed twice", line: e.line)
                        }
                        actions.append(action)
                    }
                }
            } else {
                r.error(location, "actions must be an array of action objects, found \(a.typeName)", line: a.line)
            }
        }
        let limitations = r.stringArray(dict, "limitations", at: location) ?? []
        if dict["limitations"] == nil || limitations.isEmpty {
            r.warn(location, "no limitations listed: explanations for this detection type will name no known blind spots")
        }
        guard r.errors.count == errorsBefore, let name else { return nil }
        return DetectionFamily(name: name, description: description, techniques: techniques, analytics: analytics,
                               titleContains: titles, actions: actions, limitations: limitations)
    }

    private static func readAction(_ json: ConfigJSON, location: String, reader r: inout ConfigReader) -> PlaybookAction? {
        let errorsBefore = r.errors.count
        guard let dict = r.object(json, at: location, allowed: actionFields, required: ["kind", "reversible", "blast_radius"]) else { return nil }
        var kind: ActionKind?
        if let k = r.string(dict, "kind", at: location) {
            kind = ActionKind(rawValue: k)
            if kind == nil {
                r.error(location, "unknown action \"\(k)\" (known actions: \(ActionKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                        line: dict["kind"]?.line)
            }
        }
        let reversible = r.bool(dict, "reversible", at: location)
        var rollback: String?
        if let rb = dict["rollback"] {
            switch rb.value {
            case .null: break
            case let .string(s) where isActionName(s): rollback = s
            default:
                r.error(location, "rollback must be an action name such as unblock_ip, or null; found \(ConfigReader.show(rb))", line: rb.line)
            }
        }
        var radius: BlastRadiusKind?
        if let b = r.string(dict, "blast_radius", at: location) {
            radius = BlastRadiusKind(rawValue: b)
            if radius == nil {
                r.error(location, "unknown blast_radius \"\(b)\" (known: \(BlastRadiusKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                        line: dict["blast_radius"]?.line)
            }
        }
        _ = r.string(dict, "description", at: location, nonEmpty: false)
        if reversible == false, let rollback {
            r.error(location, "reversible is false but rollback names \(rollback); an irreversible action has no rollback", line: json.line)
        }
        guard r.errors.count == errorsBefore, let kind, let reversible, let radius else { return nil }
        if reversible, rollback == nil, radius != .none {
            r.warn(location, "\(kind.rawValue) is marked reversible but names no rollback action")
        }
        return PlaybookAction(kind: kind, reversible: reversible, rollback: rollback, blastRadius: radius)
    }

    static func isTechniquePattern(_ s: String) -> Bool {
        let b = Array(s.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && b[r].allSatisfy { (48...57).contains($0) } }
        guard b.count >= 5, b[0] == UInt8(ascii: "T"), digits(1..<5) else { return false }
        if b.count == 5 { return true }
        if b.count == 7, b[5] == UInt8(ascii: "."), b[6] == UInt8(ascii: "*") { return true }
        return b.count == 9 && b[5] == UInt8(ascii: ".") && digits(6..<9)
    }

    static func isActionName(_ s: String) -> Bool {
        guard let first = s.utf8.first, (97...122).contains(first) else { return false }
        return s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
