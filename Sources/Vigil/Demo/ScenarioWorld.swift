/// The organisation the generated day happens in: its hosts and users (the asset inventory),
/// the outside world it talks to (benign destinations, the payment partner, attacker
/// infrastructure) and which threat-intel feed lists what. Everything is derived from the
/// seed; large pools (benign IPs, domains, hashes) are computed from an index on demand
/// instead of being stored.
struct ScenarioWorld: Sendable {
    enum AssetKind: Sendable { case workstation, server, payment, domainController, executiveLaptop }

    struct Host: Sendable {
        let name: String
        let kind: AssetKind
        let ips: [UInt32]
        let criticality: Int
        let tags: [String]
        let owner: String
        let dependants: [String]
        /// Index into `users` of the person who uses it (workstations, executive laptops), else -1.
        let user: Int
        /// Pre-encoded: `"hostname"`, and `"device":{…}` without the closing brace.
        let quotedName: [UInt8]
        let deviceFragment: [UInt8]
    }

    struct User: Sendable {
        let name: String
        let uid: String
        /// Pre-encoded `{"name":…,"uid":…}`.
        let fragment: [UInt8]
        let quotedName: [UInt8]
    }

    /// The threat-intel feeds, in feeds.json order. The first four are validated.
    struct Feed: Sendable {
        let name: String
        let file: String
        let stix: Bool
        let validated: Bool
        let reliability: String
        let description: String
    }

    static let feeds: [Feed] = [
        Feed(name: "abuse-intel", file: "intel/abuse-intel.json", stix: true, validated: true, reliability: "0.9",
             description: "Commercial abuse-tracking feed (STIX 2.1 export)"),
        Feed(name: "fin-isac", file: "intel/fin-isac.json", stix: true, validated: true, reliability: "0.85",
             description: "Financial-sector ISAC sharing (STIX 2.1 bundle)"),
        Feed(name: "gov-cert", file: "intel/gov-cert.csv", stix: false, validated: true, reliability: "0.8",
             description: "National CERT IOC list"),
        Feed(name: "phish-watch", file: "intel/phish-watch.csv", stix: false, validated: true, reliability: "0.75",
             description: "Phishing URL and domain list (no IPs)"),
        Feed(name: "community-paste", file: "intel/community-paste.csv", stix: false, validated: false, reliability: "0.3",
             description: "Unvetted community paste list: also lists shared and partner infrastructure"),
    ]
    static let validatedFeedCount = 4
    static let communityFeed = 4

    // Fixed infrastructure of the mandatory scenarios.
    static let partnerIP: UInt32 = ipv4(192, 0, 2, 10)
    static let partnerDomain = "api.payments-partner.example"
    static let threeFeedIP: UInt32 = ipv4(203, 0, 113, 66)
    static let threeFeedIndex = 46
    static let knownBadHashIndex = 0
    static let travelIP: UInt32 = ipv4(192, 0, 2, 77)
    static let campaignDomain = "invoice-remit.example"
    static let campaignURL = "https://invoice-remit.example/secure/view?doc=INV-7781"
    static let campaignSender = "accounts-payable@invoice-remit.example"

    /// Attacker infrastructure pool sizes.
    static let maliciousIPCount = 400, maliciousDomainCount = 120, maliciousHashCount = 200

    let seed: UInt64
    /// How many times the base estate (400 workstations and their staff, 40 servers) the
    /// organisation is: the day's alerts / 100,000, at least 1 and at most 100, so that a
    /// host sees about as many alerts a day at 1,000,000 alerts as at 100,000 (a SOC with a
    /// million alerts a day watches thousands of hosts, not four hundred).
    let scale: Int
    let hosts: [Host]
    let users: [User]
    /// Host index ranges by kind.
    let workstations: Range<Int>, servers: Range<Int>, paymentHosts: Range<Int>, domainControllers: Range<Int>, executiveLaptops: Range<Int>
    /// Size of the benign external pools (grows with the day's volume so unrelated alerts
    /// rarely share a destination by chance).
    let benignPool: Int
    /// A few benign addresses every organisation talks to (CDN edges, update servers):
    /// some are (wrongly) listed on intel feeds.
    let popularBenign: [Int]
    let maliciousDomains: [String]

    static func ipv4(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: UInt32) -> UInt32 { a << 24 | b << 16 | c << 8 | d }

    init(seed: UInt64, volume: Int) {
        self.seed = seed
        scale = max(1, min(100, volume / 100_000))
        let staff = 400 * scale
        benignPool = min(130_000, max(4_000, volume / 4))
        var rng = ScenarioRandom(seed: seed, stream: 0x5701D)
        let firsts = ["james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth",
                      "william", "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "chris", "karen",
                      "daniel", "lisa", "matthew", "nancy", "anthony", "betty", "mark", "sandra", "paul", "ashley",
                      "steven", "emily", "andrew", "donna", "joshua", "michelle", "kevin", "carol", "brian", "amanda",
                      "ana", "jose", "mei", "hiroshi", "fatima", "omar", "ingrid", "lars", "priya", "arjun"]
        let lasts = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
                     "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin",
                     "lee", "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson",
                     "walker", "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
                     "green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell", "carter", "roberts",
                     "okafor", "tanaka", "novak", "larsen", "kowalski", "mueller", "dubois", "rossi", "silva", "chen"]
        var users: [User] = []
        var taken: Set<String> = []
        func makeUser(_ name: String) -> User {
            let uid = "S-1-5-21-3623811015-3361044348-30300820-\(1100 + users.count)"
            return User(name: name, uid: uid,
                        fragment: Array("{\"name\":".utf8) + JSONText.quotedBytes(name) + Array(",\"uid\":".utf8) + JSONText.quotedBytes(uid) + [0x7D],
                        quotedName: JSONText.quotedBytes(name))
        }
        // Staff (one per workstation), then 5 executives.
        while users.count < staff {
            var name = "\(firsts[rng.below(firsts.count)].first!).\(lasts[rng.below(lasts.count)])"
            var n = 2
            while taken.contains(name) { name = "\(name.split(separator: "-")[0])-\(n)"; n += 1 }
            taken.insert(name)
            users.append(makeUser(name))
        }
        let execNames = ["c.morgan", "r.okafor", "s.lindqvist", "a.brennan", "m.takahashi"]
        for n in execNames { users.append(makeUser(n)) }

        var hosts: [Host] = []
        func add(_ name: String, _ kind: AssetKind, _ ips: [UInt32], _ crit: Int, _ tags: [String], _ owner: String,
                 _ dependants: [String] = [], user: Int = -1) {
            let deviceUID = "dev-" + String(ScenarioRandom.mix(seed, 0xDE71CE, UInt64(hosts.count)), radix: 16)
            var f = Array("\"device\":{\"hostname\":".utf8) + JSONText.quotedBytes(name)
            f += Array(",\"uid\":".utf8) + JSONText.quotedBytes(deviceUID)
            hosts.append(Host(name: name, kind: kind, ips: ips, criticality: crit, tags: tags, owner: owner, dependants: dependants,
                              user: user, quotedName: JSONText.quotedBytes(name), deviceFragment: f))
        }
        for k in 0..<staff {
            add("ws-" + Self.pad(k + 1, 4), .workstation, [Self.ipv4(10, 20, UInt32(k / 250), UInt32(k % 250 + 1))], 1,
                ["workstation"], users[k].name, user: k)
        }
        let ws = 0..<hosts.count
        let roles: [(String, Int, Int, [String], String, [String])] = [
            ("srv-web", 8, 2, ["server", "web"], "web-platform-team", ["intranet"]),
            ("srv-app", 10, 2, ["server"], "app-team", ["hr-portal", "crm"]),
            ("srv-file", 4, 2, ["server", "file-share"], "it-operations", ["home-drives"]),
            ("srv-sql", 6, 3, ["server", "database"], "dba-team", ["crm", "erp", "reporting"]),
            ("srv-mail", 2, 3, ["server", "mail"], "messaging-team", ["email"]),
            ("srv-backup", 2, 3, ["server", "backup"], "it-operations", ["backups"]),
            ("srv-jump", 2, 2, ["server", "bastion"], "it-operations", []),
            ("srv-build", 4, 2, ["server", "ci"], "engineering", ["ci-pipeline"]),
            ("srv-print", 2, 2, ["server"], "it-operations", ["printing"]),
        ]
        var serverNumber: UInt32 = 0
        for (prefix, count, crit, tags, owner, deps) in roles {
            for k in 1...count * scale {
                // Database and mail servers have a second (backup/replication network) address.
                let (c, d) = (serverNumber / 240, 10 + serverNumber % 240)
                var ips = [Self.ipv4(10, 10, c, d)]
                if crit == 3 { ips.append(Self.ipv4(10, 11, c, d)) }
                serverNumber += 1
                add("\(prefix)-" + Self.pad(k, 2), .server, ips, crit, tags, owner, deps)
            }
        }
        let srv = ws.upperBound..<hosts.count
        add("pay-db-01", .payment, [Self.ipv4(10, 50, 0, 10), Self.ipv4(10, 51, 0, 10)], 4, ["payment", "pci", "database"],
            "payments-platform-team", ["card-processing", "pos-gateway", "settlement", "fraud-scoring"])
        for k in 1...3 {
            add("pay-app-0\(k)", .payment, [Self.ipv4(10, 50, 0, UInt32(10 + k))], 4, ["payment", "pci"],
                "payments-platform-team", ["card-processing", "pos-gateway", "settlement"])
        }
        let pay = srv.upperBound..<hosts.count
        for k in 1...2 {
            add("dc-0\(k)", .domainController, [Self.ipv4(10, 0, 0, UInt32(9 + k))], 4, ["domain-controller"],
                "identity-team", ["authentication", "group-policy", "dns"])
        }
        let dcs = pay.upperBound..<hosts.count
        for k in 1...5 {
            let u = staff + k - 1
            add("exec-laptop-0\(k)", .executiveLaptop, [Self.ipv4(10, 30, 0, UInt32(10 + k)), Self.ipv4(10, 31, 0, UInt32(10 + k))],
                3, ["executive"], users[u].name, ["executive-office"], user: u)
        }
        let execs = dcs.upperBound..<hosts.count
        self.hosts = hosts
        self.users = users
        workstations = ws
        servers = srv
        paymentHosts = pay
        domainControllers = dcs
        executiveLaptops = execs

        var popular: [Int] = []
        for _ in 0..<48 { popular.append(rng.below(benignPool)) }
        popularBenign = popular

        let w1 = ["secure", "login", "verify", "account", "cloud", "files", "docs", "portal", "support", "update"]
        let w2 = ["office", "drive", "bank", "mail", "sync", "auth", "share", "pay", "hr", "it", "sso", "vault"]
        maliciousDomains = (0..<Self.maliciousDomainCount).map { j in "\(w1[j % w1.count])-\(w2[(j / w1.count) % w2.count])\(j / 7).example" }
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    // MARK: External addresses, domains, hashes

    /// Benign external address `k` (198.18.0.0/15, the benchmarking range: never a real host).
    func benignIP(_ k: Int) -> UInt32 {
        let k = k % benignPool
        return Self.ipv4(198, 18 + UInt32((k / 254 / 256) % 2), UInt32((k / 254) % 256), UInt32(1 + k % 254))
    }

    /// Attacker address `j` (203.0.113.0/24 and 198.51.100.0/24, documentation ranges).
    func maliciousIP(_ j: Int) -> UInt32 {
        j < 200 ? Self.ipv4(203, 0, 113, UInt32(20 + j)) : Self.ipv4(198, 51, 100, UInt32(20 + j - 200))
    }

    /// Benign domain `k`, written into `out` unquoted (ASCII, needs no escaping).
    static let benignPrefixes: [[UInt8]] = ["telemetry", "update", "static", "api", "sync", "assets", "metrics", "cdn"].map { Array($0.utf8) }
    static let benignSuffixes: [[UInt8]] = [".cloudsvc.example", ".saas-vendor.example", ".cdnhost.example", ".office-apps.example", ".analytics.example"].map { Array($0.utf8) }
    func writeBenignDomain(_ k: Int, to out: TextBuffer) {
        let k = k % benignPool
        out.raw(Self.benignPrefixes[k % 8]); out.byte(0x2D); out.int(k / 8); out.raw(Self.benignSuffixes[k % 5])
    }
    func benignDomain(_ k: Int) -> String {
        let b = TextBuffer(capacity: 64)
        writeBenignDomain(k, to: b)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    /// SHA-256 hex of benign file `k` / malicious file `j` (64 hex digits from the seed).
    func writeHash(malicious: Bool, _ k: Int, to out: TextBuffer) {
        let tag: UInt64 = malicious ? 0xBAD0_0000 : 0x600D_0000
        for part in 0..<4 { out.hex(ScenarioRandom.mix(seed, tag | UInt64(part), UInt64(k))) }
    }
    func hash(malicious: Bool, _ k: Int) -> String {
        let b = TextBuffer(capacity: 64)
        writeHash(malicious: malicious, k, to: b)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    static let urlPaths = ["/login/verify", "/secure/account/update", "/docs/share?id=", "/o365/auth?session=", "/payroll/view?ref=", "/invoice/download?n="]
    func maliciousURL(_ j: Int) -> String {
        "https://" + maliciousDomains[j % maliciousDomains.count] + Self.urlPaths[j % Self.urlPaths.count] + (j % 3 == 0 ? "" : String(1000 + j))
    }

    // MARK: Which feed lists what

    /// Bit mask of the feeds (bit = index in `feeds`) that list malicious IP `j`.
    func ipFeeds(_ j: Int) -> UInt8 {
        if j == Self.threeFeedIndex { return 0b00111 }  // exactly three validated feeds, not the community list
        return listing(kind: 1, j, validated: [0, 1, 2])
    }
    func domainFeeds(_ j: Int) -> UInt8 { listing(kind: 2, j, validated: [0, 2, 3]) }
    func urlFeeds(_ j: Int) -> UInt8 { listing(kind: 3, j, validated: [1, 2, 3]) }
    func hashFeeds(_ j: Int) -> UInt8 {
        if j == Self.knownBadHashIndex { return 0b10101 }  // abuse-intel, gov-cert (validated) and the community list
        return listing(kind: 4, j, validated: [0, 1, 2])
    }

    /// 25 % of attacker infrastructure is fresh (no feed), 35 % on one validated feed, 28 % on
    /// two, 12 % on three; the community list repeats about a third of it.
    private func listing(kind: UInt64, _ j: Int, validated: [Int]) -> UInt8 {
        let r = ScenarioRandom.mix(seed, 0xFEED_0000 | kind, UInt64(j))
        let u = Double(r >> 11) * 0x1.0p-53
        let count = u < 0.25 ? 0 : u < 0.60 ? 1 : u < 0.88 ? 2 : 3
        var mask: UInt8 = 0
        var order = validated
        let shift = Int((r >> 3) % UInt64(order.count))
        order = Array(order[shift...] + order[..<shift])
        for f in order.prefix(count) { mask |= 1 << UInt8(f) }
        if (r >> 7) % 3 == 0 { mask |= 1 << UInt8(Self.communityFeed) }
        return mask
    }

    /// Number of validated feeds in `mask`.
    static func validatedCount(_ mask: UInt8) -> Int { (mask & 0b01111).nonzeroBitCount }
}
