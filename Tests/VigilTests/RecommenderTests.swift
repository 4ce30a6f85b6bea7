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
