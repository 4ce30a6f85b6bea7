/// The tier a policy assigned to one proposed action, and why.
public struct TierDecision: Sendable, Equatable, CustomStringConvertible {
    /// The tier that applies (after any demotion for staleness).
    public var tier: Tier
    /// The rule that matched, nil when no rule matched (Tier 3).
    public var ruleName: String?
    /// The tier the matched rule names, before any demotion; nil when unmatched.
    public var ruleTier: Tier?
    /// The `version` of the policy that decided, for the audit record.
    public var policyVersion: String
    /// True when the rule yields Tier 1 but is past its review date, so it fell to Tier 2.
    public var demotedForStaleness: Bool
    /// True when the asset was not in the inventory and was assumed to be the worst case.
    public var assetUnknown: Bool
    /// One human-readable sentence: the rule, the conditions that held, and any demotion
    /// or unknown-asset caveat; for an unmatched action, why the candidate rules missed.
    public var reason: String

    public init(tier: Tier, ruleName: String?, ruleTier: Tier?, policyVersion: String, demotedForStaleness: Bool,
                assetUnknown: Bool, reason: String) {
        self.tier = tier
        self.ruleName = ruleName
        self.ruleTier = ruleTier
        self.policyVersion = policyVersion
        self.demotedForStaleness = demotedForStaleness
        self.assetUnknown = assetUnknown
        self.reason = reason
    }

    public var description: String { "\(tier) [policy \(policyVersion)]: \(reason)" }
}
