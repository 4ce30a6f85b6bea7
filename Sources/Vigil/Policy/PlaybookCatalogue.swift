import Foundation

/// The playbook catalogue: detection families, the candidate actions for each, and the
/// known limitations of each detection type.
///
/// Precedence when several families match an alert: a technique match beats an analytic
/// match beats a title match; ties go to the family listed first in the file. When none
/// matches, the default family applies (the file's `default`, else `builtInDefault`).
public struct PlaybookCatalogue: Sendable, Equatable {
    /// The catalogue's version, if the file gives one.
    public var version: String?
    /// Families in file order.
    public var families: [DetectionFamily]
    /// The family used when nothing matches.
    public var defaultFamily: DetectionFamily

    public init(version: String? = nil, families: [DetectionFamily], defaultFamily: DetectionFamily = PlaybookCatalogue.builtInDefault) {
        self.version = version
        self.families = families
        self.defaultFamily = defaultFamily
    }

    /// Open a case, enrich, escalate: nothing that changes anything outside Vigil.
    public static let builtInDefault = DetectionFamily(
        name: "default",
        description: "No detection family matched: investigate before acting.",
        actions: [
            PlaybookAction(kind: .createCase, reversible: true, rollback: "close_case", blastRadius: .none),
            PlaybookAction(kind: .enrich, reversible: true, rollback: nil, blastRadius: .none),
            PlaybookAction(kind: .escalate, reversible: true, rollback: nil, blastRadius: .none),
        ],
        limitations: ["No detection family matched this alert: no playbook-specific blind spots are known, and the proposed actions are generic."]
    )

    /// Every family that matches `alert`, strongest first (technique, then analytic, then
    /// title; ties in file order). Empty when none matches.
    /// Complexity: O(families × patterns).
    public func families(for alert: Alert) -> [FamilyMatch] {
        families.enumerated()
            .compactMap { i, family in family.match(alert).map { (i, $0) } }
            .sorted { a, b in a.1.basis != b.1.basis ? a.1.basis > b.1.basis : a.0 < b.0 }
            .map(\.1)
    }

    /// The family that answers `alert`: the first of `families(for:)`, else the default
    /// family (with basis `.default`).
    public func bestFamily(for alert: Alert) -> FamilyMatch {
        families(for: alert).first
            ?? FamilyMatch(family: defaultFamily, basis: .default, matchedOn: "no family matched")
    }
}
