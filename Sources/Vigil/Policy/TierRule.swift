/// One rule of a tier policy: conditions on a proposed action and the tier it yields when
/// they all hold. Rules are tried in file order; the first whose conditions hold decides.
public struct TierRule: Sendable, Equatable {
    /// Which actions a rule covers.
    public enum Actions: Sendable, Equatable {
        /// `"*"`: every action.
        case any
        /// The listed actions.
        case only(Set<ActionKind>)

        /// Whether `action` is covered.
        public func contains(_ action: ActionKind) -> Bool {
            switch self {
            case .any: return true
            case let .only(set): return set.contains(action)
            }
        }

        /// Whether every action `other` covers is covered here.
        public func isSuperset(of other: Actions) -> Bool {
            switch (self, other) {
            case (.any, _): return true
            case (.only, .any): return false
            case let (.only(a), .only(b)): return b.isSubset(of: a)
            }
        }

        /// The covered actions, in `ActionKind.allCases` order.
        public var kinds: [ActionKind] {
            switch self {
            case .any: return ActionKind.allCases
            case let .only(set): return ActionKind.allCases.filter(set.contains)
            }
        }

        /// Whether any covered action changes something outside Vigil (targets an entity).
        var includesContainment: Bool { kinds.contains { $0.target != nil } }

        /// `*` or `block_ip, block_hash`.
        public var text: String {
            if case .any = self { return "*" }
            return kinds.map(\.rawValue).joined(separator: ", ")
        }
    }

    /// Unique name, quoted in every decision and audit record.
    public var name: String
    public var actions: Actions
    /// Lowest confidence (0...1) at which the rule applies; nil: any confidence.
    public var minConfidence: Double?
    /// Fewest distinct validated threat-intel feeds that must list the target; nil: none.
    public var minCorroboration: Int?
    /// Highest asset criticality (0...4) the rule applies to; nil: any asset.
    public var maxAssetCriticality: Int?
    /// Asset tags (lower-cased) that keep the rule from applying.
    public var excludeAssetTags: Set<String>
    /// The tier the rule yields (Tier 1 falls to Tier 2 once the rule is past review).
    public var tier: Tier
    /// The rule's own review date, if it has one. The effective date is the earlier of this
    /// and the policy's: a rule can shorten its approval but not outlive the policy's.
    public var reviewBy: PolicyDate?
    /// Free text for people reading the policy.
    public var description: String?

    public init(name: String, actions: Actions, minConfidence: Double? = nil, minCorroboration: Int? = nil,
                maxAssetCriticality: Int? = nil, excludeAssetTags: Set<String> = [], tier: Tier,
                reviewBy: PolicyDate? = nil, description: String? = nil) {
        self.name = name
        self.actions = actions
        self.minConfidence = minConfidence
        self.minCorroboration = minCorroboration
        self.maxAssetCriticality = maxAssetCriticality
        self.excludeAssetTags = Set(excludeAssetTags.map { $0.lowercased() })
        self.tier = tier
        self.reviewBy = reviewBy
        self.description = description
    }

    /// Whether the rule looks at the asset at all.
    public var hasAssetConditions: Bool { maxAssetCriticality != nil || !excludeAssetTags.isEmpty }

    /// Whether the rule can match a request whose asset is unknown (see `TierPolicy`).
    var matchesUnknownAsset: Bool {
        if tier == .automated && hasAssetConditions { return false }
        return excludeAssetTags.isEmpty && (maxAssetCriticality ?? 4) >= 4
    }

    /// Whether this (earlier) rule matches every request `later` matches, so `later` can
    /// never fire. Pairwise only: a rule covered by the union of several earlier rules is
    /// not detected.
    public func shadows(_ later: TierRule) -> Bool {
        guard actions.isSuperset(of: later.actions) else { return false }
        if let mine = minConfidence, mine > (later.minConfidence ?? 0) { return false }
        if let mine = minCorroboration, mine > (later.minCorroboration ?? 0) { return false }
        if let mine = maxAssetCriticality {
            guard let theirs = later.maxAssetCriticality, theirs <= mine else { return false }
        }
        guard excludeAssetTags.isSubset(of: later.excludeAssetTags) else { return false }
        if later.matchesUnknownAsset && !matchesUnknownAsset { return false }
        return true
    }

    /// How an asset is named in reasons: host name, else first IP, else "(unnamed)".
    static func label(_ asset: Asset) -> String { asset.hostname ?? asset.ips.first ?? "(unnamed)" }
}
