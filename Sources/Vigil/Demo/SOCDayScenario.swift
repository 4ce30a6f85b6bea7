import Foundation

/// A deterministic, realistic day in a security operations centre, written as files the
/// rest of Vigil reads: today's open OCSF 1.8.0 Detection Findings with ground truth, a
/// history of closed cases with verdicts, the asset inventory and threat-intel feeds.
///
/// The same seed (and counts and day) gives byte-identical files on every run and machine.
/// Alerts stream to disk in batches, in time order, so memory stays flat whatever
/// `todayAlerts` is (millions are fine).
///
/// Files written into the folder:
/// - `alerts.ndjson`: today's findings (activity 1 Create), background from every detection
///   family, multi-step attack chains (several detections on one host within 30 minutes),
///   and five planted scenarios (see `ScenarioManifest.Scenario`);
/// - `truth.csv`: `uid,malicious,scenario` for every alert;
/// - `history.ndjson`: closed cases (activity 3 Close) with the Incident profile's
///   `verdict_id` (2 TP, 1 FP, 5 Benign, a few 7 Insufficient Data), 5 % label noise and
///   `unmapped.action_taken` consistent with the verdict;
/// - `assets.csv`, `feeds.json`, `intel/*.json` (STIX 2.1), `intel/*.csv` (IOC lists);
/// - `scenarios.json`: the manifest.
public struct SOCDayScenario: Sendable {
    /// Seed of every random choice.
    public var seed: UInt64
    /// Closed cases in `history.ndjson` (≥ 0).
    public var historyCases: Int
    /// Alerts in `alerts.ndjson` (≥ `minimumTodayAlerts`; the planted scenarios use 69).
    public var todayAlerts: Int
    /// Midnight UTC of the day (any instant of the day may be given).
    public var dayStartMs: Int64

    /// The default day: Tuesday 2026-11-24 (UTC).
    public static let defaultDay = Date(timeIntervalSince1970: 1_795_478_400)
    /// The smallest `todayAlerts` accepted (room for the planted scenarios and some background).
    public static let minimumTodayAlerts = 200
    /// Share of today's alerts that belong to attack chains (the rest of the malicious
    /// share comes from isolated true detections and the planted scenarios).
    static let chainShare = 0.022
    /// Probability that a background alert is an isolated true detection.
    static let backgroundMaliciousRate = 0.006
    /// Days of history before the day.
    static let historyDays = 90
    static let batch = 4096

    /// - Parameters:
    ///   - seed: seed of every random choice.
    ///   - historyCases: closed cases to write.
    ///   - todayAlerts: open alerts to write.
    ///   - day: the UTC day the alerts fall on (truncated to midnight UTC).
    public init(seed: UInt64 = 2026, historyCases: Int = 20_000, todayAlerts: Int = 20_000, day: Date = SOCDayScenario.defaultDay) {
        self.seed = seed
        self.historyCases = historyCases
        self.todayAlerts = todayAlerts
        let ms = Int64((day.timeIntervalSince1970 * 1000).rounded(.down))
        dayStartMs = ms - ((ms % DayProfile.dayMs) + DayProfile.dayMs) % DayProfile.dayMs
    }

    /// Writes the scenario's files into `folder` (created if missing; existing files of the
    /// same names are replaced).
    ///
    /// - Parameters:
    ///   - folder: output folder.
    ///   - progress: called after each batch with (records written, records in total),
    ///     history and alerts together.
    /// - Returns: the manifest (paths, counts, planted scenarios); also in `scenarios.json`.
    /// - Throws: `VigilError.invalidConfiguration` for counts out of range;
    ///   `VigilError.io` when a file cannot be written.
    /// - Complexity: O(historyCases + todayAlerts) time; memory independent of both.
    public func write(to folder: String, progress: ((Int, Int) -> Void)? = nil) throws(VigilError) -> ScenarioManifest {
        guard historyCases >= 0 else {
            throw .invalidConfiguration(file: "SOCDayScenario", location: "historyCases", reason: "must be 0 or more, got \(historyCases)")
        }
        guard todayAlerts >= Self.minimumTodayAlerts else {
            throw .invalidConfiguration(file: "SOCDayScenario", location: "todayAlerts",
                                        reason: "must be at least \(Self.minimumTodayAlerts) (the planted scenarios alone need 69), got \(todayAlerts)")
        }
        let folder = folder.count > 1 && folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        try ScenarioFile.makeFolder(folder)
        let world = ScenarioWorld(seed: seed, volume: todayAlerts)
        let context = ContextFiles(world: world, dayStartMs: dayStartMs)
        let assetsPath = folder + "/assets.csv"
        try context.writeAssets(to: assetsPath)
        let intelPaths = try context.writeIntel(folder: folder)
        let planted = MandatoryScenarios(world: world, dayStartMs: dayStartMs, seed: seed)
        let writer = OCSFWriter(world: world)
        let total = historyCases + todayAlerts

        let historyPath = folder + "/history.ndjson"
        try writeHistory(to: historyPath, world: world, writer: writer, reserved: planted.reservedHosts, progress: progress, total: total)

        let alertsPath = folder + "/alerts.ndjson", truthPath = folder + "/truth.csv"
        let malicious = try writeToday(alertsPath: alertsPath, truthPath: truthPath, world: world, writer: writer, planted: planted,
                                       progress: progress, total: total)

        let manifest = ScenarioManifest(folder: folder, alertsPath: alertsPath, historyPath: historyPath, truthPath: truthPath,
                                        assetsPath: assetsPath, feedsPath: folder + "/feeds.json", intelPaths: intelPaths,
                                        manifestPath: folder + "/scenarios.json", seed: seed, dayStartMs: dayStartMs,
                                        alertCount: todayAlerts, historyCount: historyCases, maliciousAlertCount: malicious,
                                        scenarios: planted.scenarios)
        try ScenarioFile.write(manifest.json(), to: manifest.manifestPath)
        return manifest
    }

    // MARK: History

    private func writeHistory(to path: String, world: ScenarioWorld, writer: OCSFWriter, reserved: Set<Int>,
                              progress: ((Int, Int) -> Void)?, total: Int) throws(VigilError) {
        let file = try ScenarioFile(path: path)
        let factory = FindingFactory(world: world, reserved: reserved, history: true, seed: seed)
        let profile = DayProfile()
        var rng = ScenarioRandom(seed: seed, stream: 0x4157)
        let prefix = Array("case-".utf8)
        let days = Double(Self.historyDays)
        let start = dayStartMs - Int64(Self.historyDays) * DayProfile.dayMs
        for i in 0..<historyCases {
            // Monotone over the 90 days, diurnal within each day.
            let q = (Double(i) + rng.unit()) / Double(historyCases) * days
            let d = min(Int(q), Self.historyDays - 1)
            let time = start + Int64(d) * DayProfile.dayMs + profile.offset(atFraction: q - Double(d))
            let family = ScenarioFamily(rawValue: rng.pick(ScenarioFamily.historyWeights))!
            let malicious = rng.chance(ScenarioFamily.historyMaliciousRate[family.rawValue])
            let spec = factory.make(family, malicious: malicious, time: time, &rng)
            let closed = factory.close(spec, &rng)
            writer.write(spec, uidPrefix: prefix, uidNumber: i + 1, closed: closed, to: file.buffer)
            if (i + 1) % Self.batch == 0 {
                try file.flushIfFull()
                progress?(i + 1, total)
            }
        }
        try file.close()
        progress?(historyCases, total)
    }

    // MARK: Today

    /// One alert waiting in the time-ordered merge of background, chains and planted scenarios.
    private struct Pending {
        var spec: FindingSpec
        /// Index into the truth labels.
        var label: Int
        /// Fixed uid (planted scenarios) or nil (numbered in emission order).
        var uid: [UInt8]?
        var sequence: Int
    }

    /// The attack chains starting in 15-minute slice `slice`: their alerts, each labelled.
    private func chains(slice: Int, world: ScenarioWorld, factory: FindingFactory, profile: DayProfile, perDay: Double) -> [Pending] {
        var rng = ScenarioRandom(seed: seed, stream: 0xC4A1_0000 | UInt64(slice))
        let sliceMs: Int64 = 15 * 60_000
        let from = Int64(slice) * sliceMs
        let lambda = perDay * profile.share(fromMs: from, toMs: from + sliceMs)
        let count = Int(lambda) + (rng.chance(lambda - Double(Int(lambda))) ? 1 : 0)
        // The order in which an intrusion shows itself.
        let killChain: [ScenarioFamily] = [.phishing, .malwareExecution, .c2Beacon, .credentialAccess, .lateralMovement, .exfiltration]
        var out: [Pending] = []
        for _ in 0..<count {
            let start = dayStartMs + from + Int64(rng.below(Int(sliceMs)))
            let host = factory.victims[rng.below(factory.victims.count)]
            let user = factory.owner(of: host, &rng)
            let infra = factory.infra(&rng)
            let first = rng.below(3)
            let length = min(killChain.count - first, 2 + rng.below(4))
            // Steps within 25 minutes of the first, and before midnight.
            let room = min(Int64(25 * 60_000), dayStartMs + DayProfile.dayMs - 1 - start)
            let offsets = (0..<length).map { k in k == 0 || room <= 0 ? 0 : Int64(rng.below(Int(room))) }.sorted()
            for k in 0..<length {
                let family = killChain[first + k]
                let spec = factory.make(family, malicious: true, time: start + offsets[k], &rng, host: host, user: user, infra: infra)
                out.append(Pending(spec: spec, label: ScenarioFamily.allCases.count + family.rawValue, uid: nil, sequence: 0))
            }
        }
        return out
    }

    private func writeToday(alertsPath: String, truthPath: String, world: ScenarioWorld, writer: OCSFWriter, planted: MandatoryScenarios,
                            progress: ((Int, Int) -> Void)?, total: Int) throws(VigilError) -> Int {
        let factory = FindingFactory(world: world, reserved: planted.reservedHosts, history: false, seed: seed)
        let profile = DayProfile()
        let slices = 96
        let chainsPerDay = Double(todayAlerts) * Self.chainShare / 3.3
        // Pre-pass: how many chain alerts there will be, so the total is exactly todayAlerts.
        var chainAlerts = 0
        for s in 0..<slices { chainAlerts += chains(slice: s, world: world, factory: factory, profile: profile, perDay: chainsPerDay).count }
        let background = todayAlerts - planted.events.count - chainAlerts
        guard background >= 0 else {
            throw .invalidConfiguration(file: "SOCDayScenario", location: "todayAlerts", reason: "\(todayAlerts) is too few for the planted scenarios and attack chains")
        }

        // Truth labels: background:<family>, attack-chain:<family>, then the planted scenarios.
        let families = ScenarioFamily.allCases
        let labels: [[UInt8]] = families.map { Array(",background:\($0.name)\n".utf8) } + families.map { Array(",attack-chain:\($0.name)\n".utf8) }
            + MandatoryScenarios.names.map { Array(",\($0)\n".utf8) }
        let scenarioLabel = 2 * families.count

        let alerts = try ScenarioFile(path: alertsPath)
        let truth = try ScenarioFile(path: truthPath, blockBytes: 1 << 20)
        truth.buffer.raw("uid,malicious,scenario\n")
        let uidPrefix = Array("det-\(DayProfile.date(dayStartMs).replacingOccurrences(of: "-", with: ""))-".utf8)
        var heap = PendingHeap()
        var sequence = 0
        for e in planted.events {
            heap.push(Pending(spec: e.spec, label: scenarioLabel + e.scenario, uid: Array(e.uid.utf8), sequence: sequence))
            sequence += 1
        }
        var nextSlice = 0
        var numbered = 0
        var written = 0
        var malicious = 0
        let done = historyCases

        func emit(_ p: Pending) {
            if let uid = p.uid {
                writer.write(p.spec, uidPrefix: uid, uidNumber: -1, closed: nil, to: alerts.buffer)
                truth.buffer.raw(uid)
            } else {
                numbered += 1
                writer.write(p.spec, uidPrefix: uidPrefix, uidNumber: numbered, uidWidth: 8, closed: nil, to: alerts.buffer)
                truth.buffer.raw(uidPrefix); truth.buffer.int(numbered, width: 8)
            }
            truth.buffer.raw(p.spec.malicious ? ",1" : ",0")
            truth.buffer.raw(labels[p.label])
            if p.spec.malicious { malicious += 1 }
            written += 1
        }
        func spawn(upTo time: Int64) {
            while nextSlice < slices && dayStartMs + Int64(nextSlice) * 15 * 60_000 <= time {
                for var p in chains(slice: nextSlice, world: world, factory: factory, profile: profile, perDay: chainsPerDay) {
                    p.sequence = sequence
                    sequence += 1
                    heap.push(p)
                }
                nextSlice += 1
            }
        }

        var rng = ScenarioRandom(seed: seed, stream: 0x70DA)
        for i in 0..<background {
            let time = dayStartMs + profile.offset(atFraction: (Double(i) + rng.unit()) / Double(background))
            spawn(upTo: time)
            while let top = heap.top, top.spec.timeMs <= time { emit(heap.pop()!) }
            let family = ScenarioFamily(rawValue: rng.pick(ScenarioFamily.backgroundWeights))!
            let isMalicious = rng.chance(Self.backgroundMaliciousRate)
            let spec = factory.make(family, malicious: isMalicious, time: time, &rng)
            emit(Pending(spec: spec, label: family.rawValue, uid: nil, sequence: 0))
            if written % Self.batch == 0 {
                try alerts.flushIfFull()
                try truth.flushIfFull()
                progress?(done + written, total)
            }
        }
        spawn(upTo: .max)
        while let p = heap.pop() { emit(p) }
        try alerts.close()
        try truth.close()
        progress?(done + written, total)
        return malicious
    }

    /// A binary min-heap of pending alerts by (time, sequence): holds only the alerts of
    /// chains in flight (at most ~30 minutes ahead), never the whole day.
    private struct PendingHeap {
        private var items: [Pending] = []

        var top: Pending? { items.first }

        private static func less(_ a: Pending, _ b: Pending) -> Bool {
            a.spec.timeMs != b.spec.timeMs ? a.spec.timeMs < b.spec.timeMs : a.sequence < b.sequence
        }

        mutating func push(_ p: Pending) {
            items.append(p)
            var k = items.count - 1
            while k > 0 {
                let parent = (k - 1) / 2
                guard Self.less(items[k], items[parent]) else { break }
                items.swapAt(k, parent)
                k = parent
            }
        }

        mutating func pop() -> Pending? {
            guard !items.isEmpty else { return nil }
            items.swapAt(0, items.count - 1)
            let out = items.removeLast()
            var k = 0
            while true {
                let l = 2 * k + 1, r = l + 1
                var m = k
                if l < items.count && Self.less(items[l], items[m]) { m = l }
                if r < items.count && Self.less(items[r], items[m]) { m = r }
                if m == k { break }
                items.swapAt(k, m)
                k = m
            }
            return out
        }
    }
}
