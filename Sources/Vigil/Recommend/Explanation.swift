/// Why Vigil recommends what it does for one incident. Every recommendation carries all
/// five parts: what triggered it, how sure the model is, what similar closed cases ended
/// as, what the model is known to miss here, and what acting or not acting costs.
public struct Explanation: Sendable, Equatable {
    /// (a) One signed indicator contribution to the logit, by name.
    public struct Indicator: Sendable, Equatable {
        /// In words for this incident, e.g. "validated threat-intel feeds listing an entity: 3 (ip:203.0.113.66)".
        public var name: String
        /// Signed share of the logit (positive pushes towards malicious).
        public var contribution: Float
        /// Column in the feature schema.
        public var column: Int
    }

    /// (c) One similar closed case.
    public struct Precedent: Sendable, Equatable {
        public var incidentID: String
        public var title: String
        public var similarity: Float
        public var verdict: String
        public var actionTaken: String?
    }

    /// (a) Top signed contributions, largest magnitude first.
    public var indicators: [Indicator]
    /// (b) Calibrated probability that the incident is malicious, and its parts.
    public var confidence: Float
    public var logisticProbability: Float
    public var precedentVote: Float
    /// Model identity: feature schema, training-data hash prefix and training time.
    public var modelVersion: String
    /// (c) The most similar closed cases, most similar first.
    public var precedents: [Precedent]
    /// (d) Known limitations: the detection family's catalogue entries, then data-driven
    /// flags (few similar precedents, out-of-distribution input, missing fields, unknown
    /// assets, intel only from unvalidated feeds).
    public var limitations: [String]
    /// (e) Impact of acting (per recommended action, see `Recommendation.impactOfActing`)
    /// and of not acting: severity × probability, in words and as a 0–100 score.
    public var impactOfNotActing: String
    public var riskScore: Int
}

/// One proposed action for an incident, with its tier under the policy.
public struct Recommendation: Sendable, Equatable {
    /// The action and its playbook properties (reversible, rollback, blast radius kind).
    public var action: PlaybookAction
    /// What it acts on (nil for case-level actions: create_case, enrich, escalate).
    public var target: EntityKey?
    /// Tier and the policy's reason (rule, version, staleness).
    public var decision: TierDecision
    /// (e) Impact of acting: blast radius on the asset, dependants, reversibility.
    public var impactOfActing: String
}

/// Everything Vigil concluded about one incident.
public struct IncidentAssessment: Sendable, Equatable {
    public var incident: Incident
    public var context: Featurizer.Context
    /// The detection family the playbook catalogue matched, and on what.
    public var family: FamilyMatch
    public var recommendations: [Recommendation]
    public var explanation: Explanation

    /// The lowest tier among the actions that act on something (blocks, containment,
    /// account actions): Tier 1 means a consequential action runs unattended. Case-level
    /// actions (create_case, enrich, escalate) do not count; an incident with only those
    /// is Tier 3, left to a human.
    public var tier: Tier {
        recommendations.filter { $0.action.kind.target != nil }.map(\.decision.tier).min() ?? .humanDriven
    }
}
