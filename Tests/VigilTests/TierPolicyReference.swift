import Foundation
import Testing
@testable import Vigil

/// `TierPolicy.tier(for:)` as first written: every rule builds its reason text as it is
/// tried. The policy now finds the deciding rule first and describes only that one; this
/// is the oracle it must agree with, reason text included, on every request.
func referenceTier(_ policy: TierPolicy, _ request: TierRequest) -> TierDecision {
    enum Evaluation {
        case notApplicable
        case missed(String)
        case matched([String])
    }
    func evaluate(_ rule: TierRule) -> Evaluation {
        guard rule.actions.contains(request.action) else { return .notApplicable }
        var held: [String] = []
        held.append(rule.actions == .any ? "action \(request.action.rawValue) (any action)" : "action \(request.action.rawValue) listed")
        if let min = rule.minConfidence {
            guard request.confidence >= min else { return .missed("confidence \(referenceThresholdText(request.confidence)) < \(referenceThresholdText(min))") }
            held.append("confidence \(referenceThresholdText(request.confidence)) >= \(referenceThresholdText(min))")
        }
        if let min = rule.minCorroboration {
            guard request.corroboration >= min else { return .missed("corroboration \(request.corroboration) < \(min) validated feeds") }
            held.append("corroboration \(request.corroboration) >= \(min) validated feeds")
        }
        guard let asset = request.asset else {
            guard rule.hasAssetConditions else { return .matched(held) }
            if rule.tier == .automated {
                return .missed("asset unknown: a Tier 1 rule that bounds the asset does not automate on an asset missing from the inventory")
            }
            if let max = rule.maxAssetCriticality, max < 4 { return .missed("asset unknown, assumed criticality 4 > \(max)") }
            if !rule.excludeAssetTags.isEmpty {
                return .missed("asset unknown, assumed to carry excluded tags \(rule.excludeAssetTags.sorted().joined(separator: ", "))")
            }
            held.append("asset unknown, assumed criticality 4 <= 4")
            return .matched(held)
        }
        let label = TierRule.label(asset)
        if let max = rule.maxAssetCriticality {
            guard asset.criticality <= max else { return .missed("asset \(label) criticality \(asset.criticality) > \(max)") }
            held.append("asset \(label) criticality \(asset.criticality) <= \(max)")
        }
        if !rule.excludeAssetTags.isEmpty {
            let hit = Set(asset.tags.map { $0.lowercased() }).intersection(rule.excludeAssetTags)
            guard hit.isEmpty else { return .missed("asset \(label) tagged \(hit.sorted().joined(separator: ", ")) (excluded)") }
            held.append("asset \(label) has none of the excluded tags (\(rule.excludeAssetTags.sorted().joined(separator: ", ")))")
        }
        return .matched(held)
    }

    let assetUnknown = request.asset == nil
    var misses: [String] = []
    for rule in policy.rules {
        switch evaluate(rule) {
        case .notApplicable:
            continue
        case let .missed(why):
            misses.append("'\(rule.name)': \(why)")
        case let .matched(held):
            var tier = rule.tier
            var demoted = false
            let review = policy.effectiveReviewDate(of: rule)
            var notes: [String] = []
            if rule.tier == .automated, review.isPast(at: request.now) {
                tier = .approval
                demoted = true
                notes.append("rule '\(rule.name)' is past its review date \(review.text); Tier 1 suspended until re-approved")
            }
            if assetUnknown { notes.append("asset not in the inventory") }
            let reason = "rule '\(rule.name)' yields \(tier): " + (held + notes).joined(separator: "; ")
            return TierDecision(tier: tier, ruleName: rule.name, ruleTier: rule.tier, policyVersion: policy.version,
                                demotedForStaleness: demoted, assetUnknown: assetUnknown, reason: reason)
        }
    }
    var context = ["confidence \(referenceThresholdText(request.confidence))", "corroboration \(request.corroboration)"]
    if let asset = request.asset {
        context.append("asset \(TierRule.label(asset)) criticality \(asset.criticality)")
    } else {
        context.append("asset not in the inventory")
    }
    var reason = "no rule matched \(request.action.rawValue) (\(context.joined(separator: ", ")))"
    if !misses.isEmpty { reason += "; missed " + misses.joined(separator: "; ") }
    reason += "; unmatched actions are \(Tier.humanDriven)"
    return TierDecision(tier: .humanDriven, ruleName: nil, ruleTier: nil, policyVersion: policy.version,
                        demotedForStaleness: false, assetUnknown: assetUnknown, reason: reason)
}

/// `thresholdText` as first written, on Foundation's formatter.
func referenceThresholdText(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.rounded() == v, abs(v) < 1e15 { return String(Int(v)) }
    var s = String(format: "%.3f", v)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

/// Generated policies and requests: every decision equals the reference's.
struct TierPolicyAgainstReferenceTests {
    static let tags = ["payment", "executive", "domain-controller", "lab", "PCI"]
    static let dates = ["2026-06-30", "2027-02-28", "2027-05-31", "2026-12-03T12:00:00Z", "2028-01-01"]

    static func rule(_ g: inout SeededRandom, _ i: Int) -> TierRule {
        let actions: TierRule.Actions = g.chance(0.2) ? .any
            : .only(Set((0..<(1 + g.below(3))).map { _ in g.pick(ActionKind.allCases) }))
        return TierRule(name: "rule-\(i)", actions: actions,
                        minConfidence: g.chance(0.6) ? g.pick([0, 0.5, 0.6, 0.85, 0.9, 0.875, 0.0365, 1]) : nil,
                        minCorroboration: g.chance(0.3) ? g.below(4) : nil,
                        maxAssetCriticality: g.chance(0.4) ? g.below(5) : nil,
                        excludeAssetTags: g.chance(0.4) ? Set((0..<(1 + g.below(3))).map { _ in g.pick(tags) }) : [],
                        tier: g.pick(Tier.allCases), reviewBy: g.chance(0.3) ? PolicyDate(g.pick(dates)) : nil)
    }

    static func request(_ g: inout SeededRandom) -> TierRequest {
        let asset: Asset? = g.chance(0.25) ? nil
            : Asset(hostname: g.chance(0.8) ? "host-\(g.below(5))" : nil, ips: g.chance(0.5) ? ["10.0.0.\(g.below(9))"] : [],
                    criticality: g.below(5), tags: Set((0..<g.below(3)).map { _ in g.pick(tags + ["Payment", "EXECUTIVE", "Lab"]) }),
                    dependants: (0..<g.below(3)).map { "svc-\($0)" })
        let confidence = g.pick([0, 1, 0.5, 0.9, 0.8999, 0.85, 0.0365, 0.0625, .nan, g.unit(), Double(Float(g.unit()))])
        return TierRequest(action: g.pick(ActionKind.allCases), confidence: confidence, corroboration: g.below(5),
                           asset: asset, now: PolicyDate(g.pick(["2026-12-03", "2027-03-15", "2027-07-01"]))!.start)
    }

    @Test(arguments: [1, 2, 3, 4])
    func decisionsEqualTheReference(seed: UInt64) {
        var g = SeededRandom(seed: seed)
        for _ in 0..<200 {
            var policy = TierPolicy(version: "v\(seed)", owner: "o", approvedBy: "a", approvedAt: PolicyDate("2026-01-01")!,
                                    reviewBy: PolicyDate(g.pick(Self.dates))!, rules: (0..<g.below(8)).map { Self.rule(&g, $0) })
            for _ in 0..<50 {
                let r = Self.request(&g)
                #expect(policy.tier(for: r) == referenceTier(policy, r), "\(policy.rules.map(\.name)) \(r)")
            }
            // Editing the rules in place keeps the policy's prepared rules in step.
            if !policy.rules.isEmpty {
                policy.rules[0].minConfidence = 0.7
                policy.rules[0].actions = .any
                policy.rules.append(Self.rule(&g, 99))
                for _ in 0..<20 {
                    let r = Self.request(&g)
                    #expect(policy.tier(for: r) == referenceTier(policy, r))
                }
            }
        }
    }

    @Test func theExamplePolicyEqualsTheReference() throws {
        let policy = try TierPolicy(contentsOf: DefaultConfiguration.tierPolicyPath)
        var g = SeededRandom(seed: 9)
        for _ in 0..<5000 {
            let r = Self.request(&g)
            #expect(policy.tier(for: r) == referenceTier(policy, r))
        }
    }
}
