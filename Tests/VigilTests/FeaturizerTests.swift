import Testing
import Vigil
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
