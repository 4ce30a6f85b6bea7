import Foundation

/// The organisation's written, versioned tier policy: ordered rules that give each
/// proposed action Tier 1 (automated), 2 (approval) or 3 (human-driven).
///
/// Semantics, in the order they apply:
/// - **First match wins.** Rules are tried in file order; the first rule that covers the
///   action and whose every condition holds decides. No rule matching means Tier 3.
/// - **Conditions.** `min_confidence` and `min_corroboration` are inclusive lower bounds
///   (a NaN confidence meets none); `max_asset_criticality` is an inclusive upper bound;
///   `exclude_asset_tags` fails when the asset carries any listed tag (case-insensitive).
/// - **Unknown asset = the worst case.** When the asset is not in the inventory its
///   criticality is taken as 4 and it is assumed to carry every excluded tag. So a rule
///   with `max_asset_criticality` below 4 or any `exclude_asset_tags` does not match, and
///   a Tier 1 rule with any asset condition does not match at all (it cannot bound what it
///   cannot see). Rules without asset conditions match as usual; the decision is flagged
///   `assetUnknown` either way.
/// - **Staleness.** A rule's effective review date is the earlier of its own `review_by`
///   and the policy's. Once past it (see `PolicyDate.isPast(at:)`) a Tier 1 rule yields
///   Tier 2 and the reason says so; Tier 2 and 3 rules are unaffected.
public struct TierPolicy: Sendable, Equatable {
    /// The policy's version, recorded with every decision it makes.
    public var version: String
    /// The team or person accountable for the policy.
    public var owner: String
    /// Who approved this version.
    public var approvedBy: String
    /// When this version was approved.
    public var approvedAt: PolicyDate
    /// When this version must be reviewed again; past it, nothing automates.
    public var reviewBy: PolicyDate
    /// Ordered rules; the first match wins.
    public var rules: [TierRule] { didSet { prepare() } }
    /// `rules` as plain values, for `tier(for:)`; kept in step with `rules`.
    private var conditions: [TierRule.Conditions] = []
    /// The start of each rule's reason per action and tier, built once instead of once per
    /// decision: index `reasonPrefixIndex(rule:action:demoted:)`.
    private var reasonPrefixes: [String] = []
    /// Free text for people reading the policy.
    public var description: String?

    public init(version: String, owner: String, approvedBy: String, approvedAt: PolicyDate, reviewBy: PolicyDate,
                rules: [TierRule], description: String? = nil) {
        self.version = version
        self.owner = owner
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.reviewBy = reviewBy
        self.rules = rules
        prepare()
        self.description = description
    }

    /// The review date that governs `rule`: the earlier of its own and the policy's.
    public func effectiveReviewDate(of rule: TierRule) -> PolicyDate { effectiveReviewDate(own: rule.reviewBy) }

    /// The earlier of a rule's own review date (if any) and the policy's.
    private func effectiveReviewDate(own: PolicyDate?) -> PolicyDate {
        guard let own else { return reviewBy }
        return own < reviewBy ? own : reviewBy
    }

    /// Assigns a tier to one proposed action.
    ///
    /// - Parameter request: the action, its confidence and corroboration, the asset it
    ///   touches (nil when unknown) and the time of the decision.
    /// - Returns: the tier, the matched rule (nil when none matched: Tier 3), whether a
    ///   stale Tier 1 rule was demoted, and a reason naming the rule and the conditions
    ///   that held (or, when nothing matched, why each candidate rule missed).
    /// - Complexity: O(number of rules).
    public func tier(for request: TierRequest) -> TierDecision {
        // First find the deciding rule without building any text, then describe only what
        // the reason quotes: the matched rule, or (no match) every rule that missed.
        let assetUnknown = request.asset == nil
        for i in conditions.indices
        where conditions[i].evaluate(request, isExcluded: { rules[i].excludeAssetTags.contains($0) }) == .matched {
            let rule = rules[i]
            var tier = rule.tier
            var demoted = false
            let review = effectiveReviewDate(own: rule.reviewBy)
            if tier == .automated, review.isPast(at: request.now) {
                tier = .approval
                demoted = true
            }
            var reason = reasonPrefixes[reasonPrefixIndex(rule: i, action: request.action, demoted: demoted)]
            rule.appendHeldConditions(request, to: &reason)
            if demoted {
                reason += "; rule '"
                reason += rule.name
                reason += "' is past its review date "
                reason += review.text
                reason += "; Tier 1 suspended until re-approved"
            }
            if assetUnknown { reason += "; asset not in the inventory" }
            return TierDecision(tier: tier, ruleName: rule.name, ruleTier: rule.tier, policyVersion: version,
                                demotedForStaleness: demoted, assetUnknown: assetUnknown, reason: reason)
        }
        var reason = ""
        reason.reserveCapacity(320)
        reason += "no rule matched "
        reason += request.action.rawValue
        let confidenceText = thresholdText(request.confidence)
        reason += " (confidence "
        reason += confidenceText
        reason += ", corroboration "
        reason += String(request.corroboration)
        if let asset = request.asset {
            reason += ", asset "
            reason += TierRule.label(asset)
            reason += " criticality "
            reason += String(asset.criticality)
        } else {
            reason += ", asset not in the inventory"
        }
        reason += ")"
        var first = true
        for i in conditions.indices {
            guard case let .missed(condition) = conditions[i].evaluate(request, isExcluded: { rules[i].excludeAssetTags.contains($0) })
            else { continue }
            reason += first ? "; missed '" : "; '"
            first = false
            reason += rules[i].name
            reason += "': "
            rules[i].appendMiss(condition, request, confidenceText: confidenceText, to: &reason)
        }
        reason += "; unmatched actions are "
        reason += Tier.humanDriven.description
        return TierDecision(tier: .humanDriven, ruleName: nil, ruleTier: nil, policyVersion: version,
                            demotedForStaleness: false, assetUnknown: assetUnknown, reason: reason)
    }

    /// Rebuilds `conditions` and `reasonPrefixes` from `rules`.
    private mutating func prepare() {
        conditions = rules.map(TierRule.Conditions.init)
        reasonPrefixes = rules.flatMap { rule in
            ActionKind.allCases.flatMap { action in
                [rule.reasonPrefix(action: action, tier: rule.tier), rule.reasonPrefix(action: action, tier: .approval)]
            }
        }
    }

    private func reasonPrefixIndex(rule: Int, action: ActionKind, demoted: Bool) -> Int {
        (rule * ActionKind.allCases.count + action.ordinal) * 2 + (demoted ? 1 : 0)
    }

    /// Problems that do not stop the policy from loading, in rule order:
    /// - a rule shadowed by an earlier rule that matches every request it matches;
    /// - a Tier 1 rule covering a containment action (one with a target: blocks,
    ///   quarantine, isolation, account actions) without `min_confidence` or without
    ///   `max_asset_criticality` (automation without a bound); `create_case`, `enrich` and
    ///   `escalate` change nothing outside Vigil and are exempt;
    /// - a policy, or a Tier 1 rule, already past its review date at `now`;
    /// - a rule `review_by` later than the policy's (it has no effect).
    ///
    /// - Parameter file: the file name the warnings name.
    /// - Complexity: O(rules²) for the shadowing check.
    public func warnings(now: Date, file: String = "policy") -> [ConfigurationWarning] {
        var out: [ConfigurationWarning] = []
        if reviewBy.isPast(at: now) {
            out.append(ConfigurationWarning(file: file, location: "review_by",
                                            message: "policy is past its review date \(reviewBy.text): no rule automates (Tier 1 rules yield Tier 2) until it is re-approved"))
        }
        if rules.isEmpty {
            out.append(ConfigurationWarning(file: file, location: "rules", message: "no rules: every action is Tier 3"))
        }
        for (i, rule) in rules.enumerated() {
            let location = "rules[\(i)] '\(rule.name)'"
            if let j = rules[..<i].firstIndex(where: { $0.shadows(rule) }) {
                out.append(ConfigurationWarning(file: file, location: location,
                                                message: "shadowed by rules[\(j)] '\(rules[j].name)', which matches every request this rule matches; it can never fire"))
            }
            if rule.tier == .automated, rule.actions.includesContainment {
                if rule.minConfidence == nil {
                    out.append(ConfigurationWarning(file: file, location: location,
                                                    message: "Tier 1 rule without min_confidence: automates \(rule.actions.text) at any confidence"))
                }
                if rule.maxAssetCriticality == nil {
                    out.append(ConfigurationWarning(file: file, location: location,
                                                    message: "Tier 1 rule without max_asset_criticality: automates \(rule.actions.text) on assets of any criticality"))
                }
            }
            if let own = rule.reviewBy {
                if reviewBy < own {
                    out.append(ConfigurationWarning(file: file, location: location,
                                                    message: "review_by \(own.text) is later than the policy's \(reviewBy.text); the policy's date governs"))
                } else if rule.tier == .automated, own.isPast(at: now), !reviewBy.isPast(at: now) {
                    out.append(ConfigurationWarning(file: file, location: location,
                                                    message: "past its review date \(own.text): Tier 1 suspended (yields Tier 2) until re-approved"))
                }
            }
        }
        return out
    }
}
