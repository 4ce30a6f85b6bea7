import Foundation
import Testing
@testable import Vigil
import VigilEngine

/// A recommender over the example policy and playbooks, with a hand-set model whose
/// confidence rises with validated-feed corroboration and severity.
func exampleRecommender(intel: [EntityKey: Int], assets: [String: Asset]) throws -> Recommender {
    let policy = try TierPolicy(contentsOf: DefaultConfiguration.tierPolicyPath)
    let playbooks = try PlaybookCatalogue(contentsOf: DefaultConfiguration.playbooksPath)
    let schema = try FeatureSchema()
    let featurizer = Featurizer(schema: schema, intel: FakeIntel(validated: intel), assets: FakeAssets(byHost: assets))
    var weights = [Float](repeating: 0, count: schema.width)
    weights[schema.column(.validatedFeeds)] = 8
    weights[schema.column(.maxSeverity)] = 3
    let logistic = try LogisticModel(weights: weights, bias: -5, featureSchemaID: schema.id)
    let blend = try LogisticModel(weights: [1, 0], bias: 0, featureSchemaID: "vigil-blend-v1")
    var precedents = PrecedentIndex(dimension: schema.width)
    var closed = try Correlator()
    let history = closed.add((0..<6).map { i in alert("old\(i)", minute: i * 100, "host:ws\(i)", severity: 4, techniques: ["T1071.001"]) }) + closed.finish()
    let (vectors, _) = try featurizer.vectors(for: history)
    try precedents.append(vectors, ids: history.map(\.id), labels: history.indices.map { $0 % 2 == 0 ? 2 : 1 })
    let cases = history.indices.map { PrecedentCase(incidentID: history[$0].id, title: "old beacon", verdictID: $0 % 2 == 0 ? 2 : 1,
                                                     actionTaken: $0 % 2 == 0 ? "block_ip" : nil, lastSeenMs: history[$0].lastMs) }
    return Recommender(featurizer: featurizer, model: ConfidenceModel(logistic: logistic, k: 5, blend: blend, calibration: PlattCalibration()),
                       precedents: precedents, cases: cases, policy: policy, playbooks: playbooks, modelVersion: "test-model")
}

struct RecommenderTests {
    let now = ISO8601DateFormatter().date(from: "2026-12-03T12:00:00Z")!
    let feedIP = EntityKey(.ip, "203.0.113.66")!

    func assess(_ alerts: [Alert], intel: [EntityKey: Int] = [:], assets: [String: Asset]) throws -> [IncidentAssessment] {
        let recommender = try exampleRecommender(intel: intel, assets: assets)
        var c = try Correlator()
        return try recommender.assess(c.add(alerts) + c.finish(), now: now)
    }

    @Test func anIPOnThreeValidatedFeedsIsBlockedAutomatically() throws {
        let result = try assess([alert("c2", minute: 0, "host:ws-017", "ip:203.0.113.66", severity: 5, techniques: ["T1071.001"])],
                                intel: [feedIP: 3], assets: ["ws-017": Asset(hostname: "ws-017", criticality: 1)])
        let block = try #require(result[0].recommendations.first { $0.action.kind == .blockIP })
        #expect(block.target == feedIP)
        #expect(block.decision.tier == .automated, "\(block.decision)")
        #expect(result[0].family.family.name == "c2-beacon")
        let quarantine = try #require(result[0].recommendations.first { $0.action.kind == .quarantineHost })
        #expect(quarantine.decision.tier != .automated, "containment is never unattended")
    }

    @Test func aC2AlertOnAPaymentServerIsNeverContainedAutomatically() throws {
        let payment = Asset(hostname: "pay-db-01", criticality: 4, tags: ["payment"], dependants: ["card-processing", "settlement"])
        let result = try assess([alert("pay", minute: 0, "host:pay-db-01", "ip:192.0.2.10", severity: 4, techniques: ["T1071.001"])],
                                assets: ["pay-db-01": payment])
        #expect(result[0].recommendations.allSatisfy { $0.decision.tier != .automated || $0.action.kind.target == nil })
        let quarantine = try #require(result[0].recommendations.first { $0.action.kind == .quarantineHost })
        #expect(quarantine.decision.tier == .humanDriven)
        #expect(quarantine.impactOfActing.contains("pay-db-01"))
    }

    @Test func anExecutiveLaptopIsNeverQuarantinedAutomatically() throws {
        let laptop = Asset(hostname: "exec-laptop-01", criticality: 3, tags: ["executive"], owner: "CEO")
        let result = try assess([alert("vpn", minute: 0, "host:exec-laptop-01", "user:ceo", "ip:198.51.100.200", severity: 3, techniques: ["T1078"])],
                                intel: [EntityKey(.ip, "198.51.100.200")!: 3], assets: ["exec-laptop-01": laptop])
        #expect(result[0].family.family.name == "vpn-anomaly")
        for r in result[0].recommendations where [.quarantineHost, .disableAccount, .resetCredentials].contains(r.action.kind) {
            #expect(r.decision.tier != .automated, "\(r.action.kind): \(r.decision)")
        }
    }

    @Test func everyExplanationHasAllFiveParts() throws {
        let result = try assess([alert("x", minute: 0, "host:unknown-host", "ip:203.0.113.66", severity: 4, techniques: ["T1071.001"])],
                                intel: [feedIP: 3], assets: [:])
        let e = result[0].explanation
        #expect(!e.indicators.isEmpty)                                                   // (a)
        #expect(e.indicators.contains { $0.name.contains("validated threat-intel feeds listing an entity: 3") })
        #expect(e.confidence > 0.5 && e.modelVersion == "test-model")                   // (b)
        #expect(e.precedents.count == 5 && e.precedents.allSatisfy { !$0.verdict.isEmpty }) // (c)
        #expect(e.limitations.contains { $0.contains("not in the asset inventory: unknown-host") }) // (d)
        #expect(!e.impactOfNotActing.isEmpty && (0...100).contains(e.riskScore))          // (e)
        #expect(result[0].recommendations.allSatisfy { !$0.impactOfActing.isEmpty })
    }

    @Test func findingUpdatesKeepTheProducersFieldsAndAddVigils() throws {
        let result = try assess([alert("c2", minute: 0, "host:ws-017", "ip:203.0.113.66", severity: 5, techniques: ["T1071.001"])],
                                intel: [feedIP: 3], assets: ["ws-017": Asset(hostname: "ws-017", criticality: 1)])
        let raw = #"{"class_uid":2004,"activity_id":1,"type_uid":200401,"finding_info":{"uid":"c2","title":"beacon \"x\""},"vendor_extra":{"a":[1,2,{"b":"}"}]},"enrichments":[{"name":"edr","value":"v"}],"unmapped":{"sensor":"7.1","vigil":{"stale":true}},"remediation":{"desc":"vendor advice"}}"#
        let updated = FindingUpdateWriter().update(raw: raw, assessment: result[0])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(updated.utf8)) as? [String: Any])
        #expect(object["activity_id"] as? Int == 2)
        #expect(object["type_uid"] as? Int == 200402)
        #expect((object["finding_info"] as? [String: Any])?["uid"] as? String == "c2")
        #expect(object["vendor_extra"] != nil, "unknown fields carried through")
        let unmapped = try #require(object["unmapped"] as? [String: Any])
        #expect(unmapped["sensor"] as? String == "7.1", "the producer's unmapped is kept")
        let vigil = try #require(unmapped["vigil"] as? [String: Any])
        #expect(vigil["tier"] as? Int == 1)
        #expect(vigil["stale"] == nil, "an earlier vigil part is replaced")
        #expect((vigil["replaced_remediation"] as? [String: Any])?["desc"] as? String == "vendor advice")
        let explanation = try #require(vigil["explanation"] as? [String: Any])
        for key in ["indicators", "confidence", "model_version", "precedents", "limitations", "impact_of_not_acting"] {
            #expect(explanation[key] != nil, "explanation.\(key)")
        }
        let enrichments = try #require(object["enrichments"] as? [[String: Any]])
        #expect(enrichments.first?["name"] as? String == "edr")
        #expect(enrichments.contains { $0["name"] as? String == "vigil.threat_intel" })
        #expect((object["remediation"] as? [String: Any])?["desc"] as? String != nil)
        #expect((0...4).contains(object["risk_level_id"] as? Int ?? -1))
    }

    @Test func findingUpdatesHandleOddProducerShapes() throws {
        let result = try assess([alert("c2", minute: 0, "host:ws-017", "ip:203.0.113.66", severity: 5, techniques: ["T1071.001"])],
                                intel: [feedIP: 3], assets: ["ws-017": Asset(hostname: "ws-017", criticality: 1)])
        let writer = FindingUpdateWriter()
        for raw in [#"{"enrichments":[],"unmapped":"vendor text"}"#, #"{"enrichments":{"x":1},"activity_id":1}"#, #"{}"#] {
            let updated = writer.update(raw: raw, assessment: result[0])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(updated.utf8)) as? [String: Any], "\(updated.prefix(200))")
            let enrichments = try #require(object["enrichments"] as? [Any])
            #expect(enrichments.contains { ($0 as? [String: Any])?["name"] as? String == "vigil.threat_intel" })
            let unmapped = try #require(object["unmapped"] as? [String: Any])
            #expect(unmapped["vigil"] != nil)
            if raw.contains("vendor text") { #expect(unmapped["original"] as? String == "vendor text", "a non-object unmapped is kept") }
            if raw.contains("\"x\"") { #expect(enrichments.contains { ($0 as? [String: Any])?["x"] as? Int == 1 }, "a non-array enrichments is kept as an item") }
            #expect(object["activity_id"] as? Int == 2)
        }
    }

    @Test func jsonFieldsFindTopLevelMembersOnly() {
        let text = Array(#"{ "a" : 1, "b":{"a":2,"s":"}\"{"}, "c":[1,{"d":3}], "e":"x\\" }"#.utf8)
        let members = JSONFields.members(of: text)!
        #expect(members.map(\.key) == ["a", "b", "c", "e"])
        #expect(String(decoding: text[members[1].value], as: UTF8.self) == #"{"a":2,"s":"}\"{"}"#)
        #expect(String(decoding: text[members[3].value], as: UTF8.self) == #""x\\""#)
        #expect(JSONFields.members(of: Array("[1,2]".utf8)) == nil)
    }
}

/// The recommender as first written (Sets, sorts and Foundation formatting per incident,
/// one thread), run on the same featurizer, model and policy: the oracle the current one
/// must equal, assessment for assessment, text for text.
func referenceAssess(_ r: Recommender, _ incidents: [Incident], now: Date) throws -> [IncidentAssessment] {
    if incidents.isEmpty { return [] }
    let (vectors, contexts) = try r.featurizer.vectors(for: incidents)
    let p = try r.model.logistic.scores(vectors)
    let found = try r.precedents.nearest(to: vectors, k: max(r.precedentsShown, r.model.k))
    let contributions = try r.model.logistic.contributions(vectors, top: r.topIndicators)
    return incidents.indices.map { i in
        let incident = incidents[i], context = contexts[i]
        let neighbours = r.precedents.neighbors(in: found, query: i)
        let vote = ConfidenceModel.vote(Array(neighbours.prefix(r.model.k)))
        let confidence = r.model.combine(logistic: p[i], vote: vote)
        var family = r.playbooks.bestFamily(for: incident.alerts[0])
        for alert in incident.alerts.dropFirst() {
            let match = r.playbooks.bestFamily(for: alert)
            if match.basis > family.basis { family = match }
        }
        func target(for kind: ActionKind) -> EntityKey? {
            guard let wanted = kind.target else { return nil }
            var candidates = incident.entities.filter { $0.kind == wanted }
            if wanted == .ip { candidates = candidates.filter { !Featurizer.isPrivateText($0.value) } }
            if wanted == .host, let host = context.asset?.hostname, let key = EntityKey(.host, host), candidates.contains(key) { return key }
            return candidates.sorted { a, b in
                let (ca, cb) = (context.intelHits[a] ?? -1, context.intelHits[b] ?? -1)
                return ca != cb ? ca > cb : a < b
            }.first
        }
        var recommendations: [Recommendation] = []
        for action in family.family.actions {
            let target = target(for: action.kind)
            if action.kind.target != nil && target == nil { continue }
            var asset = context.asset
            if let target, target.kind == .host {
                asset = r.featurizer.assets?.asset(hostname: target.value, ip: nil) ?? (context.asset?.hostname == target.value ? context.asset : nil)
            }
            let corroboration = target.map { context.intelHits[$0] ?? 0 } ?? context.corroboration
            let decision = referenceTier(r.policy, TierRequest(action: action.kind, confidence: Double(confidence),
                                                               corroboration: corroboration, asset: asset, now: now))
            let radius = referenceBlastRadius(action.kind, action.blastRadius, asset)
            let undo = action.reversible ? "reversible" + (action.rollback.map { " (rollback: \($0))" } ?? "") : "NOT reversible"
            recommendations.append(Recommendation(action: action, target: target, decision: decision, impactOfActing: "\(radius); \(undo)"))
        }
        let severity = incident.maxSeverity
        let risk = Int((Double(confidence) * Double(min(severity, 5)) / 5 * 100).rounded())
        var notes = family.family.limitations
        let similar = neighbours.filter { $0.similarity >= r.similarThreshold }.count
        if similar < r.minimumSimilar {
            notes.append("few similar precedents: \(similar) closed case\(similar == 1 ? "" : "s") at similarity ≥ \(r.similarThreshold)")
        }
        if let nearest = neighbours.first?.similarity, nearest < r.outOfDistributionSimilarity {
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
        let explanation = Explanation(
            indicators: contributions[i].map { c in
                Explanation.Indicator(name: r.featurizer.describe(column: c.feature, incident: incident, context: context), contribution: c.value, column: c.feature)
            },
            confidence: confidence, logisticProbability: p[i], precedentVote: vote, modelVersion: r.modelVersion,
            precedents: neighbours.prefix(r.precedentsShown).map { n in
                let c = r.cases[n.row]
                return Explanation.Precedent(incidentID: c.incidentID, title: c.title, similarity: n.similarity, verdict: c.verdictName, actionTaken: c.actionTaken)
            },
            limitations: notes,
            impactOfNotActing: String(format: "%@ severity × %.0f%% likelihood: %@", Featurizer.severityName(severity), Double(confidence) * 100,
                                      risk >= 60 ? "likely harm if left alone" : risk >= 25 ? "possible harm; worth a look" : "little expected harm"),
            riskScore: risk)
        return IncidentAssessment(incident: incident, context: context, family: family, recommendations: recommendations, explanation: explanation)
    }
}

/// `BlastRadiusEstimate` text as first written.
private func referenceBlastRadius(_ action: ActionKind, _ radius: BlastRadiusKind, _ asset: Asset?) -> String {
    let estimate = BlastRadiusEstimate(action: action, radius: radius, asset: asset)
    guard radius != .none, let asset else { return "blast radius \(estimate.level)/4: \(estimate.reason)" }
    let verb = BlastRadiusEstimate.verb(action)
    let n = asset.dependants.count
    let tags = asset.tags.sorted().joined(separator: ", ")
    let detail = "criticality \(asset.criticality)" + (tags.isEmpty ? "" : ", \(tags)") + "; \(n) dependant" + (n == 1 ? "" : "s")
    let reason = radius == .entity
        ? "\(verb) for \(TierRule.label(asset)) (\(detail)): one indicator blocked, the host keeps running"
        : "\(verb) of \(TierRule.label(asset)) (\(detail))"
    return "blast radius \(estimate.level)/4: \(reason)"
}

struct RecommenderAgainstReferenceTests {
    let now = ISO8601DateFormatter().date(from: "2026-12-03T12:00:00Z")!

    /// A recommender over generated incidents: the example policy and playbooks, the
    /// generated featurizer, a hand-set model and a few hundred precedents (so explanations
    /// see near and far cases).
    func recommender() throws -> Recommender {
        let featurizer = try generatedFeaturizer()
        let schema = featurizer.schema
        var weights = [Float](repeating: 0, count: schema.width)
        weights[schema.column(.validatedFeeds)] = 6
        weights[schema.column(.maxSeverity)] = 3
        weights[schema.column(.detectorConfidence)] = 2
        weights[schema.column(.unknownAsset)] = -1
        let logistic = try LogisticModel(weights: weights, bias: -4, featureSchemaID: schema.id)
        let blend = try LogisticModel(weights: [1, 0.5], bias: 0, featureSchemaID: "vigil-blend-v1")
        let history = try generatedIncidents(count: 900, seed: 77)
        let (vectors, _) = try featurizer.vectors(for: history)
        var precedents = PrecedentIndex(dimension: schema.width)
        try precedents.append(vectors, ids: history.map(\.id), labels: history.indices.map { Int32([2, 1, 5, 0][$0 % 4]) })
        let cases = history.indices.map { PrecedentCase(incidentID: history[$0].id, title: history[$0].alerts[0].title, verdictID: [2, 1, 5, 0][$0 % 4],
                                                         actionTaken: $0 % 3 == 0 ? "block_ip" : nil, lastSeenMs: history[$0].lastMs) }
        return Recommender(featurizer: featurizer, model: ConfidenceModel(logistic: logistic, k: 5, blend: blend, calibration: PlattCalibration()),
                           precedents: precedents, cases: cases, policy: try TierPolicy(contentsOf: DefaultConfiguration.tierPolicyPath),
                           playbooks: try PlaybookCatalogue(contentsOf: DefaultConfiguration.playbooksPath), modelVersion: "generated")
    }

    @Test(arguments: [1, 2])
    func assessmentsEqualTheReference(seed: UInt64) throws {
        let r = try recommender()
        let incidents = try generatedIncidents(count: 2000, seed: seed)
        let assessed = try r.assess(incidents, now: now)
        let expected = try referenceAssess(r, incidents, now: now)
        #expect(assessed.count == expected.count)
        for (a, e) in zip(assessed, expected) {
            #expect(a.family == e.family, "\(a.incident.id)")
            #expect(a.recommendations == e.recommendations, "\(a.incident.id)")
            #expect(a.explanation == e.explanation, "\(a.incident.id)")
            #expect(a == e)
        }
        // The generated day exercises what the texts depend on.
        #expect(assessed.contains { $0.recommendations.contains { $0.decision.ruleName == nil } })
        #expect(assessed.contains { $0.recommendations.contains { $0.target?.kind == .ip } })
        #expect(assessed.contains { $0.explanation.limitations.contains { $0.hasPrefix("missing fields") } })
        #expect(Set(assessed.map(\.family.family.name)).count >= 5)
    }

    @Test func assessmentsDoNotDependOnTheThreads() throws {
        var r = try recommender()
        let incidents = try generatedIncidents(count: 3000, seed: 4)
        r.threads = 1
        let one = try r.assess(incidents, now: now)
        for threads in [2, 3, 16] {
            r.threads = threads
            #expect(try r.assess(incidents, now: now) == one, "\(threads) threads")
        }
        // The family memo carries over from batch to batch without changing what it answers.
        // (Only families and targets are compared: precedent similarities depend on how
        // the batch is tiled for the search.)
        var batched: [IncidentAssessment] = []
        for start in stride(from: 0, to: incidents.count, by: 97) {
            batched += try r.assess(Array(incidents[start..<min(start + 97, incidents.count)]), now: now)
        }
        #expect(batched.map(\.family) == one.map(\.family))
        #expect(batched.map { $0.recommendations.map(\.target) } == one.map { $0.recommendations.map(\.target) })
        #expect(try r.assess(incidents, now: now) == one, "a second pass, answered from the memo")
        #expect(try r.assess([], now: now).isEmpty)
    }
}
