import Foundation
import VigilEngine

/// Threat-intel lookups the featurizer needs (implemented by `ThreatIntel`).
public protocol IntelLookup: Sendable {
    /// Distinct validated feeds listing `entity`.
    func corroboration(of entity: EntityKey) -> Int
    /// Whether any feed (validated or not) lists `entity`.
    func isListed(_ entity: EntityKey) -> Bool
}

/// Asset lookups the featurizer needs (implemented by `AssetInventory`).
public protocol AssetLookup: Sendable {
    func asset(hostname: String?, ip: String?) -> Asset?
}

/// Turns incidents into fixed-width float32 indicator vectors under a `FeatureSchema`,
/// and says in words what drove a column for a given incident.
///
/// Numeric indicators are scaled to about [0, 1] (counts by log1p over a stated ceiling,
/// so heavy-tailed counts do not swamp the rest); categorical values are hashed into their
/// block as presence flags.
public struct Featurizer: Sendable {
    public let schema: FeatureSchema
    public let intel: (any IntelLookup)?
    public let assets: (any AssetLookup)?

    public init(schema: FeatureSchema, intel: (any IntelLookup)? = nil, assets: (any AssetLookup)? = nil) {
        self.schema = schema
        self.intel = intel
        self.assets = assets
    }

    /// What the featurizer learned about an incident beyond its vector, for explanations
    /// and policy: the most critical asset involved and the best intel corroboration.
    public struct Context: Sendable, Equatable {
        /// The most critical known asset the incident touches (nil if none is known).
        public var asset: Asset?
        /// Hosts the inventory does not know.
        public var unknownHosts: [String]
        /// Highest number of distinct validated feeds listing any one entity, and that entity.
        public var corroboration: Int
        public var corroboratedEntity: EntityKey?
        /// Per entity: distinct validated feeds listing it (only entities with hits).
        public var intelHits: [EntityKey: Int]
    }

    /// The indicator vectors of `incidents`, one row each.
    /// - Complexity: O(alerts + entities) per incident.
    public func vectors(for incidents: [Incident]) throws(VigilError) -> (matrix: FeatureMatrix, contexts: [Context]) {
        var values = [Float](repeating: 0, count: incidents.count * schema.width)
        var contexts: [Context] = []
        contexts.reserveCapacity(incidents.count)
        for (i, incident) in incidents.enumerated() {
            let context = self.context(for: incident)
            fill(&values, row: i, incident: incident, context: context)
            contexts.append(context)
        }
        do {
            return (try FeatureMatrix(rows: incidents.count, columns: schema.width, values: values), contexts)
        } catch {
            throw .engine(error)
        }
    }

    /// Asset and intel facts about one incident.
    public func context(for incident: Incident) -> Context {
        var best: Asset?
        var unknown: [String] = []
        for host in incident.hosts.sorted() {
            if let a = assets?.asset(hostname: host, ip: nil) {
                if best.map({ a.criticality > $0.criticality }) ?? true { best = a }
            } else {
                unknown.append(host)
            }
        }
        for ip in incident.entities.filter({ $0.kind == .ip }).map(\.value).sorted() {
            if let a = assets?.asset(hostname: nil, ip: ip), best.map({ a.criticality > $0.criticality }) ?? true { best = a }
        }
        var hits: [EntityKey: Int] = [:]
        var top = 0
        var topEntity: EntityKey?
        if let intel {
            for entity in incident.entities.sorted() where intel.isListed(entity) {
                let n = intel.corroboration(of: entity)
                hits[entity] = n
                if n > top || topEntity == nil { top = max(top, n); topEntity = entity }
            }
        }
        return Context(asset: best, unknownHosts: unknown, corroboration: top, corroboratedEntity: topEntity, intelHits: hits)
    }

    private func fill(_ v: inout [Float], row: Int, incident: Incident, context: Context) {
        let base = row * schema.width
        func set(_ n: FeatureSchema.Numeric, _ value: Float) { v[base + schema.column(n)] = value }
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
        set(.offHours, Float(alerts.filter { !(7..<19).contains(Self.utcHour($0.timeMs)) }.count) / Float(max(alerts.count, 1)))
        set(.entityCount, logScaled(incident.entities.count, ceiling: 1000))
        set(.fileHashPresent, incident.entities.contains { $0.kind == .fileHash } ? 1 : 0)
        set(.externalIP, incident.entities.contains { $0.kind == .ip && !Self.isPrivate($0.value) } ? 1 : 0)
        for t in incident.techniques { v[base + schema.column(.technique, value: Self.parentTechnique(t))] = 1 }
        for t in incident.tactics { v[base + schema.column(.tactic, value: t)] = 1 }
        for a in alerts { if let rule = a.analyticUID ?? a.analyticName { v[base + schema.column(.analytic, value: rule)] = 1 } }
        for a in alerts { v[base + schema.column(.product, value: a.productName.lowercased())] = 1 }
    }

    /// What column `index` meant for `incident`, in words: "ATT&CK technique T1071" rather
    /// than "column 40"; numeric columns carry their value ("validated threat-intel feeds
    /// listing an entity: 3 (ip:198.51.100.7)").
    public func describe(column index: Int, incident: Incident, context: Context) -> String {
        let numericCount = FeatureSchema.Numeric.allCases.count
        if index < numericCount {
            let n = FeatureSchema.Numeric.allCases[index]
            switch n {
            case .validatedFeeds:
                return "\(n.rawValue): \(context.corroboration)" + (context.corroboratedEntity.map { " (\($0))" } ?? "")
            case .alertCount: return "\(n.rawValue): \(incident.alerts.count)"
            case .hostCount: return "\(n.rawValue): \(incident.hosts.count)"
            case .userCount: return "\(n.rawValue): \(incident.users.count)"
            case .techniqueCount: return "\(n.rawValue): \(incident.techniques.count)"
            case .maxSeverity: return "\(n.rawValue): \(Self.severityName(incident.maxSeverity))"
            case .assetCriticality: return "\(n.rawValue): \(context.asset?.criticality ?? 0)" + (context.asset?.hostname.map { " (\($0))" } ?? "")
            default: return n.rawValue
            }
        }
        for (block, range) in schema.blocks where range.contains(index) {
            let values: [String]
            switch block {
            case .technique: values = incident.techniques.map(Self.parentTechnique)
            case .tactic: values = Array(incident.tactics)
            case .analytic: values = incident.alerts.compactMap { $0.analyticUID ?? $0.analyticName }
            case .product: values = incident.alerts.map { $0.productName.lowercased() }
            }
            let here = Set(values.filter { schema.column(block, value: $0) == index }).sorted()
            return here.isEmpty ? schema.name(ofColumn: index) : "\(block.rawValue) \(here.joined(separator: ", "))"
        }
        return schema.name(ofColumn: index)
    }

    static func parentTechnique(_ id: String) -> String {
        id.split(separator: ".").first.map(String.init) ?? id
    }

    static func utcHour(_ ms: Int64) -> Int { Int((ms / 3_600_000) % 24) }

    static func severityName(_ id: Int) -> String {
        ["unknown", "informational", "low", "medium", "high", "critical", "fatal"][min(max(id, 0), 6)]
    }

    /// RFC 1918 / loopback / link-local / ULA addresses count as internal.
    static func isPrivate(_ ip: String) -> Bool {
        if ip.contains(":") { return ip.hasPrefix("fc") || ip.hasPrefix("fd") || ip.hasPrefix("fe80") || ip == "::1" }
        let p = ip.split(separator: ".").compactMap { Int($0) }
        guard p.count == 4 else { return false }
        return p[0] == 10 || p[0] == 127 || (p[0] == 172 && (16...31).contains(p[1])) || (p[0] == 192 && p[1] == 168) || (p[0] == 169 && p[1] == 254)
    }
}
