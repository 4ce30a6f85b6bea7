/// How much autonomy an action gets, as the organisation's policy assigns it.
public enum Tier: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// Tier 1: runs unattended (low risk, high confidence, limited blast radius).
    case automated = 1
    /// Tier 2: recommended; runs only after an authorised analyst approves it.
    case approval = 2
    /// Tier 3: driven by a human; Vigil supplies analysis and options only.
    case humanDriven = 3

    public static func < (a: Tier, b: Tier) -> Bool { a.rawValue < b.rawValue }

    /// `Tier 1 (automated)`, `Tier 2 (approval)`, `Tier 3 (human-driven)`.
    public var description: String {
        switch self {
        case .automated: return "Tier 1 (automated)"
        case .approval: return "Tier 2 (approval)"
        case .humanDriven: return "Tier 3 (human-driven)"
        }
    }
}
