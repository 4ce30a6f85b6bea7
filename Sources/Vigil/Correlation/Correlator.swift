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
    public var commonEntities: Set<EntityKey> = [] {
        didSet { activity.refreshCommon(commonEntities) }
    }
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

    private var forest = IncidentForest()
    private var activity = EntityActivity()
    private var latestMs: Int64 = .min
    /// `linkingKinds` as a bit per kind (see `Correlator.bit(_:)`).
    private let linkingKindBits: UInt8
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
        linkingKindBits = linkingKinds.reduce(0) { $0 | Self.bit($1) }
    }

    /// Number of incidents still open.
    public var openCount: Int { forest.openCount }

    /// Adds a batch (any order; processed in time order, ties in batch order) and returns the
    /// incidents that closed because the stream moved past them.
    /// - Complexity: O(alerts × entities) amortised (near-constant union-find steps), plus
    ///   O(log open) per alert for closing.
    public mutating func add(_ alerts: [Alert]) -> [Incident] {
        alerts.withUnsafeBufferPointer { alerts in
            if alerts.indices.dropFirst().contains(where: { alerts[$0 - 1].timeMs > alerts[$0].timeMs }) {
                let order = alerts.indices.sorted { (alerts[$0].timeMs, $0) < (alerts[$1].timeMs, $1) }
                for i in order { add(alerts, i) }
            } else {
                for i in alerts.indices { add(alerts, i) }
            }
        }
        return closeExpired()
    }

    /// Closes and returns every open incident (end of input), in order of first alert.
    public mutating func finish() -> [Incident] {
        let all = forest.closeAll()
        activity.removeAll()
        return all
    }

    /// Adds `alerts[i]`. Its fields are read in place: copying an alert as an argument
    /// retains a dozen strings and arrays, and the one copy needed is the forest's.
    private mutating func add(_ alerts: UnsafeBufferPointer<Alert>, _ i: Int) {
        let timeMs = alerts[i].timeMs
        latestMs = max(latestMs, timeMs)
        let node = forest.addNode(alerts[i])
        alerts[i].entities.withUnsafeBufferPointer { entities in
            withUnsafeTemporaryAllocation(of: Int.self, capacity: entities.count) { positions in
                // Sorted: the same input must give the same incidents in every run (caps make
                // the outcome order-dependent).
                let n = Self.linkingPositions(entities, deviceHostname: alerts[i].deviceHostname, deviceIP: alerts[i].deviceIP,
                                              kinds: linkingKindBits, into: positions)
                if n > 0 { link(node, timeMs: timeMs, rule: alerts[i].analyticUID ?? alerts[i].analyticName ?? alerts[i].title,
                                entities, positions[..<n]) }
            }
        }
    }

    /// Links the alert of `node` through its linking entities (`linking`, from
    /// `linkingPositions`) to the open incidents that last saw them.
    private mutating func link(_ node: Int, timeMs: Int64, rule: String, _ entities: UnsafeBufferPointer<EntityKey>,
                               _ linking: UnsafeMutableBufferPointer<Int>.SubSequence) {
        var root = node
        for code in linking {
            let position = code >> 4
            let subject = code & 1 == 1
            let slot = activity.slot(for: entities[position], common: commonEntities)
            var seen = activity.entry(slot)
            if seen.state == .saturated || seen.isCommon { continue }
            guard activity.isSeen(seen) else {
                seen.timeMs = timeMs
                seen.incident = root
                seen.count = 1
                seen.windowStart = timeMs
                activity.update(slot, seen, rule: rule)
                continue
            }
            let within = abs(timeMs - seen.timeMs) <= windowMs
            if timeMs - seen.windowStart > windowMs {
                seen.count = 0
                seen.windowStart = timeMs
            }
            seen.count += 1
            if seen.count > maxAlertsPerEntity {
                // Too common to mean anything: it stops linking for the rest of the run.
                saturatedEntities.insert(entities[position])
                activity.saturate(slot)
                continue
            }
            // A device or account busy in this window (a noisy workstation, an admin
            // account) links nothing until it quietens: its alerts are not one story.
            let busy = subject && seen.count > maxAlertsPerSubject
            // An indicator links only alerts of the same detection (a campaign: one
            // phishing URL, many recipients); across detections only the device or
            // account does (an attack chain). Otherwise popular SaaS domains or
            // installers would join every unrelated alert that touched them.
            if within, !busy, subject || activity.lastRule(of: slot, is: rule), let other = forest.openRoot(of: seen.incident) {
                if other != root {
                    // A campaign link (same detection, same indicator) may grow an incident
                    // up to four times the cap (its recipients bring their own alerts): splitting one phishing wave
                    // over several incidents hides its size. Subject links respect it.
                    let cap = subject ? maxIncidentAlerts : 4 * maxIncidentAlerts
                    if forest.count(root) + forest.count(other) > cap
                        || max(forest.lastMs(root), forest.lastMs(other)) - min(forest.firstMs(root), forest.firstMs(other)) > maxIncidentSpanMs {
                        cappedLinks += 1
                    } else {
                        root = forest.union(root, other, linkedBy: position, of: node)
                    }
                } else {
                    forest.markLink(position, of: node)
                }
            }
            seen.timeMs = max(seen.timeMs, timeMs)
            seen.incident = root
            activity.update(slot, seen, rule: rule)
        }
    }

    /// Closes incidents whose last alert is older than latest − window − lateness, and
    /// forgets entities last seen before then.
    private mutating func closeExpired() -> [Incident] {
        guard latestMs != .min else { return [] }
        let watermark = latestMs - windowMs - latenessMs
        let closed = forest.close(lastBefore: watermark)
        if !closed.isEmpty { activity.prune(before: watermark) }
        return closed
    }
}
