import Foundation

/// The main job: alerts in, explained and tiered recommendations out.
///
/// Two threads in a pipeline. The reading thread parses and validates the alert file in
/// batches and correlates them; as incidents close it hands them on, each with its
/// members' original text. The calling thread featurizes, scores, finds precedents,
/// recommends and tiers each handed-on batch, and writes one OCSF update per finding and
/// one record per incident. Memory follows one correlation window plus a few batches in
/// flight, not the file. Rejected records go to the reject file with their line, field
/// and reason; the run goes on.
public struct TriageRun: Sendable {
    public let recommender: Recommender
    public var windowMs: Int64 = 30 * 60 * 1000
    /// Entities that never link alerts (from the model: common in the history).
    public var commonEntities: Set<EntityKey> = []
    public var batchSize = 8192
    /// Batches of closed incidents that may wait between the two threads.
    public var batchesInFlight = 4
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

    /// What a run did, with the seconds spent per stage. The stages of the two threads
    /// overlap in time, so their seconds add up to more than `totalSeconds`.
    public struct Summary: Sendable {
        public var ingest = IngestSummary()
        public var incidents = 0
        public var findingsWritten = 0
        public var incidentsByTier: [Tier: Int] = [:]
        public var actionsByTier: [Tier: Int] = [:]
        public var top: [IncidentLine] = []
        public var saturatedEntities: [EntityKey] = []
        /// Links the correlator refused because an incident would pass its size or span cap.
        public var cappedLinks = 0
        public var seconds: [String: Double] = [:]
        public var totalSeconds = 0.0
    }

    /// What the reading thread hands to the writing one.
    private enum Message: Sendable {
        /// Closed incidents, each with its members' record texts (in member order).
        case incidents([Incident], texts: [[Substring]], read: Int)
        case finished(IngestSummary, saturated: [EntityKey], cappedLinks: Int, parseSeconds: Double, correlateSeconds: Double)
        case failed(VigilError)
    }

    /// Runs triage over `alertsPath`, writing finding updates to `outputPath`, one record
    /// per incident to `incidentsPath` (see `IncidentRecordWriter`) and rejects to
    /// `rejectsPath`. `progress` is called with the alerts read so far; `inspect` sees every
    /// assessed incident (the demo checks its scenarios with it). Both run on the calling
    /// thread.
    /// - Throws: `.io` for unreadable input or unwritable outputs; `.engine` if the model
    ///   and featurizer disagree. Bad records never throw.
    public func run(alerts alertsPath: String, output outputPath: String, incidents incidentsPath: String? = nil,
                    rejects rejectsPath: String?, now: Date,
                    progress: ((Int) -> Void)? = nil, inspect: ((IncidentAssessment) -> Void)? = nil) throws(VigilError) -> Summary {
        let clock = ContinuousClock()
        let started = clock.now
        var summary = Summary()
        // Outputs are created before reading starts, so an unwritable path fails at once.
        let writer = try LineWriter(path: outputPath)
        let incidentWriter = try incidentsPath.map { (p) throws(VigilError) in try LineWriter(path: p) }
        let updates = FindingUpdateWriter()
        let records = IncidentRecordWriter()

        let queue = HandOff<Message>(capacity: batchesInFlight)
        let readerDone = DispatchSemaphore(value: 0)
        let reader = Thread { [self] in
            read(alertsPath, rejects: rejectsPath, into: queue)
            queue.finish()
            readerDone.signal()
        }
        reader.stackSize = 8 << 20
        reader.start()

        func timed<T>(_ stage: String, _ body: () throws(VigilError) -> T) throws(VigilError) -> T {
            let t0 = clock.now
            let result = try body()
            summary.seconds[stage, default: 0] += (clock.now - t0).seconds
            return result
        }
        func emit(_ incidents: [Incident], texts: [[Substring]]) throws(VigilError) {
            if incidents.isEmpty { return }
            let assessed = try timed("score, precedents, recommend, tier") { () throws(VigilError) in
                try recommender.assess(incidents, now: now)
            }
            try timed("write") { () throws(VigilError) in
                for (k, a) in assessed.enumerated() {
                    summary.incidents += 1
                    summary.incidentsByTier[a.tier, default: 0] += 1
                    for r in a.recommendations { summary.actionsByTier[r.decision.tier, default: 0] += 1 }
                    let prepared = updates.prepare(a)
                    for text in texts[k] {
                        try writer.write { out in
                            var text = text
                            text.withUTF8 { updates.append(raw: $0, prepared: prepared, to: out) }
                        }
                        summary.findingsWritten += 1
                    }
                    try incidentWriter?.write { records.append(a, to: $0) }
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

        var failure: VigilError?
        while true {
            let t0 = clock.now
            guard let message = queue.take() else { break }
            summary.seconds["waiting for input", default: 0] += (clock.now - t0).seconds
            switch message {
            case let .incidents(incidents, texts, read):
                do {
                    try emit(incidents, texts: texts)
                } catch {
                    failure = error
                    queue.cancel()
                }
                progress?(read)
            case let .finished(ingest, saturated, capped, parseSeconds, correlateSeconds):
                summary.ingest = ingest
                summary.saturatedEntities = saturated
                summary.cappedLinks = capped
                summary.seconds["parse and validate"] = parseSeconds
                summary.seconds["correlate"] = correlateSeconds
            case let .failed(error):
                failure = failure ?? error
            }
            if failure != nil { break }
        }
        queue.cancel()
        readerDone.wait()
        if let failure { throw failure }
        try writer.close()
        try incidentWriter?.close()
        trimTop()
        summary.totalSeconds = (clock.now - started).seconds
        return summary
    }

    /// The reading thread: parse, validate and correlate; hand closed incidents on.
    private func read(_ alertsPath: String, rejects rejectsPath: String?, into queue: HandOff<Message>) {
        let clock = ContinuousClock()
        let started = clock.now
        var correlateSeconds = 0.0, waitSeconds = 0.0
        do {
            var correlator = try Correlator(windowMs: windowMs)
            correlator.commonEntities = commonEntities
            let rejects = try rejectsPath.map { (p) throws(VigilError) in try RejectWriter(path: p) }
            // Record texts by source line until their incident closes. Each is a slice of its
            // read batch's string, which stays alive while any of its records waits.
            var texts: [Int: Substring] = [:]
            var read = 0
            func handOn(_ closed: [Incident]) throws(VigilError) {
                if closed.isEmpty { return }
                let members = closed.map { incident in incident.alerts.compactMap { texts.removeValue(forKey: $0.sourceLine) } }
                let t0 = clock.now
                let accepted = queue.put(.incidents(closed, texts: members, read: read))
                waitSeconds += (clock.now - t0).seconds
                if !accepted { throw .io(path: alertsPath, reason: "reading stopped: the writing side failed") }
            }
            let ingest = try AlertReader(path: alertsPath).forEachBatch(batchSize: batchSize, rejects: rejects) { (batch) throws(VigilError) in
                for item in batch { texts[item.alert.sourceLine] = item.raw }
                read += batch.count
                let t0 = clock.now
                let closed = correlator.add(batch.map(\.alert))
                correlateSeconds += (clock.now - t0).seconds
                try handOn(closed)
            }
            let t0 = clock.now
            let last = correlator.finish()
            correlateSeconds += (clock.now - t0).seconds
            try handOn(last)
            try rejects?.close()
            let parse = (clock.now - started).seconds - correlateSeconds - waitSeconds
            queue.put(.finished(ingest, saturated: correlator.saturatedEntities.sorted(), cappedLinks: correlator.cappedLinks,
                                parseSeconds: max(0, parse), correlateSeconds: correlateSeconds))
        } catch {
            queue.put(.failed(error))
        }
    }
}
