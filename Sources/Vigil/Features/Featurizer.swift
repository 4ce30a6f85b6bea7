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
    /// Threads `vectors(for:)` spreads a batch over (the output does not depend on it).
    public var threads = Parallelism.defaultThreads

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
    /// - Complexity: O(alerts + entities) per incident, spread over `threads`.
    public func vectors(for incidents: [Incident]) throws(VigilError) -> (matrix: FeatureMatrix, contexts: [Context]) {
        let width = schema.width
        if incidents.isEmpty { return (FeatureMatrix(rows: 0, columns: width), []) }
        var values = [Float](repeating: 0, count: incidents.count * width)
        let contexts = values.withUnsafeMutableBufferPointer { buffer in
            let rows = SendablePointer(base: buffer.baseAddress!)
            return ParallelChunks.map(count: incidents.count, threads: threads, minimumChunk: 256, state: {}) { i, _ in
                var facts = entityFacts(incidents[i])
                let context = self.context(from: &facts)
                fill(UnsafeMutableBufferPointer(start: rows.base + i * width, count: width), incident: incidents[i], context: context,
                     facts: facts)
                return context
            }
        }
        do {
            return (try FeatureMatrix(rows: incidents.count, columns: width, values: values), contexts)
        } catch {
            throw .engine(error)
        }
    }

    /// Asset and intel facts about one incident.
    public func context(for incident: Incident) -> Context {
        var facts = entityFacts(incident)
        return context(from: &facts)
    }

    /// What one pass over an incident's entities finds, for its context and its vector.
    private struct EntityFacts {
        var hosts: [String] = [], ips: [String] = []
        var userCount = 0, fileHashPresent = false, externalIP = false
        /// Validated feeds per listed entity; the most, and the first entity in key order
        /// with that many.
        var intelHits: [EntityKey: Int] = [:], corroboration = 0, corroboratedEntity: EntityKey?
    }

    private func entityFacts(_ incident: Incident) -> EntityFacts {
        var facts = EntityFacts()
        for entity in incident.entities {
            switch entity.kind {
            case .host: facts.hosts.append(entity.value)
            case .ip:
                facts.ips.append(entity.value)
                if !facts.externalIP && !Self.isPrivate(entity.value) { facts.externalIP = true }
            case .user: facts.userCount += 1
            case .fileHash: facts.fileHashPresent = true
            case .domain, .url: break
            }
            if let intel, intel.isListed(entity) {
                let n = intel.corroboration(of: entity)
                facts.intelHits[entity] = n
                if let current = facts.corroboratedEntity, n < facts.corroboration || (n == facts.corroboration && !(entity < current)) {
                    continue
                }
                facts.corroboration = n
                facts.corroboratedEntity = entity
            }
        }
        return facts
    }

    /// The context from an incident's entity facts (sorts the host and IP lists in place).
    private func context(from facts: inout EntityFacts) -> Context {
        var best: Asset?
        var unknown: [String] = []
        // Sorted, so the first of equally critical assets is the same in every run.
        facts.hosts.sort()
        if let assets {
            facts.ips.sort()
            for host in facts.hosts {
                if let a = assets.asset(hostname: host, ip: nil) {
                    if best.map({ a.criticality > $0.criticality }) ?? true { best = a }
                } else {
                    unknown.append(host)
                }
            }
            for ip in facts.ips {
                if let a = assets.asset(hostname: nil, ip: ip), best.map({ a.criticality > $0.criticality }) ?? true { best = a }
            }
        } else {
            unknown = facts.hosts
        }
        return Context(asset: best, unknownHosts: unknown, corroboration: facts.corroboration, corroboratedEntity: facts.corroboratedEntity,
                       intelHits: facts.intelHits)
    }

    /// Writes `incident`'s indicators into `v` (one row, zeroed).
    private func fill(_ v: UnsafeMutableBufferPointer<Float>, incident: Incident, context: Context, facts: EntityFacts) {
        func set(_ n: FeatureSchema.Numeric, _ value: Float) { v[schema.column(n)] = value }
        func logScaled(_ count: Int, ceiling: Float) -> Float { min(1, log1p(Float(count)) / log1p(ceiling)) }
        let severity = incident.maxSeverity
        let hostCount = facts.hosts.count, userCount = facts.userCount
        // One pass over the alerts, read in place (copying an alert retains a dozen
        // strings and arrays); an incident's alerts mostly repeat one detection, so runs
        // of equal technique lists, rules and products are looked at once.
        var detectorConfidence: Float = 0, missing = 0, offHours = 0
        var techniques: [String] = [], tactics: [String] = [], products: [String] = []
        incident.alerts.withUnsafeBufferPointer { alerts in
            for j in alerts.indices {
                let confidence: Float
                if let s = alerts[j].confidenceScore {
                    confidence = Float(min(max(s, 0), 100)) / 100
                } else if let c = alerts[j].confidenceID, (1...3).contains(c) {
                    confidence = Float(c) / 3
                } else {
                    confidence = 0
                }
                detectorConfidence = max(detectorConfidence, confidence)
                missing += alerts[j].missingFields.count
                if !(7..<19).contains(Self.utcHour(alerts[j].timeMs)) { offHours += 1 }
                let repeated = j > 0 && alerts[j].techniques == alerts[j - 1].techniques && alerts[j].tactics == alerts[j - 1].tactics
                if !repeated {
                    for t in alerts[j].techniques where !techniques.contains(t) { techniques.append(t) }
                    for t in alerts[j].tactics where !tactics.contains(t) { tactics.append(t) }
                }
                if j == 0 || alerts[j].productName != alerts[j - 1].productName {
                    let product = alerts[j].productName
                    if !products.contains(product) {
                        products.append(product)
                        v[schema.column(.product, value: product.lowercased())] = 1
                    }
                }
                if let rule = alerts[j].analyticUID ?? alerts[j].analyticName,
                   j == 0 || rule != (alerts[j - 1].analyticUID ?? alerts[j - 1].analyticName) {
                    v[schema.column(.analytic, value: rule)] = 1
                }
            }
        }
        let alertCount = incident.alerts.count
        set(.maxSeverity, Float(severity) / 6)
        set(.alertCount, logScaled(alertCount, ceiling: 1000))
        set(.techniqueCount, logScaled(techniques.count, ceiling: 20))
        set(.tacticCount, logScaled(tactics.count, ceiling: 14))
        set(.hostCount, logScaled(hostCount, ceiling: 1000))
        set(.userCount, logScaled(userCount, ceiling: 1000))
        set(.timeSpan, logScaled(Int((incident.lastMs - incident.firstMs) / 60_000), ceiling: 1440))
        set(.detectorConfidence, detectorConfidence)
        set(.validatedFeeds, min(1, Float(context.corroboration) / 3))
        set(.unvalidatedIntelHit, context.intelHits.values.contains(0) ? 1 : 0)
        set(.entitiesWithIntel, logScaled(context.intelHits.count, ceiling: 20))
        set(.assetCriticality, Float(context.asset?.criticality ?? 0) / 4)
        set(.unknownAsset, context.asset == nil && hostCount > 0 ? 1 : 0)
        let tags = context.asset?.tags ?? []
        set(.paymentAsset, tags.contains("payment") ? 1 : 0)
        set(.executiveAsset, tags.contains("executive") ? 1 : 0)
        set(.domainControllerAsset, tags.contains("domain-controller") ? 1 : 0)
        set(.missingFields, min(1, Float(missing) / Float(max(alertCount, 1)) / 4))
        set(.productCount, logScaled(products.count, ceiling: 10))
        set(.criticalSeverity, severity >= 5 ? 1 : 0)
        set(.offHours, Float(offHours) / Float(max(alertCount, 1)))
        set(.entityCount, logScaled(incident.entities.count, ceiling: 1000))
        set(.fileHashPresent, facts.fileHashPresent ? 1 : 0)
        set(.externalIP, facts.externalIP ? 1 : 0)
        for t in techniques { v[schema.column(.technique, value: Self.parentTechnique(t))] = 1 }
        for t in tactics { v[schema.column(.tactic, value: t)] = 1 }
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
            // The distinct values of the block that hash to `index`, sorted.
            var here: [String] = []
            func consider(_ value: String) {
                if schema.column(block, value: value) == index && !here.contains(value) { here.append(value) }
            }
            // Alerts read in place; a value list equal to the previous alert's adds nothing.
            incident.alerts.withUnsafeBufferPointer { alerts in
                for j in alerts.indices {
                    switch block {
                    case .technique:
                        if j > 0 && alerts[j].techniques == alerts[j - 1].techniques { continue }
                        for t in alerts[j].techniques { consider(Self.parentTechnique(t)) }
                    case .tactic:
                        if j > 0 && alerts[j].tactics == alerts[j - 1].tactics { continue }
                        for t in alerts[j].tactics { consider(t) }
                    case .analytic:
                        if let rule = alerts[j].analyticUID ?? alerts[j].analyticName { consider(rule) }
                    case .product:
                        if j > 0 && alerts[j].productName == alerts[j - 1].productName { continue }
                        consider(alerts[j].productName.lowercased())
                    }
                }
            }
            return here.isEmpty ? schema.name(ofColumn: index) : "\(block.rawValue) \(here.sorted().joined(separator: ", "))"
        }
        return schema.name(ofColumn: index)
    }

    /// `T1071` for `T1071.001`: the first non-empty `.`-separated part.
    static func parentTechnique(_ id: String) -> String {
        // Plain ASCII not starting with a dot (every valid technique id): up to the first dot.
        let dot = id.utf8.withContiguousStorageIfAvailable { b -> Int? in
            guard let first = b.first, first != UInt8(ascii: "."), b.allSatisfy({ $0 < 0x80 }) else { return nil }
            return b.firstIndex(of: UInt8(ascii: ".")) ?? b.count
        } ?? nil
        guard let dot else { return id.split(separator: ".").first.map(String.init) ?? id }
        return dot == id.utf8.count ? id : String(id.utf8.prefix(dot))!
    }

    static func utcHour(_ ms: Int64) -> Int { Int((ms / 3_600_000) % 24) }

    static func severityName(_ id: Int) -> String {
        switch id {
        case ...0: return "unknown"
        case 1: return "informational"
        case 2: return "low"
        case 3: return "medium"
        case 4: return "high"
        case 5: return "critical"
        default: return "fatal"
        }
    }
}
