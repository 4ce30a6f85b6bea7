import Foundation

extension TierPolicy {
    static let topLevelFields = ["version", "owner", "approved_by", "approved_at", "review_by", "rules", "description"]
    static let requiredTopLevelFields = ["version", "owner", "approved_by", "approved_at", "review_by", "rules"]
    static let ruleFields = ["name", "description", "actions", "min_confidence", "min_corroboration", "max_asset_criticality",
                             "exclude_asset_tags", "tier", "review_by"]
    static let requiredRuleFields = ["name", "actions", "tier"]

    /// Loads a policy file, failing on any error. Warnings are not reported here; see
    /// `check(contentsOf:now:)` or `warnings(now:file:)`.
    ///
    /// - Throws: `VigilError.io` when the file cannot be read;
    ///   `VigilError.invalidConfiguration` naming the first problem's location (e.g.
    ///   `rules[2] 'isolate-critical'`) with every other problem appended to its reason.
    public init(contentsOf path: String) throws(VigilError) {
        let data = try readConfigurationFile(path)
        try self.init(data: data, file: path)
    }

    /// Loads a policy from bytes; `file` names it in messages. Throws like `init(contentsOf:)`.
    public init(data: Data, file: String) throws(VigilError) {
        let load = Self.check(data: data, file: file, now: nil)
        if let error = load.diagnostics.combinedError { throw error }
        self = load.value!
    }

    /// Checks a policy file and reports every error and warning at once (what
    /// `vigil policy check` prints).
    public static func check(contentsOf path: String, now: Date) -> ConfigurationLoad<TierPolicy> {
        do throws(VigilError) {
            return check(data: try readConfigurationFile(path), file: path, now: now)
        } catch {
            return ConfigurationLoad(value: nil, diagnostics: ConfigurationDiagnostics(errors: [error]))
        }
    }

    /// Checks policy bytes; `file` names them in messages. With `now` nil the date-relative
    /// warnings (review dates already past) are skipped.
    ///
    /// Errors: invalid JSON, unknown or missing fields (top level and rules), wrong types,
    /// unknown actions, duplicate rule names, impossible thresholds (`min_confidence`
    /// outside 0...1, `min_corroboration` < 0 or fractional, `max_asset_criticality`
    /// outside 0...4, `tier` not 1, 2 or 3), unparseable dates, and a `review_by` (policy or
    /// rule) before `approved_at`. Warnings: see `warnings(now:file:)`, plus an action
    /// listed twice in one rule.
    public static func check(data: Data, file: String, now: Date?) -> ConfigurationLoad<TierPolicy> {
        var r = ConfigReader(file: file)
        guard let json = parseConfiguration(data, reader: &r),
              let top = r.object(json, at: "document", allowed: topLevelFields, required: requiredTopLevelFields)
        else { return ConfigurationLoad(value: nil, diagnostics: ConfigurationDiagnostics(errors: r.errors)) }

        let version = r.string(top, "version", at: "version")
        let owner = r.string(top, "owner", at: "owner")
        let approvedBy = r.string(top, "approved_by", at: "approved_by")
        let approvedAt = r.date(top, "approved_at", at: "approved_at")
        let reviewBy = r.date(top, "review_by", at: "review_by")
        let description = r.string(top, "description", at: "description", nonEmpty: false)
        if let approvedAt, let reviewBy, reviewBy.end <= approvedAt.start {
            r.error("review_by", "review_by \(reviewBy.text) is before approved_at \(approvedAt.text)", line: top["review_by"]?.line)
        }

        var rules: [TierRule] = []
        var firstIndexOfName: [String: Int] = [:]
        if let rulesJSON = top["rules"] {
            if case let .array(elements) = rulesJSON.value {
                for (i, element) in elements.enumerated() {
                    if let rule = readRule(element, index: i, approvedAt: approvedAt, firstIndexOfName: &firstIndexOfName, reader: &r) {
                        rules.append(rule)
                    }
                }
            } else {
                r.error("rules", "rules must be an array of rule objects, found \(rulesJSON.typeName)", line: rulesJSON.line)
            }
        }

        guard r.errors.isEmpty, let version, let owner, let approvedBy, let approvedAt, let reviewBy else {
            return ConfigurationLoad(value: nil, diagnostics: ConfigurationDiagnostics(errors: r.errors, warnings: r.warnings))
        }
        let policy = TierPolicy(version: version, owner: owner, approvedBy: approvedBy, approvedAt: approvedAt,
                                reviewBy: reviewBy, rules: rules, description: description)
        var warnings = r.warnings
        if let now {
            warnings += policy.warnings(now: now, file: file)
        } else {
            // Date-independent warnings only: evaluate as if at approval time.
            warnings += policy.warnings(now: approvedAt.start, file: file)
        }
        return ConfigurationLoad(value: policy, diagnostics: ConfigurationDiagnostics(errors: [], warnings: warnings))
    }

    private static func readRule(_ json: ConfigJSON, index i: Int, approvedAt: PolicyDate?,
                                 firstIndexOfName: inout [String: Int], reader r: inout ConfigReader) -> TierRule? {
        // Name the rule in every message, so read the name before anything else.
        var location = "rules[\(i)]"
        if case let .object(members) = json.value, let nameJSON = members.first(where: { $0.key == "name" })?.value,
           case let .string(name) = nameJSON.value, !name.isEmpty {
            location = "rules[\(i)] '\(name)'"
        }
        let errorsBefore = r.errors.count
        guard let dict = r.object(json, at: location, allowed: ruleFields, required: requiredRuleFields) else { return nil }

        let name = r.string(dict, "name", at: location)
        if let name {
            if let j = firstIndexOfName[name] {
                r.error(location, "duplicate rule name '\(name)' (first used by rules[\(j)]); names must be unique", line: dict["name"]?.line)
            } else {
                firstIndexOfName[name] = i
            }
        }

        var actions: TierRule.Actions?
        if let a = dict["actions"] {
            actions = readActions(a, at: location, reader: &r)
        }
        let minConfidence = r.number(dict, "min_confidence", at: location, in: 0...1)
        let minCorroboration = r.integer(dict, "min_corroboration", at: location, in: 0...Int.max)
        let maxCriticality = r.integer(dict, "max_asset_criticality", at: location, in: 0...4)
        let tags = r.stringArray(dict, "exclude_asset_tags", at: location) ?? []
        var tier: Tier?
        if let t = dict["tier"] {
            if case let .number(v, _) = t.value, v.rounded() == v, let value = Tier(rawValue: Int(v)) {
                tier = value
            } else {
                r.error(location, "tier must be 1, 2 or 3, found \(ConfigReader.show(t))", line: t.line)
            }
        }
        let reviewBy = r.date(dict, "review_by", at: location)
        if let reviewBy, let approvedAt, reviewBy.end <= approvedAt.start {
            r.error(location, "review_by \(reviewBy.text) is before the policy's approved_at \(approvedAt.text)", line: dict["review_by"]?.line)
        }
        let description = r.string(dict, "description", at: location, nonEmpty: false)

        guard r.errors.count == errorsBefore, let name, let actions, let tier else { return nil }
        return TierRule(name: name, actions: actions, minConfidence: minConfidence, minCorroboration: minCorroboration,
                        maxAssetCriticality: maxCriticality, excludeAssetTags: Set(tags), tier: tier,
                        reviewBy: reviewBy, description: description)
    }

    private static func readActions(_ json: ConfigJSON, at location: String, reader r: inout ConfigReader) -> TierRule.Actions? {
        let known = ActionKind.allCases.map(\.rawValue).joined(separator: ", ")
        switch json.value {
        case let .string(s) where s == "*":
            return .any
        case let .string(s):
            r.error(location, "actions must be \"*\" or an array of actions, found \"\(s)\"", line: json.line)
            return nil
        case let .array(elements):
            guard !elements.isEmpty else {
                r.error(location, "actions is empty, so the rule matches nothing; list actions or use \"*\"", line: json.line)
                return nil
            }
            if elements.count == 1, case .string("*") = elements[0].value { return .any }
            var set: Set<ActionKind> = []
            var ok = true
            for (k, e) in elements.enumerated() {
                guard case let .string(s) = e.value else {
                    r.error(location, "actions[\(k)] must be an action name, found \(e.typeName)", line: e.line)
                    ok = false
                    continue
                }
                if s == "*" {
                    r.error(location, "actions[\(k)]: \"*\" cannot be combined with named actions", line: e.line)
                    ok = false
                } else if let kind = ActionKind(rawValue: s) {
                    if !set.insert(kind).inserted { r.warn(location, "action \(s) is listed twice") }
                } else {
                    r.error(location, "unknown action \"\(s)\" (known actions: \(known))", line: e.line)
                    ok = false
                }
            }
            return ok ? .only(set) : nil
        default:
            r.error(location, "actions must be \"*\" or an array of actions, found \(json.typeName)", line: json.line)
            return nil
        }
    }
}
