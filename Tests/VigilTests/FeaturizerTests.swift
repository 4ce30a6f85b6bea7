import Foundation
import Testing
@testable import Vigil
import VigilEngine

struct FakeIntel: IntelLookup {
    let validated: [EntityKey: Int]
    func corroboration(of entity: EntityKey) -> Int { validated[entity] ?? 0 }
    func isListed(_ entity: EntityKey) -> Bool { validated[entity] != nil }
}

struct FakeAssets: AssetLookup {
    let byHost: [String: Asset]
    func asset(hostname: String?, ip: String?) -> Asset? { hostname.flatMap { byHost[$0] } }
}

struct FeaturizerTests {
    @Test func schemaCoversEveryColumnOnce() throws {
        for width in [39, 64, 128, 256] {
            let schema = try FeatureSchema(width: width)
            var covered = [Int](repeating: 0, count: width)
            for i in 0..<FeatureSchema.Numeric.allCases.count { covered[i] += 1 }
            for range in schema.blocks.values { for i in range { covered[i] += 1 } }
            #expect(covered.allSatisfy { $0 == 1 }, "width \(width)")
            #expect(schema.id == "vigil-incident-v1-w\(width)")
        }
        #expect(throws: VigilError.self) { _ = try FeatureSchema(width: 30) }
    }

    @Test func indicatorsReflectTheIncidentItsAssetsAndIntel() throws {
        var c = try Correlator()
        let incidents = c.add([
            alert("a", minute: 0, "host:pay-01", "ip:198.51.100.7", severity: 5, techniques: ["T1071.001"]),
            alert("b", minute: 3, "host:pay-01", "file_hash:abc", severity: 3, techniques: ["T1573"]),
        ]) + c.finish()
        let payment = Asset(hostname: "pay-01", criticality: 4, tags: ["payment"])
        let featurizer = Featurizer(schema: try FeatureSchema(), intel: FakeIntel(validated: [EntityKey(.ip, "198.51.100.7")!: 3]),
                                    assets: FakeAssets(byHost: ["pay-01": payment]))
        let (m, contexts) = try featurizer.vectors(for: incidents)
        let s = featurizer.schema
        #expect(m.rows == 1 && m.columns == 128)
        #expect(m[0, s.column(.maxSeverity)] == Float(5) / 6)
        #expect(m[0, s.column(.criticalSeverity)] == 1)
        #expect(m[0, s.column(.validatedFeeds)] == 1)
        #expect(m[0, s.column(.assetCriticality)] == 1)
        #expect(m[0, s.column(.paymentAsset)] == 1)
        #expect(m[0, s.column(.executiveAsset)] == 0)
        #expect(m[0, s.column(.externalIP)] == 1)
        #expect(m[0, s.column(.fileHashPresent)] == 1)
        #expect(m[0, s.column(.technique, value: "T1071")] == 1, "sub-techniques count as their parent")
        #expect(contexts[0].asset == payment)
        #expect(contexts[0].corroboration == 3)
        #expect(contexts[0].corroboratedEntity == EntityKey(.ip, "198.51.100.7"))
        let described = featurizer.describe(column: s.column(.validatedFeeds), incident: incidents[0], context: contexts[0])
        #expect(described == "validated threat-intel feeds listing an entity: 3 (ip:198.51.100.7)")
        #expect(featurizer.describe(column: s.column(.technique, value: "T1573"), incident: incidents[0], context: contexts[0]).contains("ATT&CK technique T1573"))
    }

    @Test func unknownHostsAreFlagged() throws {
        var c = try Correlator()
        let incidents = c.add([alert("a", minute: 0, "host:mystery")]) + c.finish()
        let featurizer = Featurizer(schema: try FeatureSchema(), assets: FakeAssets(byHost: [:]))
        let (m, contexts) = try featurizer.vectors(for: incidents)
        #expect(m[0, featurizer.schema.column(.unknownAsset)] == 1)
        #expect(contexts[0].unknownHosts == ["mystery"])
    }

    @Test func heavyTailedCountsStayInRange() throws {
        var c = try Correlator(maxAlertsPerEntity: 100_000)
        let many = (0..<5000).map { alert("x\($0)", minute: $0 / 500, "host:h\($0)", "domain:evil.example") }
        let incidents = c.add(many) + c.finish()
        let (m, _) = try Featurizer(schema: try FeatureSchema()).vectors(for: incidents)
        #expect(m.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
}

/// A generated stream of alerts with what the featurizer and recommender look at varied:
/// several detections (some repeating within an incident), techniques with and without
/// sub-techniques, mixed-case products, rules by uid or by name only, missing fields,
/// detector confidences, hosts in and out of an inventory, private and external IPs,
/// hashes, users, domains; times spread so the correlator makes incidents of 1 to ~20.
func generatedAlerts(count: Int, seed: UInt64) -> [Alert] {
    var g = SeededRandom(seed: seed)
    let detections: [(title: String, uid: String?, name: String?, techniques: [String], tactics: [String])] = [
        ("Periodic beacon to rare domain", "R-100", "beacon-detector", ["T1071.001"], ["TA0011"]),
        ("Suspicious email attachment opened", nil, "phish-attachment", ["T1566.001", "T1204.002"], ["TA0001", "TA0002"]),
        ("LSASS memory read", "R-300", nil, ["T1003.001"], ["TA0006"]),
        ("Encoded PowerShell command", "R-400", "powershell-encoded", ["T1059.001", "T1027"], ["TA0002", "TA0005"]),
        ("Impossible travel sign-in", nil, nil, ["T1078"], ["TA0001"]),
        ("Large upload to cloud storage", "R-600", "exfil-volume", ["T1567.002"], ["TA0010"]),
        ("Unusual service install", "R-700", "svc", [], []),
    ]
    let products = ["EDR", "edr", "Mail Gateway", "IdP", "NDR"]
    let missing = ["observables", "device", "actor.user", "finding_info.analytic"]
    return (0..<count).map { i in
        let d = g.pick(detections)
        var entities: [EntityKey] = []
        let host = g.below(40)
        entities.append(EntityKey(.host, "ws-\(host)")!)
        if g.chance(0.5) { entities.append(EntityKey(.ip, "10.1.\(host / 10).\(host)")!) }
        if g.chance(0.4) { entities.append(EntityKey(.ip, "203.0.113.\(g.below(12))")!) }
        if g.chance(0.2) { entities.append(EntityKey(.ip, "198.51.100.\(g.below(4))")!) }
        if g.chance(0.3) { entities.append(EntityKey(.user, "user\(g.below(15))")!) }
        if g.chance(0.2) { entities.append(EntityKey(.fileHash, String(repeating: "ab", count: 16) + String(g.below(6)))!) }
        if g.chance(0.3) { entities.append(EntityKey(.domain, "c2-\(g.below(6)).example")!) }
        return Alert(uid: "g\(seed)-\(i)", title: d.title, timeMs: 1_795_478_400_000 + Int64(i) * 20_000 + Int64(g.below(15_000)),
                     severityID: g.pick([0, 1, 2, 3, 4, 5, 6, 99]), productName: g.pick(products), schemaVersion: "1.3.0",
                     analyticUID: d.uid, analyticName: d.name, techniques: d.techniques, tactics: d.tactics,
                     confidenceID: g.chance(0.5) ? g.pick([0, 1, 2, 3, 99]) : nil,
                     confidenceScore: g.chance(0.3) ? g.below(130) - 10 : nil, entities: entities,
                     deviceHostname: "ws-\(host)", missingFields: g.chance(0.3) ? [g.pick(missing), g.pick(missing)] : [],
                     sourceLine: i + 1)
    }
}

/// Incidents correlated from `generatedAlerts`.
func generatedIncidents(count: Int, seed: UInt64) throws -> [Incident] {
    var c = try Correlator()
    return c.add(generatedAlerts(count: count, seed: seed)) + c.finish()
}

/// The featurizer over generated incidents, with intel on some entities and an inventory
/// that knows some hosts and IPs.
func generatedFeaturizer() throws -> Featurizer {
    var intel: [EntityKey: Int] = [:]
    for i in 0..<12 { intel[EntityKey(.ip, "203.0.113.\(i)")!] = i % 4 }
    for i in 0..<6 { intel[EntityKey(.domain, "c2-\(i).example")!] = i % 3 }
    intel[EntityKey(.fileHash, String(repeating: "ab", count: 16) + "1")!] = 2
    var hosts: [String: Asset] = [:]
    for h in stride(from: 0, to: 40, by: 3) {
        hosts["ws-\(h)"] = Asset(hostname: "ws-\(h)", criticality: h % 5, tags: h % 9 == 0 ? ["payment", "PCI"] : h % 4 == 0 ? ["executive"] : [],
                                 dependants: (0..<(h % 12)).map { "svc\($0)" })
    }
    return Featurizer(schema: try FeatureSchema(), intel: FakeIntel(validated: intel), assets: FakeAssets(byHost: hosts))
}

struct FeaturizerAgainstReferenceTests {
    @Test(arguments: [1, 2, 3])
    func vectorsAndContextsEqualTheReference(seed: UInt64) throws {
        let incidents = try generatedIncidents(count: 1500, seed: seed)
        let featurizer = try generatedFeaturizer()
        let (m, contexts) = try featurizer.vectors(for: incidents)
        #expect(incidents.count > 100 && incidents.contains { $0.alerts.count > 5 })
        for (i, incident) in incidents.enumerated() {
            let context = referenceContext(featurizer, incident)
            #expect(contexts[i] == context, "\(incident.id)")
            #expect(m.row(i) == referenceRow(featurizer, incident, context), "\(incident.id)")
            for column in 0..<featurizer.schema.width {
                #expect(featurizer.describe(column: column, incident: incident, context: context)
                        == referenceDescribe(featurizer, column, incident, context))
            }
        }
    }

    @Test func vectorsDoNotDependOnTheThreads() throws {
        let incidents = try generatedIncidents(count: 4000, seed: 5)
        var featurizer = try generatedFeaturizer()
        featurizer.threads = 1
        let (one, oneContexts) = try featurizer.vectors(for: incidents)
        for threads in [2, 3, 8] {
            featurizer.threads = threads
            let (m, contexts) = try featurizer.vectors(for: incidents)
            #expect(m == one && contexts == oneContexts, "\(threads) threads")
        }
        let (empty, none) = try featurizer.vectors(for: [])
        #expect(empty.rows == 0 && empty.columns == featurizer.schema.width && none.isEmpty)
    }

    static let addresses = ["10.0.0.1", "10.a.1.2.3", "172.16.0.1", "172.31.255.255", "172.32.0.1", "172.15.0.1", "192.168.1.1",
                            "192.169.1.1", "169.254.0.1", "169.253.0.1", "127.0.0.1", "+10.1.1.1", "-10.1.1.1", "10..1.1.1", ".10.1.1.1",
                            "10.1.1", "10.1.1.1.", "10.1.1.1.1", "99999999999999999999.1.2.3", "10.1.1.1\r\n", "\r\n10.1.1.1",
                            "fc00::1", "fd12::", "fe80::1", "FE80::1", "::1", "::1 ", "::2", "f", "fc", ":", "1.2.3.4", "", ".", "...",
                            "10.0.0.é", "١٠.1.1.1", "10。0.0.1", "0010.1.1.1", "-0.1.1.1", "9223372036854775807.1.1.1",
                            "-9223372036854775808.1.1.1", "9223372036854775808.1.1.1", "10.+1.1.1", "10.-.1.1", "10.1.1.1a"]

    @Test func privateAddressesMatchTheGeneralReading() {
        var g = SeededRandom(seed: 3)
        var cases = Self.addresses
        for _ in 0..<20_000 {
            let alphabet = Array("0123456789..+-:afc \r\n1")
            cases.append(String((0..<(1 + g.below(14))).map { _ in g.pick(alphabet) }))
        }
        for ip in cases {
            #expect(Featurizer.isPrivate(ip) == referenceIsPrivate(ip), "\(ip.debugDescription)")
        }
        #expect(Featurizer.isPrivate("10.0.0.1") && Featurizer.isPrivate("fd00::1") && !Featurizer.isPrivate("203.0.113.5"))
    }

    @Test func parentTechniquesMatchTheGeneralReading() {
        for id in ["T1071", "T1071.001", ".T1071", "T1071.", "..", "", "T1059.001.x", "Té.1", "t1566.*", ".", "T1.2.3"] {
            #expect(Featurizer.parentTechnique(id) == (id.split(separator: ".").first.map(String.init) ?? id), "\(id)")
        }
    }

    // The featurizer as first written, building Sets per incident.

    private func referenceIsPrivate(_ ip: String) -> Bool {
        if ip.contains(":") { return ip.hasPrefix("fc") || ip.hasPrefix("fd") || ip.hasPrefix("fe80") || ip == "::1" }
        let p = ip.split(separator: ".").compactMap { Int($0) }
        guard p.count == 4 else { return false }
        return p[0] == 10 || p[0] == 127 || (p[0] == 172 && (16...31).contains(p[1])) || (p[0] == 192 && p[1] == 168) || (p[0] == 169 && p[1] == 254)
    }

    private func referenceParent(_ id: String) -> String { id.split(separator: ".").first.map(String.init) ?? id }

    private func referenceContext(_ f: Featurizer, _ incident: Incident) -> Featurizer.Context {
        var best: Asset?
        var unknown: [String] = []
        for host in incident.hosts.sorted() {
            if let a = f.assets?.asset(hostname: host, ip: nil) {
                if best.map({ a.criticality > $0.criticality }) ?? true { best = a }
            } else {
                unknown.append(host)
            }
        }
        for ip in incident.entities.filter({ $0.kind == .ip }).map(\.value).sorted() {
            if let a = f.assets?.asset(hostname: nil, ip: ip), best.map({ a.criticality > $0.criticality }) ?? true { best = a }
        }
        var hits: [EntityKey: Int] = [:]
        var top = 0
        var topEntity: EntityKey?
        if let intel = f.intel {
            for entity in incident.entities.sorted() where intel.isListed(entity) {
                let n = intel.corroboration(of: entity)
                hits[entity] = n
                if n > top || topEntity == nil { top = max(top, n); topEntity = entity }
            }
        }
        return Featurizer.Context(asset: best, unknownHosts: unknown, corroboration: top, corroboratedEntity: topEntity, intelHits: hits)
    }

    private func referenceRow(_ f: Featurizer, _ incident: Incident, _ context: Featurizer.Context) -> [Float] {
        let schema = f.schema
        var v = [Float](repeating: 0, count: schema.width)
        func set(_ n: FeatureSchema.Numeric, _ value: Float) { v[schema.column(n)] = value }
        func logScaled(_ count: Int, ceiling: Float) -> Float { min(1, log1p(Float(count)) / log1p(ceiling)) }
        let alerts = incident.alerts
        set(.maxSeverity, Float(incident.maxSeverity) / 6)
        set(.alertCount, logScaled(alerts.count, ceiling: 1000))
        set(.techniqueCount, logScaled(incident.techniques.count, ceiling: 20))
        set(.tacticCount, logScaled(incident.tactics.count, ceiling: 14))
        set(.hostCount, logScaled(incident.hosts.count, ceiling: 1000))
        set(.userCount, logScaled(incident.users.count, ceiling: 1000))
        set(.timeSpan, logScaled(Int((incident.lastMs - incident.firstMs) / 60_000), ceiling: 1440))
        set(.detectorConfidence, alerts.map { a -> Float in
            if let s = a.confidenceScore { return Float(min(max(s, 0), 100)) / 100 }
            if let c = a.confidenceID, (1...3).contains(c) { return Float(c) / 3 }
            return 0
        }.max() ?? 0)
        set(.validatedFeeds, min(1, Float(context.corroboration) / 3))
        set(.unvalidatedIntelHit, context.intelHits.values.contains(0) ? 1 : 0)
        set(.entitiesWithIntel, logScaled(context.intelHits.count, ceiling: 20))
        set(.assetCriticality, Float(context.asset?.criticality ?? 0) / 4)
        set(.unknownAsset, context.asset == nil && !incident.hosts.isEmpty ? 1 : 0)
        let tags = context.asset?.tags ?? []
        set(.paymentAsset, tags.contains("payment") ? 1 : 0)
        set(.executiveAsset, tags.contains("executive") ? 1 : 0)
        set(.domainControllerAsset, tags.contains("domain-controller") ? 1 : 0)
        set(.missingFields, min(1, Float(alerts.map(\.missingFields.count).reduce(0, +)) / Float(max(alerts.count, 1)) / 4))
        set(.productCount, logScaled(Set(alerts.map(\.productName)).count, ceiling: 10))
        set(.criticalSeverity, incident.maxSeverity >= 5 ? 1 : 0)
        set(.offHours, Float(alerts.filter { !(7..<19).contains(Featurizer.utcHour($0.timeMs)) }.count) / Float(max(alerts.count, 1)))
        set(.entityCount, logScaled(incident.entities.count, ceiling: 1000))
        set(.fileHashPresent, incident.entities.contains { $0.kind == .fileHash } ? 1 : 0)
        set(.externalIP, incident.entities.contains { $0.kind == .ip && !referenceIsPrivate($0.value) } ? 1 : 0)
        for t in incident.techniques { v[schema.column(.technique, value: referenceParent(t))] = 1 }
        for t in incident.tactics { v[schema.column(.tactic, value: t)] = 1 }
        for a in alerts { if let rule = a.analyticUID ?? a.analyticName { v[schema.column(.analytic, value: rule)] = 1 } }
        for a in alerts { v[schema.column(.product, value: a.productName.lowercased())] = 1 }
        return v
    }

    private func referenceDescribe(_ f: Featurizer, _ index: Int, _ incident: Incident, _ context: Featurizer.Context) -> String {
        let schema = f.schema
        if index < FeatureSchema.Numeric.allCases.count { return f.describe(column: index, incident: incident, context: context) }
        for (block, range) in schema.blocks where range.contains(index) {
            let values: [String]
            switch block {
            case .technique: values = incident.techniques.map(referenceParent)
            case .tactic: values = Array(incident.tactics)
            case .analytic: values = incident.alerts.compactMap { $0.analyticUID ?? $0.analyticName }
            case .product: values = incident.alerts.map { $0.productName.lowercased() }
            }
            let here = Set(values.filter { schema.column(block, value: $0) == index }).sorted()
            return here.isEmpty ? schema.name(ofColumn: index) : "\(block.rawValue) \(here.joined(separator: ", "))"
        }
        return schema.name(ofColumn: index)
    }
}

struct ParallelChunksTests {
    @Test(arguments: [0, 1, 7, 8, 9, 31, 1000])
    func mapIsInInputOrderWhateverTheThreads(count: Int) {
        for threads in [1, 2, 3, 8] {
            for minimum in [1, 64] {
                // Each chunk's state counts the items it has seen: the values show that every
                // chunk is contiguous and starts from a fresh state.
                let out = ParallelChunks.map(count: count, threads: threads, minimumChunk: minimum, state: { 0 }) { i, seen in
                    seen += 1
                    return (i * i, seen)
                }
                #expect(out.map(\.0) == (0..<count).map { $0 * $0 }, "\(count) items, \(threads) threads, minimum \(minimum)")
                let ranges = ParallelChunks.ranges(count: count, threads: threads, minimumChunk: minimum)
                #expect(out.map(\.1) == ranges.flatMap { r in (1...max(1, r.count)).prefix(r.count) })
                #expect(ranges.count <= threads && ranges.reduce(0) { $0 + $1.count } == count)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                #expect(count == 0 || ranges.count == 1 || ranges.allSatisfy { $0.count >= minimum })
            }
        }
    }
}
