/// The five planted scenarios of the day, as timed findings with fixed uids
/// (`scn-<name>-NN`), ground truth and the entities that define each.
struct MandatoryScenarios {
    /// One planted alert.
    struct Event {
        var spec: FindingSpec
        var scenario: Int
        var uid: String
    }

    static let names = ["c2-on-payment", "exec-vpn-travel", "ip-three-feeds", "known-bad-hash", "phishing-campaign"]
    static let expected = [
        "False positive: the payment servers poll the payment partner's API (not on any validated feed; only the unvalidated community paste lists it). Never auto-isolate or quarantine a payment server: no containment above Tier 3, at most enrich / open a case.",
        "Benign: an executive's laptop signing in through a personal VPN while travelling. Never auto-quarantine an executive device; account actions stay with a human (Tier 3).",
        "Malicious: a workstation beacons to 203.0.113.66, listed on exactly three validated feeds. block_ip is Tier 1 (automated).",
        "Malicious: execution of a file whose SHA-256 is listed on two validated feeds (abuse-intel, gov-cert). block_hash is Tier 1 on an ordinary workstation.",
        "Malicious: one invoice-themed phishing campaign (same sender domain and URL) reaching 50 recipients within minutes. Must correlate into ONE incident, not fifty; block_domain recommended.",
    ]

    /// Workstations reserved for the scenarios (no background alerts fire on them).
    static let threeFeedHostName = "ws-0137", knownBadHashHostName = "ws-0214", travellingLaptopName = "exec-laptop-02"

    let events: [Event]
    let scenarios: [ScenarioManifest.Scenario]
    /// Hosts today's background must not touch.
    let reservedHosts: Set<Int>

    init(world: ScenarioWorld, dayStartMs: Int64, seed: UInt64) {
        var rng = ScenarioRandom(seed: seed, stream: 0x5C3_0000)
        func host(_ name: String) -> Int { world.hosts.firstIndex { $0.name == name }! }
        func at(_ h: Int, _ m: Int, _ s: Int = 0) -> Int64 { dayStartMs + Int64(h * 3_600_000 + m * 60_000 + s * 1000) }
        var events: [Event] = []
        func add(_ scenario: Int, _ spec: FindingSpec) {
            let n = events.filter { $0.scenario == scenario }.count + 1
            events.append(Event(spec: spec, scenario: scenario, uid: "scn-\(Self.names[scenario])-\(ScenarioWorld.pad(n, 2))"))
        }

        // a. c2-on-payment: beacon detections on the four payment servers, to the partner API.
        for (slot, (h, m)) in [(8, 12), (10, 47), (14, 5)].enumerated() {
            for (k, p) in world.paymentHosts.enumerated() {
                var s = FindingSpec(rule: ScenarioRule.c2Periodicity, timeMs: at(h, m, k * 95 + slot * 7), severity: 4,
                                    confidence: 68 + rng.below(12), host: p, user: -1, malicious: false)
                s.dstIP = ScenarioWorld.partnerIP
                s.domain = .partner
                s.bytesOut = 2_400 + rng.below(900)
                add(0, s)
            }
        }
        // b. exec-vpn-travel: the CEO's deputy signs in from Singapore through a personal VPN.
        let laptop = host(Self.travellingLaptopName)
        for (rule, h, m) in [(ScenarioRule.impossibleTravel, 6, 20), (ScenarioRule.vpnAnonymiser, 6, 24), (ScenarioRule.impossibleTravel, 13, 40)] {
            var s = FindingSpec(rule: rule, timeMs: at(h, m), severity: 3 + rng.below(2), confidence: 62 + rng.below(10),
                                host: laptop, user: world.hosts[laptop].user, malicious: false)
            s.srcIP = ScenarioWorld.travelIP
            s.srcCountry = 1
            add(1, s)
        }
        // c. ip-three-feeds: a workstation beacons to an address three validated feeds list.
        let w1 = host(Self.threeFeedHostName)
        for (rule, m) in [(ScenarioRule.c2KnownBad, 2), (ScenarioRule.c2Periodicity, 9)] {
            var s = FindingSpec(rule: rule, timeMs: at(11, m), severity: 4, confidence: 86 + rng.below(8), host: w1,
                                user: world.hosts[w1].user, malicious: true)
            s.dstIP = ScenarioWorld.threeFeedIP
            s.bytesOut = 1_200 + rng.below(400)
            add(2, s)
        }
        // d. known-bad-hash: a user runs a dropper whose hash validated feeds list.
        let w2 = host(Self.knownBadHashHostName)
        for sec in [0, 70] {
            var s = FindingSpec(rule: ScenarioRule.malwareFile, timeMs: at(15, 31, sec), severity: 4, confidence: 88 + rng.below(8),
                                host: w2, user: world.hosts[w2].user, malicious: true)
            s.file = .malicious(ScenarioWorld.knownBadHashIndex)
            add(3, s)
        }
        // e. phishing-campaign: 50 recipients within six minutes, same sender domain and URL.
        var recipients: [Int] = []
        while recipients.count < 50 {
            let h = world.workstations.lowerBound + rng.below(world.workstations.count)
            if h != w1 && h != w2 && !recipients.contains(h) { recipients.append(h) }
        }
        let offsets = (0..<50).map { _ in rng.below(360_000) }.sorted()
        for (h, off) in zip(recipients, offsets) {
            var s = FindingSpec(rule: ScenarioRule.phishLink, timeMs: at(10, 14) + Int64(off), severity: 3, confidence: 70 + rng.below(16),
                                host: h, user: world.hosts[h].user, malicious: true)
            s.domain = .campaign
            s.hasURL = true
            s.hasSender = true
            add(4, s)
        }
        events.sort { ($0.spec.timeMs, $0.uid) < ($1.spec.timeMs, $1.uid) }
        self.events = events

        func ip(_ v: UInt32) -> EntityKey { EntityKey(.ip, "\(v >> 24).\((v >> 16) & 255).\((v >> 8) & 255).\(v & 255)")! }
        let entities: [[EntityKey]] = [
            world.paymentHosts.map { EntityKey(.host, world.hosts[$0].name)! } + [ip(ScenarioWorld.partnerIP), EntityKey(.domain, ScenarioWorld.partnerDomain)!],
            [EntityKey(.host, world.hosts[laptop].name)!, EntityKey(.user, world.users[world.hosts[laptop].user].name)!, ip(ScenarioWorld.travelIP)],
            [EntityKey(.host, world.hosts[w1].name)!, ip(ScenarioWorld.threeFeedIP)],
            [EntityKey(.host, world.hosts[w2].name)!, EntityKey(.fileHash, world.hash(malicious: true, ScenarioWorld.knownBadHashIndex))!],
            [EntityKey(.domain, ScenarioWorld.campaignDomain)!, EntityKey(.url, ScenarioWorld.campaignURL)!],
        ]
        let techniques = ["T1071.001", "T1078", "T1071.001", "T1204.002", "T1566.002"]
        scenarios = Self.names.indices.map { k in
            ScenarioManifest.Scenario(name: Self.names[k], uids: events.filter { $0.scenario == k }.map(\.uid),
                                      malicious: k >= 2, technique: techniques[k], entities: entities[k], expectedHandling: Self.expected[k])
        }
        reservedHosts = Set([w1, w2, laptop] + Array(world.paymentHosts) + Array(world.domainControllers))
    }
}
