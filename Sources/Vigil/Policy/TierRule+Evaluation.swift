/// How a rule is checked against a proposed action, and how its reason is worded.
extension TierRule {
    /// A condition of a rule that a request can fail.
    enum Condition {
        case confidence, corroboration
        /// The asset is unknown and the rule is a Tier 1 rule that bounds the asset.
        case unknownAssetAutomation
        /// The asset is unknown, assumed criticality 4, above the rule's bound.
        case unknownAssetCriticality
        /// The asset is unknown, assumed to carry the rule's excluded tags.
        case unknownAssetTags
        case assetCriticality, assetTags
    }

    /// What a rule says about a request.
    enum Outcome: Equatable {
        /// The rule does not cover the action.
        case notApplicable
        /// The rule covers the action; this condition (the first in rule order) failed.
        case missed(Condition)
        /// Every condition held.
        case matched
    }

    /// A rule's conditions as plain values, without the strings and sets a `TierRule`
    /// holds, so a policy tries its rules against every proposed action without
    /// reference counting. `TierPolicy` keeps one per rule.
    struct Conditions: Sendable, Equatable {
        /// Bit `ActionKind.bit` is set for each covered action.
        var actions: UInt32
        var minConfidence: Double?
        var minCorroboration: Int?
        var maxAssetCriticality: Int?
        var excludesTags: Bool
        var tier: Tier

        init(_ rule: TierRule) {
            switch rule.actions {
            case .any: actions = ~0
            case let .only(set): actions = set.reduce(0) { $0 | $1.bit }
            }
            minConfidence = rule.minConfidence
            minCorroboration = rule.minCorroboration
            maxAssetCriticality = rule.maxAssetCriticality
            excludesTags = !rule.excludeAssetTags.isEmpty
            tier = rule.tier
        }

        /// Checks the conditions against `request` in order, stopping at the first that
        /// fails: the one place they are checked. Builds no text: the policy finds the
        /// deciding rule first and describes only what its reason quotes (`reasonPrefix`,
        /// `appendHeldConditions`, `appendMiss`). `isExcluded` says whether a lower-cased
        /// tag is one of the rule's excluded tags.
        /// Complexity: O(number of asset tags).
        func evaluate(_ request: TierRequest, isExcluded: (String) -> Bool) -> Outcome {
            guard actions & request.action.bit != 0 else { return .notApplicable }
            if let min = minConfidence, !(request.confidence >= min) { return .missed(.confidence) }
            if let min = minCorroboration, request.corroboration < min { return .missed(.corroboration) }
            guard let criticality = request.asset?.criticality else {
                guard maxAssetCriticality != nil || excludesTags else { return .matched }
                if tier == .automated { return .missed(.unknownAssetAutomation) }
                if let max = maxAssetCriticality, max < 4 { return .missed(.unknownAssetCriticality) }
                if excludesTags { return .missed(.unknownAssetTags) }
                return .matched
            }
            if let max = maxAssetCriticality, criticality > max { return .missed(.assetCriticality) }
            if excludesTags, let tags = request.asset?.tags {
                for tag in tags where isExcluded(TierRule.lowercased(tag)) { return .missed(.assetTags) }
            }
            return .matched
        }
    }

    /// What a matched rule's reason starts with: `rule 'x' yields Tier 2 (approval): action
    /// block_ip listed` (`tier` is the tier it yields, after any demotion). The same for
    /// every request, so `TierPolicy` prepares it once per rule, action and tier.
    func reasonPrefix(action: ActionKind, tier: Tier) -> String {
        "rule '\(name)' yields \(tier.description): action \(action.rawValue)" + (actions == .any ? " (any action)" : " listed")
    }

    /// Appends the conditions that held for a request this rule matched, each after "; ":
    /// `; confidence 0.95 >= 0.9; …` (the action part is in `reasonPrefix`).
    func appendHeldConditions(_ request: TierRequest, to text: inout String) {
        if let min = minConfidence {
            text += "; confidence "
            DecimalText.appendThreshold(request.confidence, to: &text)
            text += " >= "
            DecimalText.appendThreshold(min, to: &text)
        }
        if let min = minCorroboration {
            text += "; corroboration "
            text += String(request.corroboration)
            text += " >= "
            text += String(min)
            text += " validated feeds"
        }
        guard let asset = request.asset else {
            if hasAssetConditions { text += "; asset unknown, assumed criticality 4 <= 4" }
            return
        }
        if let max = maxAssetCriticality {
            text += "; asset "
            text += Self.label(asset)
            text += " criticality "
            text += String(asset.criticality)
            text += " <= "
            text += String(max)
        }
        if !excludeAssetTags.isEmpty {
            text += "; asset "
            text += Self.label(asset)
            text += " has none of the excluded tags ("
            text += excludedTagsText
            text += ")"
        }
    }

    /// Appends why `condition` failed for `request`: `confidence 0.41 < 0.6`.
    /// `confidenceText` is `thresholdText(request.confidence)`, formatted once per decision.
    func appendMiss(_ condition: Condition, _ request: TierRequest, confidenceText: String, to text: inout String) {
        switch condition {
        case .confidence:
            text += "confidence "
            text += confidenceText
            text += " < "
            DecimalText.appendThreshold(minConfidence ?? 0, to: &text)
        case .corroboration:
            text += "corroboration "
            text += String(request.corroboration)
            text += " < "
            text += String(minCorroboration ?? 0)
            text += " validated feeds"
        case .unknownAssetAutomation:
            text += "asset unknown: a Tier 1 rule that bounds the asset does not automate on an asset missing from the inventory"
        case .unknownAssetCriticality:
            text += "asset unknown, assumed criticality 4 > "
            text += String(maxAssetCriticality ?? 4)
        case .unknownAssetTags:
            text += "asset unknown, assumed to carry excluded tags "
            text += excludedTagsText
        case .assetCriticality:
            let asset = request.asset
            text += "asset "
            text += asset.map(Self.label) ?? ""
            text += " criticality "
            text += String(asset?.criticality ?? 0)
            text += " > "
            text += String(maxAssetCriticality ?? 0)
        case .assetTags:
            let asset = request.asset
            var hit: [String] = []
            for tag in asset?.tags ?? [] {
                let lower = Self.lowercased(tag)
                if excludeAssetTags.contains(lower) && !hit.contains(lower) { hit.append(lower) }
            }
            text += "asset "
            text += asset.map(Self.label) ?? ""
            text += " tagged "
            text += hit.sorted().joined(separator: ", ")
            text += " (excluded)"
        }
    }

    /// The excluded tags as reasons list them: sorted, comma-separated.
    private var excludedTagsText: String { excludeAssetTags.sorted().joined(separator: ", ") }

    /// `tag` lower-cased; the tag itself when it is already lower-case ASCII (inventory tags
    /// usually are), so matching allocates nothing.
    static func lowercased(_ tag: String) -> String {
        for b in tag.utf8 where b >= 0x80 || (0x41...0x5A).contains(b) { return tag.lowercased() }
        return tag
    }
}

extension ActionKind {
    /// The action's position in `allCases`, without building `allCases`.
    var ordinal: Int {
        switch self {
        case .blockIP: return 0
        case .blockHash: return 1
        case .blockDomain: return 2
        case .quarantineHost: return 3
        case .isolateSegment: return 4
        case .disableAccount: return 5
        case .resetCredentials: return 6
        case .createCase: return 7
        case .enrich: return 8
        case .escalate: return 9
        }
    }

    /// A distinct bit per action, for `TierRule.Conditions`.
    var bit: UInt32 { 1 << UInt32(ordinal) }
}
