/// Decides what each generated finding says: which rule fires on which host, for which
/// user, naming which destinations, files and intel-listed infrastructure, with which
/// severity and detector confidence. Benign and malicious firings of the same rule differ
/// the way they do in real queues (intel corroboration, confidence, severity, file
/// reputation, host role) but overlap, so a model has something to learn and cannot be
/// perfect. The closed-case verdicts and actions are decided here too.
struct FindingFactory: Sendable {
    let world: ScenarioWorld
    /// Hosts background alerts fire on, shuffled so the noisiest hosts are spread out.
    let backgroundHosts: [Int]
    /// Hosts an attack chain may start on.
    let victims: [Int]
    /// Whether crown-jewel hosts (payment servers) and the scenario's reserved hosts may
    /// appear: true for history, false for today's background (the scenarios own them).
    let history: Bool
    /// The two administrators' jump hosts (srv-jump-01, srv-jump-02).
    let jumpHost: Int

    /// Users 0..<12 are the IT administrators (they legitimately run admin tools).
    static let adminUsers = 12

    init(world: ScenarioWorld, reserved: Set<Int>, history: Bool, seed: UInt64) {
        self.world = world
        self.history = history
        var rng = ScenarioRandom(seed: seed, stream: history ? 0xA11 : 0xB22)
        var pool: [Int] = []
        for h in world.workstations where history || !reserved.contains(h) { pool.append(h) }
        for h in world.servers { pool.append(h) }
        for h in world.executiveLaptops where history || !reserved.contains(h) { pool.append(h) }
        if history { for h in world.domainControllers { pool.append(h) } }
        pool.shuffle(using: &rng)
        backgroundHosts = pool
        jumpHost = world.hosts.firstIndex { $0.name == "srv-jump-01" } ?? world.servers.lowerBound
        victims = pool.filter { world.hosts[$0].kind == .workstation || world.hosts[$0].kind == .server }
    }

    /// A background host: 15 % of alerts come from 25 noisy hosts per 400 workstations of the
    /// estate (developer boxes, admin workstations), the rest from any host, so entities
    /// recur and correlation has work.
    @inline(__always)
    func pickHost(_ rng: inout ScenarioRandom) -> Int {
        let noisy = min(25 * world.scale, backgroundHosts.count)
        return rng.chance(0.15) ? backgroundHosts[rng.below(noisy)] : backgroundHosts[rng.below(backgroundHosts.count)]
    }

    @inline(__always)
    func owner(of host: Int, _ rng: inout ScenarioRandom) -> Int {
        let u = world.hosts[host].user
        return u >= 0 && rng.chance(0.92) ? u : rng.below(world.workstations.count)
    }

    /// An attacker IP index other than the scenario's three-feed address (history may reuse it).
    @inline(__always)
    func attackerIP(_ rng: inout ScenarioRandom) -> Int {
        let j = rng.below(ScenarioWorld.maliciousIPCount)
        return !history && j == ScenarioWorld.threeFeedIndex ? j + 1 : j
    }

    @inline(__always)
    func attackerFile(_ rng: inout ScenarioRandom) -> Int {
        let j = rng.below(ScenarioWorld.maliciousHashCount)
        return !history && j == ScenarioWorld.knownBadHashIndex ? 1 : j
    }

    /// Attack infrastructure shared by the steps of one chain.
    struct Infra: Sendable {
        var ip: Int
        var domain: Int
        var file: Int
        var server: Int
    }

    func infra(_ rng: inout ScenarioRandom) -> Infra {
        Infra(ip: attackerIP(&rng), domain: rng.below(ScenarioWorld.maliciousDomainCount), file: attackerFile(&rng),
              server: world.servers.lowerBound + rng.below(world.servers.count))
    }

    /// A finding of `family`. `host` / `user` / `infra` pin the entities (attack chains);
    /// otherwise they are drawn.
    func make(_ family: ScenarioFamily, malicious: Bool, time: Int64, _ rng: inout ScenarioRandom,
              host pinnedHost: Int? = nil, user pinnedUser: Int? = nil, infra pinned: Infra? = nil) -> FindingSpec {
        let host = pinnedHost ?? (malicious ? victims[rng.below(victims.count)] : pickHost(&rng))
        let user = pinnedUser ?? owner(of: host, &rng)
        let inf = pinned ?? infra(&rng)
        var s = FindingSpec(rule: 0, timeMs: time, severity: 3, confidence: 50, host: host, user: user, malicious: malicious)
        // Stronger evidence pushes the detector's confidence and severity up.
        var evidence = 0.0
        switch family {
        case .c2Beacon:
            if malicious {
                s.dstIP = world.maliciousIP(inf.ip)
                s.domain = .malicious(inf.domain)
                let listed = ScenarioWorld.validatedCount(world.ipFeeds(inf.ip))
                s.rule = listed > 0 && rng.chance(0.8) ? ScenarioRule.c2KnownBad : (rng.chance(0.7) ? ScenarioRule.c2Periodicity : ScenarioRule.c2DNS)
                evidence = Double(listed) * 0.5
            } else if history && rng.chance(0.03) {
                // Payment servers poll the payment partner's API: beacon-like, benign.
                s.host = world.paymentHosts.lowerBound + rng.below(world.paymentHosts.count)
                s.user = -1
                s.dstIP = ScenarioWorld.partnerIP
                s.domain = .partner
                s.rule = ScenarioRule.c2Periodicity
                evidence = 1.0
            } else {
                let popular = rng.chance(0.06)
                let k = popular ? world.popularBenign[rng.below(world.popularBenign.count)] : rng.below(world.benignPool)
                s.dstIP = world.benignIP(k)
                s.domain = .benign(k)
                let listedOnValidated = popular && world.popularBenign.firstIndex(of: k).map { $0 >= 40 } == true
                s.rule = listedOnValidated ? ScenarioRule.c2KnownBad : (rng.chance(0.72) ? ScenarioRule.c2Periodicity : ScenarioRule.c2DNS)
            }
            s.bytesOut = rng.int(in: 800...40_000)
        case .phishing:
            s.host = world.hosts[host].kind == .workstation || world.hosts[host].kind == .executiveLaptop ? host : world.workstations.lowerBound + rng.below(world.workstations.count)
            if pinnedUser == nil { s.user = world.hosts[s.host].user }
            s.hasSender = true
            if malicious {
                s.domain = .malicious(inf.domain)
                if rng.chance(0.75) { s.hasURL = true; s.rule = ScenarioRule.phishLink } else { s.file = .malicious(inf.file); s.rule = ScenarioRule.phishAttachment }
                evidence = Double(ScenarioWorld.validatedCount(world.domainFeeds(inf.domain))) * 0.4
            } else {
                s.domain = .benign(rng.below(world.benignPool))
                if rng.chance(0.6) { s.hasURL = true; s.rule = ScenarioRule.phishLink } else { s.file = .benign(4 + 11 * rng.below(400)); s.rule = ScenarioRule.phishAttachment }
            }
            s.dstIP = 0
        case .malwareExecution:
            if malicious {
                s.file = .malicious(inf.file)
                s.rule = rng.chance(0.7) ? ScenarioRule.malwareFile : ScenarioRule.malwarePowerShell
                evidence = Double(ScenarioWorld.validatedCount(world.hashFeeds(inf.file))) * 0.5
            } else {
                s.file = .benign(rng.below(5_000))
                s.rule = rng.chance(0.65) ? ScenarioRule.malwareFile : ScenarioRule.malwarePowerShell
                if s.rule == ScenarioRule.malwarePowerShell && rng.chance(0.6) { s.user = rng.below(Self.adminUsers) }
            }
        case .credentialAccess:
            if rng.chance(malicious ? 0.6 : 0.3) {
                s.rule = ScenarioRule.lsass
                if !malicious && rng.chance(0.5) { s.user = rng.below(Self.adminUsers) }
            } else {
                s.rule = ScenarioRule.bruteForce
                if pinnedHost == nil { s.host = -1 }
                s.srcIP = malicious ? world.maliciousIP(inf.ip) : world.benignIP(rng.below(world.benignPool))
                s.srcCountry = rng.below(OCSFWriter.countries.count)
                if malicious { evidence = Double(ScenarioWorld.validatedCount(world.ipFeeds(inf.ip))) * 0.4 }
            }
        case .lateralMovement:
            s.rule = ScenarioRule.lateralSMB
            s.dstPort = 445
            if malicious {
                s.srcHost = host
                s.host = inf.server
            } else {
                // Administrators push software from the jump hosts.
                s.srcHost = jumpHost + rng.below(2)
                s.host = world.servers.lowerBound + rng.below(world.servers.count)
                if s.host == s.srcHost { s.host = world.servers.lowerBound }
                s.user = rng.below(Self.adminUsers)
            }
        case .exfiltration:
            s.rule = malicious && rng.chance(0.6) ? ScenarioRule.exfilC2 : ScenarioRule.exfilUpload
            if malicious {
                s.dstIP = world.maliciousIP(inf.ip)
                s.domain = .malicious(inf.domain)
                s.bytesOut = rng.int(in: 200_000_000...4_000_000_000)
                evidence = Double(ScenarioWorld.validatedCount(world.ipFeeds(inf.ip))) * 0.4
            } else {
                let k = rng.below(world.benignPool)
                s.dstIP = world.benignIP(k)
                s.domain = .benign(k)
                s.bytesOut = rng.int(in: 50_000_000...2_000_000_000)
            }
        case .vpnAnomaly:
            s.rule = rng.chance(0.6) ? ScenarioRule.impossibleTravel : ScenarioRule.vpnAnonymiser
            s.srcCountry = rng.below(OCSFWriter.countries.count)
            if malicious {
                s.srcIP = world.maliciousIP(inf.ip)
                if pinnedHost == nil { s.host = -1 }
                evidence = Double(ScenarioWorld.validatedCount(world.ipFeeds(inf.ip))) * 0.4
            } else {
                s.srcIP = world.benignIP(rng.below(world.benignPool))
                if history && rng.chance(0.12) {
                    // Executives travel: their laptops sign in from abroad through personal VPNs.
                    s.host = world.executiveLaptops.lowerBound + rng.below(world.executiveLaptops.count)
                    s.user = world.hosts[s.host].user
                } else if rng.chance(0.5) {
                    s.host = -1
                }
            }
        case .informational:
            let r = rng.below(3)
            s.rule = [ScenarioRule.portScan, ScenarioRule.accountDiscovery, ScenarioRule.policyBlock][r]
            if s.rule == ScenarioRule.policyBlock {
                let k = rng.below(world.benignPool)
                s.dstIP = world.benignIP(k)
                s.domain = .benign(k)
            }
            if s.rule == ScenarioRule.portScan && !malicious { s.user = -1 }
        }
        let rule = ScenarioRule.all[s.rule]
        let sev = malicious ? rule.maliciousSeverity + evidence * 0.3 : rule.benignSeverity
        s.severity = rng.around(sev, 0.7, in: 1...5)
        s.confidence = rng.around((malicious ? rule.maliciousConfidence : rule.benignConfidence) + evidence * 6, 14, in: 5...99)
        if s.host >= 0 && (world.hosts[s.host].kind == .payment) { s.severity = max(s.severity, 4) }
        return s
    }

    /// The closed-case outcome for `spec`: verdict (2 TP for malicious; 1 FP or 5 Benign
    /// otherwise), then 5 % label noise, then ~2.5 % Insufficient Data (7); the action taken
    /// follows the verdict (a true positive's containment step, "none" for most negatives).
    func close(_ s: FindingSpec, _ rng: inout ScenarioRandom) -> ClosedCase {
        let family = ScenarioRule.all[s.rule].family
        var verdict: Int
        if s.malicious {
            verdict = 2
        } else {
            let authorised = family == .vpnAnomaly || family == .lateralMovement || family == .informational
            verdict = rng.chance(authorised ? 0.7 : 0.25) ? 5 : 1
        }
        if rng.chance(0.05) { verdict = verdict == 2 ? (rng.chance(0.7) ? 1 : 5) : 2 }
        if rng.chance(0.025) { verdict = 7 }
        var action: ActionKind?
        switch verdict {
        case 2:
            let u = rng.unit()
            switch family {
            case .c2Beacon: action = u < 0.6 ? .blockIP : u < 0.9 ? .quarantineHost : .blockDomain
            case .phishing: action = u < 0.5 ? .blockDomain : u < 0.8 ? .resetCredentials : .createCase
            case .malwareExecution: action = u < 0.6 ? .blockHash : .quarantineHost
            case .credentialAccess: action = u < 0.5 ? .resetCredentials : u < 0.8 ? .disableAccount : .quarantineHost
            case .lateralMovement: action = u < 0.3 ? .isolateSegment : u < 0.7 ? .quarantineHost : .disableAccount
            case .exfiltration: action = u < 0.5 ? .blockIP : u < 0.8 ? .quarantineHost : .escalate
            case .vpnAnomaly: action = u < 0.5 ? .disableAccount : .resetCredentials
            case .informational: action = u < 0.6 ? .createCase : .enrich
            }
        case 7:
            action = rng.chance(0.5) ? .enrich : .escalate
        default:
            let u = rng.unit()
            action = u < 0.88 ? nil : u < 0.96 ? .enrich : .createCase
        }
        return ClosedCase(verdict: verdict, action: action, closeDelayMs: Int64(rng.int(in: 2...240)) * 60_000, analyst: rng.below(6))
    }
}
