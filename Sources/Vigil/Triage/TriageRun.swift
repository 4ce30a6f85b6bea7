import Foundation

/// The main job: alerts in, explained and tiered recommendations out.
///
/// Streams the alert file in batches (ingest → correlate → as incidents close: featurize,
/// score, find precedents, recommend, tier → write one OCSF update per finding), so memory
/// follows one correlation window, not the file. Rejected records go to the reject file
/// with their line, field and reason; the run goes on.
public struct TriageRun: Sendable {
    public let recommender: Recommender
    public var windowMs: Int64 = 30 * 60 * 1000
    /// Entities that never link alerts (from the model: common in the history).
    public var commonEntities: Set<EntityKey> = []
    public var batchSize = 8192
    /// Incidents listed in the summary.
    public var topCount = 10

    public init(recommender: Recommender) { self.recommender = recommender }

    /// One incident as the summary lists it.
    public struct IncidentLine: Sendable {
        public var id: String
        public var alerts: Int
        public var family: String
        public var riskScore: Int
        public var confidence: Float
        public var tier: Tier
        public var actions: [String]
        public var hosts: [String]
        /// Entities that linked its alerts (a few, sorted).
        public var linkedBy: [EntityKey]
    }

    /// What a run did, with the seconds spent per stage.
    public struct Summary: Sendable {
        public var ingest = IngestSummary()
        public var incidents = 0
        public var findingsWritten = 0
        public var incidentsByTier: [Tier: Int] = [:]
        public var actionsByTier: [Tier: Int] = [:]
        public var top: [IncidentLine] = []
        public var saturatedEntities: [EntityKey] = []
        public var seconds: [String: Double] = [:]
        public var totalSeconds = 0.0
    }

    /// Runs triage over `alertsPath`, writing updates to `outputPath` and rejects to
    /// `rejectsPath`. `progress` is called after each batch with the alerts read so far;
    /// `inspect` sees every assessed incident (the demo checks its scenarios with it).
    /// - Throws: `.io` for unreadable input or unwritable outputs; `.engine` if the model
    ///   and featurizer disagree. Bad records never throw.
    public func run(alerts alertsPath: String, output outputPath: String, rejects rejectsPath: String?, now: Date,
                    progress: ((Int) -> Void)? = nil, inspect: ((IncidentAssessment) -> Void)? = nil) throws(VigilError) -> Summary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = Summary()
        var correlator = try Correlator(windowMs: windowMs)
        correlator.commonEntities = commonEntities
        let writer = try LineWriter(path: outputPath)
        let rejects = try rejectsPath.map { (p) throws(VigilError) in try RejectWriter(path: p) }
        let updates = FindingUpdateWriter()
        var raw: [String: String] = [:]  // "uid#line" → record text, until its incident is written
        var read = 0

        func key(_ a: Alert) -> String { "\(a.uid)#\(a.sourceLine)" }
        func timed<T>(_ stage: String, _ body: () throws(VigilError) -> T) throws(VigilError) -> T {
            let t0 = clock.now
            let result = try body()
            summary.seconds[stage, default: 0] += (clock.now - t0).seconds
            return result
        }
        func emit(_ incidents: [Incident]) throws(VigilError) {
            if incidents.isEmpty { return }
            let assessed = try timed("score, precedents, recommend, tier") { () throws(VigilError) in
                try recommender.assess(incidents, now: now)
            }
            try timed("write") { () throws(VigilError) in
                for a in assessed {
                    summary.incidents += 1
                    summary.incidentsByTier[a.tier, default: 0] += 1
                    for r in a.recommendations { summary.actionsByTier[r.decision.tier, default: 0] += 1 }
                    let prepared = updates.prepare(a)
                    for alert in a.incident.alerts {
                        guard let text = raw.removeValue(forKey: key(alert)) else { continue }
                        try writer.write { updates.append(raw: text, prepared: prepared, to: &$0) }
                        summary.findingsWritten += 1
                    }
                    consider(a)
                    inspect?(a)
                }
            }
        }
        func consider(_ a: IncidentAssessment) {
            let line = IncidentLine(id: a.incident.id, alerts: a.incident.alerts.count, family: a.family.family.name,
                                    riskScore: a.explanation.riskScore, confidence: a.explanation.confidence, tier: a.tier,
                                    actions: a.recommendations.map { "\($0.action.kind.rawValue)→T\($0.decision.tier.rawValue)" },
                                    hosts: a.incident.hosts.sorted(), linkedBy: Array(a.incident.linkingEntities.sorted().prefix(4)))
            summary.top.append(line)
            if summary.top.count > topCount * 4 { trimTop() }
        }
        func trimTop() {
            summary.top.sort { ($0.riskScore, $0.alerts) > ($1.riskScore, $1.alerts) }
            summary.top.removeLast(max(0, summary.top.count - topCount))
        }

        let ingest = try AlertReader(path: alertsPath).forEachBatch(batchSize: batchSize, rejects: rejects) { (batch) throws(VigilError) in
            for item in batch { raw[key(item.alert)] = String(item.raw) }
            let closed = try timed("correlate") { () throws(VigilError) in correlator.add(batch.map(\.alert)) }
            try emit(closed)
            read += batch.count
            progress?(read)
        }
        try emit(try timed("correlate") { () throws(VigilError) in correlator.finish() })
        try writer.close()
        try rejects?.close()
        trimTop()
        summary.ingest = ingest
        summary.saturatedEntities = correlator.saturatedEntities.sorted()
        summary.totalSeconds = (clock.now - started).seconds
        summary.seconds["parse and validate"] = max(0, summary.totalSeconds - summary.seconds.values.reduce(0, +))
        return summary
    }
}
