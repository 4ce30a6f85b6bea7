/// Writes the day's context: the asset inventory (`assets.csv`), the threat-intel feeds
/// (two STIX 2.1 bundles and three CSV IOC lists under `intel/`) and the feeds file
/// (`feeds.json`) that declares them, in the formats `AssetInventory` and `FeedCatalogue`
/// read.
struct ContextFiles {
    let world: ScenarioWorld
    let dayStartMs: Int64

    /// `assets.csv`: `hostname,ip,criticality,tags,owner,dependants`; lists are `;`-separated.
    func writeAssets(to path: String) throws(VigilError) {
        let f = try ScenarioFile(path: path)
        let b = f.buffer
        b.raw("hostname,ip,criticality,tags,owner,dependants\n")
        for h in world.hosts {
            b.text(h.name); b.byte(0x2C)
            for (k, ip) in h.ips.enumerated() { if k > 0 { b.byte(0x3B) }; b.ipv4(ip) }
            b.byte(0x2C); b.int(h.criticality); b.byte(0x2C)
            b.text(h.tags.joined(separator: ";")); b.byte(0x2C)
            b.text(csvField(h.owner)); b.byte(0x2C)
            b.text(h.dependants.joined(separator: ";")); b.byte(0x0A)
        }
        try f.close()
    }

    private func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// One indicator's observable and what it is.
    struct Entry {
        enum Kind: String { case ip, domain, url, sha256 }
        var kind: Kind
        var value: String
        var description: String
    }

    /// Every entry of feed `feed` (index into `ScenarioWorld.feeds`), in a fixed order.
    func entries(of feed: Int) -> [Entry] {
        let bit: UInt8 = 1 << UInt8(feed)
        var out: [Entry] = []
        for j in 0..<ScenarioWorld.maliciousIPCount where world.ipFeeds(j) & bit != 0 {
            out.append(Entry(kind: .ip, value: ipText(world.maliciousIP(j)), description: j % 2 == 0 ? "C2 server" : "Malware distribution host"))
        }
        for j in 0..<ScenarioWorld.maliciousDomainCount where world.domainFeeds(j) & bit != 0 {
            out.append(Entry(kind: .domain, value: world.maliciousDomains[j], description: "Credential phishing domain"))
        }
        for j in 0..<ScenarioWorld.maliciousDomainCount where world.urlFeeds(j) & bit != 0 {
            out.append(Entry(kind: .url, value: world.maliciousURL(j), description: "Phishing landing page"))
        }
        for j in 0..<ScenarioWorld.maliciousHashCount where world.hashFeeds(j) & bit != 0 {
            out.append(Entry(kind: .sha256, value: world.hash(malicious: true, j), description: j == ScenarioWorld.knownBadHashIndex ? "Loader dropper (known ransomware precursor)" : "Malware sample"))
        }
        switch feed {
        case 0:
            // A validated feed is wrong too sometimes: shared CDN edges listed after one abuse report.
            for k in world.popularBenign[40...] {
                out.append(Entry(kind: .ip, value: ipText(world.benignIP(k)), description: "Reported scanning host"))
            }
        case 3:
            out.append(Entry(kind: .domain, value: ScenarioWorld.campaignDomain, description: "Invoice-themed credential phishing"))
            out.append(Entry(kind: .url, value: ScenarioWorld.campaignURL, description: "Invoice-themed credential phishing"))
        case ScenarioWorld.communityFeed:
            // False intel: the payment partner's API and popular benign services.
            out.append(Entry(kind: .ip, value: ipText(ScenarioWorld.partnerIP), description: "beaconing seen from many networks"))
            out.append(Entry(kind: .domain, value: ScenarioWorld.partnerDomain, description: "suspicious periodic traffic"))
            for k in world.popularBenign[..<40] {
                out.append(Entry(kind: .ip, value: ipText(world.benignIP(k)), description: "seen in honeypot logs"))
            }
            for k in world.popularBenign[..<12] {
                out.append(Entry(kind: .domain, value: world.benignDomain(k), description: "possible tracking domain"))
            }
        default: break
        }
        return out
    }

    /// Writes every feed file and `feeds.json`; returns the feed file paths (absolute).
    func writeIntel(folder: String) throws(VigilError) -> [String] {
        try ScenarioFile.makeFolder(folder + "/intel")
        var paths: [String] = []
        var catalogue = "{\"feeds\": [\n"
        for (k, feed) in ScenarioWorld.feeds.enumerated() {
            let path = folder + "/" + feed.file
            if feed.stix { try writeSTIX(feed: k, to: path) } else { try writeCSV(feed: k, to: path) }
            paths.append(path)
            catalogue += "  {\"name\": \(JSONText.quoted(feed.name)), \"path\": \(JSONText.quoted(feed.file)), \"format\": \"\(feed.stix ? "stix" : "csv")\", "
                + "\"validated\": \(feed.validated), \"reliability\": \(feed.reliability)}" + (k + 1 < ScenarioWorld.feeds.count ? ",\n" : "\n")
        }
        catalogue += "]}\n"
        try ScenarioFile.write(catalogue, to: folder + "/feeds.json")
        return paths
    }

    private func writeCSV(feed: Int, to path: String) throws(VigilError) {
        let f = try ScenarioFile(path: path)
        let b = f.buffer
        b.raw("type,value,description\n")
        if feed == ScenarioWorld.communityFeed { b.raw("# pasted from a public forum thread; not vetted\n") }
        for e in entries(of: feed) {
            b.text(e.kind.rawValue); b.byte(0x2C); b.text(csvField(e.value)); b.byte(0x2C); b.text(csvField(e.description)); b.byte(0x0A)
        }
        try f.close()
    }

    /// A STIX 2.1 bundle: one `identity` (the producer) and one `indicator` per entry.
    private func writeSTIX(feed: Int, to path: String) throws(VigilError) {
        let f = try ScenarioFile(path: path)
        let b = f.buffer
        let name = ScenarioWorld.feeds[feed].name
        let tag = UInt64(0x5717_0000) | UInt64(feed)
        let identity = "identity--" + uuid(tag, 0)
        let created = DayProfile.iso8601(dayStartMs - 120 * DayProfile.dayMs)
        b.raw("{\"type\":\"bundle\",\"id\":\"bundle--"); b.text(uuid(tag, 1)); b.raw("\",\"objects\":[\n")
        b.raw("{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\""); b.text(identity)
        b.raw("\",\"created\":\""); b.text(created); b.raw("\",\"modified\":\""); b.text(created)
        b.raw("\",\"name\":"); b.string(name); b.raw(",\"identity_class\":\"organization\"}")
        for (k, e) in entries(of: feed).enumerated() {
            let r = ScenarioRandom.mix(world.seed, tag, UInt64(k) + 7)
            // Listed between 3 and 90 days before the day; no valid_until, so the demo
            // stays valid whenever it is run.
            let t = dayStartMs - Int64(3 + r % 88) * DayProfile.dayMs - Int64((r >> 8) % 86_400) * 1000
            let stamp = DayProfile.iso8601(t)
            let pattern: String
            switch e.kind {
            case .ip: pattern = "[ipv4-addr:value = '\(e.value)']"
            case .domain: pattern = "[domain-name:value = '\(e.value)']"
            case .url: pattern = "[url:value = '\(e.value)']"
            case .sha256: pattern = "[file:hashes.'SHA-256' = '\(e.value)']"
            }
            b.raw(",\n{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"); b.text(uuid(tag, UInt64(k) + 2))
            b.raw("\",\"created_by_ref\":\""); b.text(identity)
            b.raw("\",\"created\":\""); b.text(stamp); b.raw("\",\"modified\":\""); b.text(stamp)
            b.raw("\",\"name\":"); b.string(e.description)
            b.raw(",\"pattern\":"); b.string(pattern)
            b.raw(",\"pattern_type\":\"stix\",\"valid_from\":\""); b.text(stamp)
            b.raw("\",\"indicator_types\":[\"malicious-activity\"],\"labels\":[\"malicious-activity\"],\"confidence\":"); b.int(60 + Int(r % 40))
            b.byte(0x7D)
        }
        b.raw("\n]}\n")
        try f.close()
    }

    /// A version-4-shaped UUID derived from the seed (deterministic, unique per (tag, n)).
    func uuid(_ tag: UInt64, _ n: UInt64) -> String {
        let hi = (ScenarioRandom.mix(world.seed, tag, n) & 0xFFFF_FFFF_FFFF_0FFF) | 0x4000
        let lo = (ScenarioRandom.mix(world.seed, tag ^ 0xFFFF, n) & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let b = TextBuffer(capacity: 40)
        b.hex(hi >> 32, digits: 8); b.byte(0x2D); b.hex((hi >> 16) & 0xFFFF, digits: 4); b.byte(0x2D); b.hex(hi & 0xFFFF, digits: 4)
        b.byte(0x2D); b.hex(lo >> 48, digits: 4); b.byte(0x2D); b.hex(lo & 0xFFFF_FFFF_FFFF, digits: 12)
        return String(decoding: b.bytes, as: UTF8.self)
    }

    func ipText(_ v: UInt32) -> String { "\(v >> 24).\((v >> 16) & 255).\((v >> 8) & 255).\(v & 255)" }
}
