/// Groups alerts into incidents: two alerts that name the same entity (host, IP, user,
/// file hash, domain, URL) within `window` of each other belong to the same incident, and
/// the relation is transitive (single linkage, union-find over open incidents).
///
/// Streaming: feed batches with `add(_:)`; incidents whose last alert is older than the
/// watermark (latest time seen − window − lateness) are closed and returned, and their
/// state is dropped, so memory tracks the alerts of one window, not the whole stream.
/// Alerts may arrive out of order by up to `lateness`; an alert older than that still
/// correlates with whatever is open, and is never dropped.
///
/// Entities seen in more than `maxAlertsPerEntity` alerts of one window (a DNS resolver,
/// a proxy, a scanner) stop linking — otherwise one busy entity would merge unrelated
/// activity into a single giant incident. They stay in the incidents' entity sets.
public struct Correlator: Sendable {
    /// Correlation window, ms (default 30 minutes).
    public let windowMs: Int64
    /// How far out of time order alerts may arrive, ms (default: one window).
    public let latenessMs: Int64
    /// Entity fan-out above which an entity no longer links alerts.
    public let maxAlertsPerEntity: Int
    /// Entity kinds that link alerts.
    public let linkingKinds: Set<EntityKind>

    private var nextID = 0
    private var parent: [Int: Int] = [:]
    private var open: [Int: Incident] = [:]
    private var lastSeen: [EntityKey: (timeMs: Int64, incident: Int, count: Int, windowStart: Int64)] = [:]
    private var latestMs: Int64 = .min
    /// Entities that exceeded the fan-out limit (for the run summary).
    public private(set) var saturatedEntities: Set<EntityKey> = []

    /// - Throws: `.invalidConfiguration` for a non-positive window, negative lateness or a
    ///   fan-out limit below 2.
    public init(windowMs: Int64 = 30 * 60 * 1000, latenessMs: Int64? = nil, maxAlertsPerEntity: Int = 1000,
                linkingKinds: Set<EntityKind> = Set(EntityKind.allCases)) throws(VigilError) {
        guard windowMs > 0 else { throw .invalidConfiguration(file: "correlation", location: "window", reason: "must be > 0 ms, got \(windowMs)") }
        guard (latenessMs ?? 0) >= 0 else { throw .invalidConfiguration(file: "correlation", location: "lateness", reason: "must be >= 0 ms") }
        guard maxAlertsPerEntity >= 2 else { throw .invalidConfiguration(file: "correlation", location: "max_alerts_per_entity", reason: "must be >= 2, got \(maxAlertsPerEntity)") }
        self.windowMs = windowMs
        self.latenessMs = latenessMs ?? windowMs
        self.maxAlertsPerEntity = maxAlertsPerEntity
        self.linkingKinds = linkingKinds
    }

    /// Number of incidents still open.
    public var openCount: Int { open.count }

    /// Adds a batch (any order; processed in time order) and returns the incidents that
    /// closed because the stream moved past them.
    /// - Complexity: O(alerts × entities) amortised (near-constant union-find steps).
    public mutating func add(_ alerts: [Alert]) -> [Incident] {
        for alert in alerts.sorted(by: { $0.timeMs < $1.timeMs }) { add(alert) }
        return closeExpired()
    }

    /// Closes and returns every open incident (end of input), in order of first alert.
    public mutating func finish() -> [Incident] {
        let all = open.values.sorted { ($0.firstMs, $0.id) < ($1.firstMs, $1.id) }
        open.removeAll()
        parent.removeAll()
        lastSeen.removeAll()
        return all
    }

    private mutating func add(_ alert: Alert) {
        latestMs = max(latestMs, alert.timeMs)
        let id = nextID
        nextID += 1
        parent[id] = id
        let incident = Incident(id: "inc-" + alert.uid, alerts: [alert], entities: Set(alert.entities), linkingEntities: [])
        var root = id
        open[id] = incident
        for entity in Set(alert.entities) where linkingKinds.contains(entity.kind) {
            if var seen = lastSeen[entity] {
                let within = abs(alert.timeMs - seen.timeMs) <= windowMs
                if alert.timeMs - seen.windowStart > windowMs {
                    seen.count = 0
                    seen.windowStart = alert.timeMs
                }
                seen.count += 1
                if seen.count > maxAlertsPerEntity { saturatedEntities.insert(entity) }
                if within && seen.count <= maxAlertsPerEntity, let other = find(seen.incident) {
                    if other != root {
                        root = union(root, other, via: entity)
                    } else {
                        open[root]!.linkingEntities.insert(entity)
                    }
                }
                seen.timeMs = max(seen.timeMs, alert.timeMs)
                seen.incident = root
                lastSeen[entity] = seen
            } else {
                lastSeen[entity] = (alert.timeMs, root, 1, alert.timeMs)
            }
        }
    }

    /// The open root of `id`, or nil if its incident already closed.
    private mutating func find(_ id: Int) -> Int? {
        guard var current = parent[id] else { return nil }
        var path: [Int] = []
        while let next = parent[current], next != current {
            path.append(current)
            current = next
        }
        for p in path { parent[p] = current }
        return open[current] == nil ? nil : current
    }

    /// Merges two open incidents (the smaller into the larger); returns the new root.
    private mutating func union(_ a: Int, _ b: Int, via entity: EntityKey) -> Int {
        let (big, small) = open[a]!.alerts.count >= open[b]!.alerts.count ? (a, b) : (b, a)
        let target = open.removeValue(forKey: big)!, source = open.removeValue(forKey: small)!
        let alerts = merge(target.alerts, source.alerts)
        // The id follows the earliest alert, whichever side it came from.
        open[big] = Incident(id: "inc-" + alerts[0].uid, alerts: alerts,
                             entities: target.entities.union(source.entities),
                             linkingEntities: target.linkingEntities.union(source.linkingEntities).union([entity]))
        parent[small] = big
        return big
    }

    private func merge(_ a: [Alert], _ b: [Alert]) -> [Alert] {
        var result: [Alert] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].timeMs <= b[j].timeMs) { result.append(a[i]); i += 1 } else { result.append(b[j]); j += 1 }
        }
        return result
    }

    /// Closes incidents whose last alert is older than latest − window − lateness, and
    /// forgets entities last seen before then.
    private mutating func closeExpired() -> [Incident] {
        guard latestMs != .min else { return [] }
        let watermark = latestMs - windowMs - latenessMs
        var closed: [Incident] = []
        for (id, incident) in open where incident.lastMs < watermark {
            closed.append(incident)
            open[id] = nil
        }
        if !closed.isEmpty {
            lastSeen = lastSeen.filter { $0.value.timeMs >= watermark }
            // Keep only union-find entries that still lead to an open incident.
            var kept: [Int: Int] = [:]
            for id in parent.keys {
                var root = id
                while let next = parent[root], next != root { root = next }
                if open[root] != nil { kept[id] = root }
            }
            parent = kept
        }
        return closed.sorted { ($0.firstMs, $0.id) < ($1.firstMs, $1.id) }
    }
}
