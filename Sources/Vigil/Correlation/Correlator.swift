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
/// Only an alert's own device and user and its indicators (hashes, domains, URLs, external
/// IPs) link; hosts and internal IPs it merely names are shared infrastructure. An entity
/// seen in more than `maxAlertsPerEntity` alerts of one window (a resolver, a proxy, a
/// scanner; default 100, above a typical phishing wave) stops linking for the rest of the
/// run — otherwise one busy entity would merge unrelated activity into a single giant
/// incident. Such entities stay in the incidents' entity sets.
public struct Correlator: Sendable {
    /// Correlation window, ms (default 30 minutes).
    public let windowMs: Int64
    /// How far out of time order alerts may arrive, ms (default: one window).
    public let latenessMs: Int64
    /// Entity fan-out above which an entity no longer links alerts.
    public let maxAlertsPerEntity: Int
    /// Entity kinds that link alerts.
    public let linkingKinds: Set<EntityKind>
    /// Largest incident a link may create: beyond it, a chain of ordinary activity (an
    /// admin account busy all day) is no longer one thing happening. Links refused for it
    /// are counted in `cappedLinks`.
    public let maxIncidentAlerts: Int
    /// Entities that never link: those common in the closed-case history (installers,
    /// update servers, a resolver), where sharing one says nothing about being related.
    public var commonEntities: Set<EntityKey> = []
    /// Alerts of one device or account per window above which it stops linking for that
    /// window (default 8: an intrusion on one host shows a handful of detections, a noisy
    /// host shows dozens).
    public var maxAlertsPerSubject = 8
    /// Longest time an incident may span, ms (default 1 h): a chain of alerts each within
    /// the window of the last (a user busy all day) would otherwise grow without end.
    public let maxIncidentSpanMs: Int64
    /// Links not made because the merged incident would exceed `maxIncidentAlerts` or
    /// `maxIncidentSpanMs`.
    public private(set) var cappedLinks = 0

    private var nextID = 0
    private var parent: [Int: Int] = [:]
    private var open: [Int: Incident] = [:]
    private var lastSeen: [EntityKey: (timeMs: Int64, incident: Int, count: Int, windowStart: Int64, rule: String)] = [:]
    private var latestMs: Int64 = .min
    /// Entities that exceeded the fan-out limit (for the run summary).
    public private(set) var saturatedEntities: Set<EntityKey> = []

    /// - Throws: `.invalidConfiguration` for a non-positive window, negative lateness or a
    ///   fan-out limit below 2.
    public init(windowMs: Int64 = 30 * 60 * 1000, latenessMs: Int64? = nil, maxAlertsPerEntity: Int = 100,
                maxIncidentAlerts: Int = 64, maxIncidentSpanMs: Int64 = 3600 * 1000,
                linkingKinds: Set<EntityKind> = Set(EntityKind.allCases)) throws(VigilError) {
        guard maxIncidentSpanMs >= windowMs else { throw .invalidConfiguration(file: "correlation", location: "max_incident_span", reason: "must be at least the window (\(windowMs) ms), got \(maxIncidentSpanMs)") }
        self.maxIncidentSpanMs = maxIncidentSpanMs
        guard maxIncidentAlerts >= 2 else { throw .invalidConfiguration(file: "correlation", location: "max_incident_alerts", reason: "must be >= 2, got \(maxIncidentAlerts)") }
        self.maxIncidentAlerts = maxIncidentAlerts
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
        let rule = alert.analyticUID ?? alert.analyticName ?? alert.title
        let id = nextID
        nextID += 1
        parent[id] = id
        let incident = Incident(id: "inc-" + alert.uid, alerts: [alert], entities: Set(alert.entities), linkingEntities: [])
        var root = id
        open[id] = incident
        // Sorted: the same input must give the same incidents in every run (Set order is
        // randomised per process, and caps make the outcome order-dependent).
        for entity in Self.linkingEntities(of: alert).sorted() where linkingKinds.contains(entity.kind) {
            if saturatedEntities.contains(entity) || commonEntities.contains(entity) { continue }
            if var seen = lastSeen[entity] {
                let within = abs(alert.timeMs - seen.timeMs) <= windowMs
                if alert.timeMs - seen.windowStart > windowMs {
                    seen.count = 0
                    seen.windowStart = alert.timeMs
                }
                seen.count += 1
                if seen.count > maxAlertsPerEntity {
                    // Too common to mean anything: it stops linking for the rest of the run.
                    saturatedEntities.insert(entity)
                    lastSeen[entity] = nil
                    continue
                }
                // A device or account busy in this window (a noisy workstation, an admin
                // account) links nothing until it quietens: its alerts are not one story.
                let subject = Self.isSubject(entity, of: alert)
                let busy = subject && seen.count > maxAlertsPerSubject
                // An indicator links only alerts of the same detection (a campaign: one
                // phishing URL, many recipients); across detections only the device or
                // account does (an attack chain). Otherwise popular SaaS domains or
                // installers would join every unrelated alert that touched them.
                let sameStory = subject || seen.rule == rule
                if within, !busy, sameStory, let other = find(seen.incident) {
                    if other != root {
                        let (a, b) = (open[root]!, open[other]!)
                        // A campaign link (same detection, same indicator) may grow an incident
                        // up to four times the cap (its recipients bring their own alerts): splitting one phishing wave
                        // over several incidents hides its size. Subject links respect it.
                        let cap = subject ? maxIncidentAlerts : 4 * maxIncidentAlerts
                        if a.alerts.count + b.alerts.count > cap
                            || max(a.lastMs, b.lastMs) - min(a.firstMs, b.firstMs) > maxIncidentSpanMs {
                            cappedLinks += 1
                        } else {
                            root = union(root, other, via: entity)
                        }
                    } else {
                        open[root]!.linkingEntities.insert(entity)
                    }
                }
                seen.timeMs = max(seen.timeMs, alert.timeMs)
                seen.incident = root
                seen.rule = rule
                lastSeen[entity] = seen
            } else {
                lastSeen[entity] = (alert.timeMs, root, 1, alert.timeMs, rule)
            }
        }
    }

    /// The entities that may link `alert` to others: its own device (host name and IP) and
    /// user, and indicators (file hashes, domains, URLs, external IPs). Other hosts and
    /// internal IPs it merely names (a file server it reached, a domain controller it
    /// authenticated against) are shared infrastructure: linking on them would chain
    /// unrelated activity together. They stay in the incident's entity set.
    static func linkingEntities(of alert: Alert) -> Set<EntityKey> {
        let device = alert.deviceHostname.flatMap { EntityKey(.host, $0) }
        let deviceIP = alert.deviceIP.flatMap { EntityKey(.ip, $0) }
        return Set(alert.entities.filter { e in
            switch e.kind {
            case .host: return device == nil || e == device
            case .ip: return e == deviceIP || !Featurizer.isPrivate(e.value)
            case .user, .fileHash, .domain, .url: return true
            }
        })
    }

    /// Whether `entity` is the alert's own device or account (not an indicator it names).
    static func isSubject(_ entity: EntityKey, of alert: Alert) -> Bool {
        switch entity.kind {
        case .host: return true
        // An account is the subject of identity alerts (no device: sign-ins, VPN). On a
        // device alert it links across detections only through that device: admin and
        // service accounts touch many hosts a day, and would chain them all.
        case .user: return alert.deviceHostname == nil
        case .ip: return alert.deviceIP.flatMap { EntityKey(.ip, $0) } == entity
        case .fileHash, .domain, .url: return false
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
