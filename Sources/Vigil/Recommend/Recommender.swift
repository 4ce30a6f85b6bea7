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
    /// Playbook matches per detection, shared by every batch and thread.
    private let families = FamilyMemo()

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
    /// Threads the per-incident work is spread over (the output does not depend on it).
    public var threads = Parallelism.defaultThreads

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
        let p: [Float]
        let found: NearestNeighbors
        let contributions: [[Contribution]]
        do {
            p = try model.logistic.scores(vectors)
            found = try precedents.nearest(to: vectors, k: k)
            contributions = try model.logistic.contributions(vectors, top: topIndicators)
        } catch {
            throw .engine(error)
        }
        // Incidents are independent from here on: contiguous chunks, one per thread, each
        // with its own family cache; results land in input order.
        return ParallelChunks.map(count: incidents.count, threads: threads, minimumChunk: 64, state: {}) { i, _ in
            let neighbours = precedents.neighbors(in: found, query: i)
            let vote = ConfidenceModel.vote(Array(neighbours.prefix(model.k)))
            let score = ConfidenceModel.Assessment(logistic: p[i], vote: vote, confidence: model.combine(logistic: p[i], vote: vote))
            return assess(incidents[i], context: contexts[i], score: score, neighbours: neighbours,
                          contributions: contributions[i], now: now)
        }
    }

    private func assess(_ incident: Incident, context: Featurizer.Context, score: ConfidenceModel.Assessment,
                        neighbours: [Neighbor], contributions: [Contribution], now: Date) -> IncidentAssessment {
        let family = families.family(of: incident, in: playbooks)
        let confidence = Double(score.confidence)

        var recommendations: [Recommendation] = []
        recommendations.reserveCapacity(family.family.actions.count)
        var targets: Targets?
        for action in family.family.actions {
            var target: EntityKey?
            if let kind = action.kind.target {
                if targets == nil { targets = Targets(incident: incident, context: context) }
                target = targets?[kind]
                if target == nil { continue }  // nothing to act on
            }
            let asset = self.asset(for: action.kind, target: target, context: context)
            let corroboration = target.map { context.intelHits[$0] ?? 0 } ?? context.corroboration
            let decision = policy.tier(for: TierRequest(action: action.kind, confidence: confidence,
                                                        corroboration: corroboration, asset: asset, now: now))
            let radius = action.blastRadius(on: asset)
            var impact = ""
            impact.reserveCapacity(radius.reason.utf8.count + 64)
            impact += "blast radius "  // `radius.description`, written into the one buffer
            impact += String(radius.level)
            impact += "/4: "
            impact += radius.reason
            if action.reversible {
                impact += "; reversible"
                if let rollback = action.rollback {
                    impact += " (rollback: "
                    impact += rollback
                    impact += ")"
                }
            } else {
                impact += "; NOT reversible"
            }
            recommendations.append(Recommendation(action: action, target: target, decision: decision, impactOfActing: impact))
        }

        let severity = incident.maxSeverity
        let risk = Int((confidence * Double(min(severity, 5)) / 5 * 100).rounded())
        var impactOfNotActing = ""
        impactOfNotActing.reserveCapacity(80)
        impactOfNotActing += Featurizer.severityName(severity)
        impactOfNotActing += " severity × "
        DecimalText.appendFixed(confidence * 100, places: 0, to: &impactOfNotActing)
        impactOfNotActing += "% likelihood: "
        impactOfNotActing += risk >= 60 ? "likely harm if left alone" : risk >= 25 ? "possible harm; worth a look" : "little expected harm"
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
            impactOfNotActing: impactOfNotActing,
            riskScore: risk)
        return IncidentAssessment(incident: incident, context: context, family: family, recommendations: recommendations, explanation: explanation)
    }

    /// The entity an action on each kind of entity would act on: the most corroborated
    /// entity of that kind, then the first in key order; for hosts, the incident's most
    /// critical asset when it is one of them; never a private IP. Found in one pass over the
    /// incident's entities, for all kinds at once.
    struct Targets {
        private var host, ip, user, fileHash, domain, url: EntityKey?

        init(incident: Incident, context: Featurizer.Context) {
            var hits = (host: Int.min, ip: Int.min, user: Int.min, fileHash: Int.min, domain: Int.min, url: Int.min)
            let intel = context.intelHits
            func consider(_ entity: EntityKey, _ best: inout EntityKey?, _ bestHits: inout Int) {
                let n = intel.isEmpty ? -1 : intel[entity] ?? -1
                if let current = best, n < bestHits || (n == bestHits && !(entity < current)) { return }
                best = entity
                bestHits = n
            }
            // The incident's most critical asset, when it is one of the hosts, is the host target.
            let assetHost = context.asset?.hostname.flatMap { EntityKey(.host, $0) }
            var assetHostSeen = false
            for entity in incident.entities {
                switch entity.kind {
                case .host:
                    if !assetHostSeen && entity == assetHost { assetHostSeen = true }
                    consider(entity, &host, &hits.host)
                case .ip: if !Featurizer.isPrivate(entity.value) { consider(entity, &ip, &hits.ip) }
                case .user: consider(entity, &user, &hits.user)
                case .fileHash: consider(entity, &fileHash, &hits.fileHash)
                case .domain: consider(entity, &domain, &hits.domain)
                case .url: consider(entity, &url, &hits.url)
                }
            }
            if assetHostSeen { host = assetHost }
        }

        subscript(kind: EntityKind) -> EntityKey? {
            switch kind {
            case .host: return host
            case .ip: return ip
            case .user: return user
            case .fileHash: return fileHash
            case .domain: return domain
            case .url: return url
            }
        }
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
        var notes: [String] = []
        notes.reserveCapacity(family.family.limitations.count + 5)
        notes += family.family.limitations
        var similar = 0
        for n in neighbours where n.similarity >= similarThreshold { similar += 1 }
        if similar < minimumSimilar {
            notes.append("few similar precedents: \(similar) closed case\(similar == 1 ? "" : "s") at similarity ≥ \(similarThreshold)")
        }
        if let nearest = neighbours.first?.similarity, nearest < outOfDistributionSimilarity {
            notes.append("out of distribution: the nearest closed case has similarity " + DecimalText.fixed(Double(nearest), places: 2))
        } else if neighbours.isEmpty {
            notes.append("no precedents to compare with")
        }
        var missing: [String] = []
        incident.alerts.withUnsafeBufferPointer { alerts in
            for j in alerts.indices { for field in alerts[j].missingFields where !missing.contains(field) { missing.append(field) } }
        }
        if !missing.isEmpty { notes.append("missing fields: " + missing.sorted().joined(separator: ", ")) }
        if !context.unknownHosts.isEmpty {
            notes.append("not in the asset inventory: " + context.unknownHosts.prefix(5).joined(separator: ", ") + (context.unknownHosts.count > 5 ? " …" : ""))
        }
        if context.corroboration == 0 {
            var onlyUnvalidated: [EntityKey] = []
            for (entity, feeds) in context.intelHits where feeds == 0 { onlyUnvalidated.append(entity) }
            if !onlyUnvalidated.isEmpty {
                notes.append("threat intel only from unvalidated feeds: " + onlyUnvalidated.sorted().prefix(3).map(\.description).joined(separator: ", "))
            }
        }
        return notes
    }
}
