import Foundation

/// What `vigil policy check F` prints and returns: the file's identity (version, owner,
/// approval and review dates), its rules or families as a table, then every error and
/// warning.
///
/// The file may be a tier policy (it has `rules`) or a playbook catalogue (it has
/// `families`); anything else is checked as a tier policy.
///
/// Exit status: 0 when there are no errors (warnings are printed but do not fail, so a
/// policy with a stale review date still checks in CI and still tiers — it just cannot
/// automate); 1 when there are warnings and `strict` is set (for CI that wants a clean
/// file); 2 when there is any error, including an unreadable file.
public enum PolicyCheck {
    /// Which kind of configuration file was checked.
    public enum FileKind: String, Sendable {
        case tierPolicy = "tier policy"
        case playbookCatalogue = "playbook catalogue"
    }

    /// The outcome of a check.
    public struct Report: Sendable {
        public var file: String
        public var kind: FileKind
        public var diagnostics: ConfigurationDiagnostics
        /// The whole report as printed, ending in a `result:` line and a newline.
        public var text: String

        /// 0 no errors; 1 warnings under `strict`; 2 errors.
        public func exitStatus(strict: Bool = false) -> Int32 {
            if !diagnostics.errors.isEmpty { return 2 }
            return strict && !diagnostics.warnings.isEmpty ? 1 : 0
        }
    }

    /// Reads and checks the file at `path`; review dates are judged at `now`.
    public static func run(path: String, now: Date) -> Report {
        do throws(VigilError) {
            return run(data: try readConfigurationFile(path), file: path, now: now)
        } catch {
            let diagnostics = ConfigurationDiagnostics(errors: [error])
            return Report(file: path, kind: .tierPolicy, diagnostics: diagnostics,
                          text: "\(path)\n\n" + render(diagnostics) + result(diagnostics))
        }
    }

    /// Checks configuration bytes; `file` names them in the report.
    public static func run(data: Data, file: String, now: Date) -> Report {
        var kind = FileKind.tierPolicy
        if let json = try? ConfigJSON.parse(data), case let .object(members) = json.value,
           members.contains(where: { $0.key == "families" }), !members.contains(where: { $0.key == "rules" }) {
            kind = .playbookCatalogue
        }
        var text = ""
        let diagnostics: ConfigurationDiagnostics
        switch kind {
        case .tierPolicy:
            let load = TierPolicy.check(data: data, file: file, now: now)
            diagnostics = load.diagnostics
            text = "Tier policy \(file)\n"
            if let policy = load.value { text += render(policy, now: now) }
        case .playbookCatalogue:
            let load = PlaybookCatalogue.check(data: data, file: file)
            diagnostics = load.diagnostics
            text = "Playbook catalogue \(file)\n"
            if let catalogue = load.value { text += render(catalogue) }
        }
        text += "\n" + render(diagnostics) + result(diagnostics)
        return Report(file: file, kind: kind, diagnostics: diagnostics, text: text)
    }

    static func render(_ policy: TierPolicy, now: Date) -> String {
        var s = ""
        s += "  version      \(policy.version)\n"
        s += "  owner        \(policy.owner)\n"
        s += "  approved     \(policy.approvedAt.text) by \(policy.approvedBy)\n"
        let days = Int((policy.reviewBy.end.timeIntervalSince(now) / 86_400).rounded(.down))
        let status = policy.reviewBy.isPast(at: now)
            ? "PAST: nothing automates until re-approved"
            : "\(days) day\(days == 1 ? "" : "s") left"
        s += "  review by    \(policy.reviewBy.text) (\(status))\n"
        s += "  rules        \(policy.rules.count) (first match wins; unmatched actions are Tier 3)\n\n"
        var rows = [["#", "name", "tier", "actions", "min conf", "min feeds", "max crit", "excluded tags", "review by"]]
        for (i, rule) in policy.rules.enumerated() {
            let review = policy.effectiveReviewDate(of: rule)
            var tier = "\(rule.tier.rawValue)"
            if rule.tier == .automated, review.isPast(at: now) { tier += "->2 (stale)" }
            rows.append([
                "\(i)", rule.name, tier, rule.actions.text,
                rule.minConfidence.map(thresholdText) ?? "-",
                rule.minCorroboration.map(String.init) ?? "-",
                rule.maxAssetCriticality.map(String.init) ?? "-",
                rule.excludeAssetTags.isEmpty ? "-" : rule.excludeAssetTags.sorted().joined(separator: ", "),
                review.text,
            ])
        }
        return s + table(rows)
    }

    static func render(_ catalogue: PlaybookCatalogue) -> String {
        var s = ""
        if let version = catalogue.version { s += "  version      \(version)\n" }
        s += "  families     \(catalogue.families.count) (technique match beats analytic beats title; ties in file order)\n"
        s += "  default      \(catalogue.defaultFamily.name): \(catalogue.defaultFamily.actions.map(\.kind.rawValue).joined(separator: ", "))\n\n"
        // One block per family: the match lists and action lists are too long for a table.
        for (i, family) in catalogue.families.enumerated() {
            s += "  \(i)  \(family.name)\n"
            var match: [String] = []
            if !family.techniques.isEmpty { match.append("techniques " + family.techniques.joined(separator: ", ")) }
            if !family.analytics.isEmpty { match.append("analytics " + family.analytics.map { "\"\($0)\"" }.joined(separator: ", ")) }
            if !family.titleContains.isEmpty { match.append("title " + family.titleContains.map { "\"\($0)\"" }.joined(separator: ", ")) }
            s += "       match        \(match.isEmpty ? "(nothing: never matches)" : match.joined(separator: "; "))\n"
            let actions = family.actions.map { a in
                "\(a.kind.rawValue) (\(a.blastRadius.rawValue), " + (a.reversible ? "rollback \(a.rollback ?? "none needed")" : "irreversible") + ")"
            }
            s += "       actions      \(actions.joined(separator: ", "))\n"
            s += "       limitations  \(family.limitations.count)\n"
        }
        return s
    }

    static func render(_ d: ConfigurationDiagnostics) -> String {
        var s = "errors (\(d.errors.count))\n"
        for e in d.errors {
            if case let .invalidConfiguration(_, location, reason) = e { s += "  \(location): \(reason)\n" } else { s += "  \(e)\n" }
        }
        s += "warnings (\(d.warnings.count))\n"
        for w in d.warnings { s += "  \(w.location): \(w.message)\n" }
        return s
    }

    static func result(_ d: ConfigurationDiagnostics) -> String {
        let w = "\(d.warnings.count) warning\(d.warnings.count == 1 ? "" : "s")"
        if !d.errors.isEmpty { return "result: INVALID, \(d.errors.count) error\(d.errors.count == 1 ? "" : "s"), \(w) (exit 2)\n" }
        if !d.warnings.isEmpty { return "result: OK with \(w) (exit 0; 1 under --strict)\n" }
        return "result: OK (exit 0)\n"
    }

    /// Left-aligned columns separated by two spaces, indented by two.
    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            var line = "  "
            for (i, cell) in row.enumerated() {
                line += i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
