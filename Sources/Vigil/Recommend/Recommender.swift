import Foundation
import VigilEngine

/// Turns incidents into explained, tiered recommendations: featurize → confidence
/// (logistic + precedent vote, calibrated) → detection family → candidate actions and
/// their targets → tier per action under the written policy → explanation.
public struct Recommender: Sendable {
    public let featurizer: Featurizer
    public let model: ConfidenceModel
    public let precedents: PrecedentIndex
    /// Metadata of each precedent row.
    public let cases: [PrecedentCase]
    public let policy: TierPolicy
    public let playbooks: PlaybookCatalogue
    /// Shown in every explanation (schema id, data hash prefix, training time).
    public let modelVersion: String

    /// Contributions listed per explanation.
    public var topIndicators = 5
    /// Precedents listed per explanation.
    public var precedentsShown = 5
    /// Below this nearest-precedent similarity the input is flagged out of distribution.
    public var outOfDistributionSimilarity: Float = 0.5
    /// Similarity at which a precedent counts as "similar"; fewer than `minimumSimilar`
    /// of them is flagged.
    public var similarThreshold: Float = 0.8
    public var minimumSimilar = 3

    public init(featurizer: Featurizer, model: ConfidenceModel, precedents: PrecedentIndex, cases: [PrecedentCase],
                policy: TierPolicy, playbooks: PlaybookCatalogue, modelVersion: String) {
        self.featurizer = featurizer
        self.model = model
        self.precedents = precedents
        self.cases = cases
        self.policy = policy
        self.playbooks = playbooks
        self.modelVersion = modelVersion
    }

    /// Assesses a batch of incidents (scoring and precedent search run batched on all cores).
    /// - Throws: `.engine` if the model's schema width differs from the featurizer's.
    public func assess(_ incidents: [Incident], now: Date) throws(VigilError) -> [IncidentAssessment] {
        if incidents.isEmpty { return [] }
        let (vectors, contexts) = try featurizer.vectors(for: incidents)
        let k = max(precedentsShown, model.k)
        let scores: [ConfidenceModel.Assessment]
        let found: NearestNeighbors
        let contributions: [[Contribution]]
        do {
            let p = try model.logistic.scores(vectors)
            found = try precedents.nearest(to: vectors, k: k)
            contributions = try model.logistic.contributions(vectors, top: topIndicators)
            scores = (0..<incidents.count).map { i in
                let neighbours = precedents.neighbors(in: found, query: i)
                let vote = ConfidenceModel.vote(Array(neighbours.prefix(model.k)))
                return ConfidenceModel.Assessment(logistic: p[i], vote: vote, confidence: model.combine(logistic: p[i], vote: vote))
            }
        } catch {
            throw .engine(error)
        }
        var families = FamilyCache()
        return incidents.indices.map { i in
            assess(incidents[i], context: contexts[i], score: scores[i], neighbours: precedents.neighbors(in: found, query: i),
                   contributions: contributions[i], now: now, families: &families)
        }
    }

    private func assess(_ incident: Incident, context: Featurizer.Context, score: ConfidenceModel.Assessment,
                        neighbours: [Neighbor], contributions: [Contribution], now: Date, families: inout FamilyCache) -> IncidentAssessment {
        // The family of the incident: the strongest match over its alerts (the first of
        // equally strong ones, in time order).
        var family = families.family(for: incident.alerts[0], in: playbooks)
        for alert in incident.alerts.dropFirst() {
            let match = families.family(for: alert, in: playbooks)
            if match.basis > family.basis { family = match }
        }

        var recommendations: [Recommendation] = []
        for action in family.family.actions {
            let target = self.target(for: action.kind, in: incident, context: context)
            if action.kind.target != nil && target == nil { continue }  // nothing to act on
            let asset = self.asset(for: action.kind, target: target, context: context)
            let corroboration = target.map { context.intelHits[$0] ?? 0 } ?? context.corroboration
            let decision = policy.tier(for: TierRequest(action: action.kind, confidence: Double(score.confidence),
                                                        corroboration: corroboration, asset: asset, now: now))
            let radius = action.blastRadius(on: asset)
            let undo = action.reversible ? "reversible" + (action.rollback.map { " (rollback: \($0))" } ?? "") : "NOT reversible"
            recommendations.append(Recommendation(action: action, target: target, decision: decision,
                                                  impactOfActing: "\(radius); \(undo)"))
        }

        let severity = incident.maxSeverity
        let risk = Int((Double(score.confidence) * Double(min(severity, 5)) / 5 * 100).rounded())
        let explanation = Explanation(
            indicators: contributions.map { c in
                Explanation.Indicator(name: featurizer.describe(column: c.feature, incident: incident, context: context),
                                      contribution: c.value, column: c.feature)
            },
            confidence: score.confidence, logisticProbability: score.logistic, precedentVote: score.vote,
            modelVersion: modelVersion,
            precedents: neighbours.prefix(precedentsShown).map { n in
                let c = cases[n.row]
                return Explanation.Precedent(incidentID: c.incidentID, title: c.title, similarity: n.similarity,
                                             verdict: c.verdictName, actionTaken: c.actionTaken)
            },
            limitations: limitations(family: family, incident: incident, context: context, neighbours: neighbours),
            impactOfNotActing: String(format: "%@ severity × %.0f%% likelihood: %@", Featurizer.severityName(severity), Double(score.confidence) * 100,
                                      risk >= 60 ? "likely harm if left alone" : risk >= 25 ? "possible harm; worth a look" : "little expected harm"),
            riskScore: risk)
        return IncidentAssessment(incident: incident, context: context, family: family, recommendations: recommendations, explanation: explanation)
    }

    /// Playbook matches per detection (rule, title and techniques), so an incident's many
    /// alerts of the same detection are matched once; matching compares strings
    /// case-insensitively and would otherwise dominate recommendation time.
    struct FamilyCache {
        private var byRule: [String: FamilyMatch] = [:]

        mutating func family(for alert: Alert, in playbooks: PlaybookCatalogue) -> FamilyMatch {
            let key = "\(alert.analyticUID ?? "")|\(alert.analyticName ?? "")|\(alert.title)|\(alert.techniques.joined(separator: ","))"
            if let hit = byRule[key] { return hit }
            let match = playbooks.bestFamily(for: alert)
            byRule[key] = match
            return match
        }
    }

    /// The entity an action would act on: the most corroborated entity of its kind, then
    /// the one on the most critical asset, then the first in sorted order.
    private func target(for kind: ActionKind, in incident: Incident, context: Featurizer.Context) -> EntityKey? {
        guard let wanted = kind.target else { return nil }
        var candidates = incident.entities.filter { $0.kind == wanted }
        if wanted == .ip { candidates = candidates.filter { !Featurizer.isPrivate($0.value) } }
        if wanted == .host, let host = context.asset?.hostname, let key = EntityKey(.host, host), candidates.contains(key) { return key }
        return candidates.sorted { a, b in
            let (ca, cb) = (context.intelHits[a] ?? -1, context.intelHits[b] ?? -1)
            return ca != cb ? ca > cb : a < b
        }.first
    }

    /// The asset whose criticality and tags bound an action: the host itself for host
    /// actions, otherwise the most critical asset the incident touches.
    private func asset(for kind: ActionKind, target: EntityKey?, context: Featurizer.Context) -> Asset? {
        if let target, target.kind == .host {
            return featurizer.assets?.asset(hostname: target.value, ip: nil) ?? (context.asset?.hostname == target.value ? context.asset : nil)
        }
        return context.asset
    }

    private func limitations(family: FamilyMatch, incident: Incident, context: Featurizer.Context, neighbours: [Neighbor]) -> [String] {
        var notes = family.family.limitations
        let similar = neighbours.filter { $0.similarity >= similarThreshold }.count
        if similar < minimumSimilar {
            notes.append("few similar precedents: \(similar) closed case\(similar == 1 ? "" : "s") at similarity ≥ \(similarThreshold)")
        }
        if let nearest = neighbours.first?.similarity, nearest < outOfDistributionSimilarity {
            notes.append(String(format: "out of distribution: the nearest closed case has similarity %.2f", nearest))
        } else if neighbours.isEmpty {
            notes.append("no precedents to compare with")
        }
        let missing = Set(incident.alerts.flatMap(\.missingFields)).sorted()
        if !missing.isEmpty { notes.append("missing fields: " + missing.joined(separator: ", ")) }
        if !context.unknownHosts.isEmpty {
            notes.append("not in the asset inventory: " + context.unknownHosts.prefix(5).joined(separator: ", ") + (context.unknownHosts.count > 5 ? " …" : ""))
        }
        let onlyUnvalidated = context.intelHits.filter { $0.value == 0 }.keys.sorted()
        if !onlyUnvalidated.isEmpty && context.corroboration == 0 {
            notes.append("threat intel only from unvalidated feeds: " + onlyUnvalidated.prefix(3).map(\.description).joined(separator: ", "))
        }
        return notes
    }
}
