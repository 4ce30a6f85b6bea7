import Foundation
import Testing
import Vigil

/// A generated scenario in a fresh temporary folder.
private struct Generated {
    let dir: String
    let manifest: ScenarioManifest

    init(seed: UInt64 = 2026, history: Int = 3_000, today: Int = 4_000) throws {
        dir = NSTemporaryDirectory() + "vigil-scenario-\(UUID().uuidString)"
        manifest = try SOCDayScenario(seed: seed, historyCases: history, todayAlerts: today).write(to: dir)
    }

    func bytes(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }
    func text(_ path: String) -> String { String(decoding: bytes(path), as: UTF8.self) }
    func lines(_ path: String) -> [Substring] { text(path).split(separator: "\n", omittingEmptySubsequences: true) }

    func objects(_ path: String) throws -> [[String: Any]] {
        try lines(path).map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not an object: \(line.prefix(80))")
        }
    }

    /// truth.csv as uid → (malicious, scenario).
    func truth() -> [String: (malicious: Bool, scenario: String)] {
        var out: [String: (Bool, String)] = [:]
        for row in lines(manifest.truthPath).dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            out[f[0]] = (f[1] == "1", f[2])
        }
        return out
    }

    /// feeds.json entries with paths resolved.
    func feeds() throws -> [(name: String, path: String, validated: Bool, format: String)] {
        let top = try #require(try JSONSerialization.jsonObject(with: bytes(manifest.feedsPath)) as? [String: Any])
        let list = try #require(top["feeds"] as? [[String: Any]])
        return try list.map { f in
            (try #require(f["name"] as? String), dir + "/" + (try #require(f["path"] as? String)),
             try #require(f["validated"] as? Bool), try #require(f["format"] as? String))
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

private extension Dictionary where Key == String, Value == Any {
    func at(_ path: String) -> Any? {
        var current: Any? = self
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }
    func int(_ path: String) -> Int? { at(path) as? Int }
    func string(_ path: String) -> String? { at(path) as? String }
    var observables: [(name: String, type: Int, value: String)] {
        ((self["observables"] as? [[String: Any]]) ?? []).map { ($0["name"] as? String ?? "", $0["type_id"] as? Int ?? -1, $0["value"] as? String ?? "") }
    }
}

@Suite("SOC day scenario generator")
struct ScenarioTests {
    @Test("same seed gives byte-identical files, another seed different ones")
    func determinism() throws {
        let a = try Generated(seed: 7, history: 1_500, today: 2_500)
        let b = try Generated(seed: 7, history: 1_500, today: 2_500)
        let c = try Generated(seed: 8, history: 1_500, today: 2_500)
        defer { a.remove(); b.remove(); c.remove() }
        let relative = a.manifest.allPaths.map { String($0.dropFirst(a.dir.count)) }
        #expect(relative.count == 11)
        for r in relative {
            #expect(a.bytes(a.dir + r) == b.bytes(b.dir + r), "\(r) differs between two runs with the same seed")
            #expect(!a.bytes(a.dir + r).isEmpty, "\(r) is empty")
        }
        #expect(a.bytes(a.manifest.alertsPath) != c.bytes(c.manifest.alertsPath))
        #expect(a.bytes(a.manifest.historyPath) != c.bytes(c.manifest.historyPath))
        #expect(a.manifest.scenarios.map(\.uids) == b.manifest.scenarios.map(\.uids))
    }

    @Test("every alert and case is a valid OCSF 1.8.0 Detection Finding of plausible size")
    func validOCSF() throws {
        let g = try Generated()
        defer { g.remove() }
        let observableTypes: Set<Int> = [1, 2, 4, 5, 6, 7, 8]
        let actions = Set(ActionKind.allCases.map(\.rawValue) + ["none"])
        for (path, closed) in [(g.manifest.alertsPath, false), (g.manifest.historyPath, true)] {
            let records = try g.objects(path)
            #expect(records.count == (closed ? 3_000 : 4_000))
            let sizes = g.lines(path).map(\.utf8.count)
            let mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
            #expect((600...1_600).contains(mean), "mean record size \(mean) bytes")
            #expect(sizes.min()! >= 500 && sizes.max()! <= 2_500, "sizes \(sizes.min()!)…\(sizes.max()!)")
            var uids: Set<String> = []
            for r in records {
                let activity = closed ? 3 : 1
                #expect(r.int("class_uid") == 2004 && r.int("category_uid") == 2)
                #expect(r.int("activity_id") == activity && r.int("type_uid") == 200_400 + activity)
                #expect(r.int("status_id") == (closed ? 4 : 1))
                let time = try #require(r.int("time"))
                #expect(time > 1_700_000_000_000 && time < 1_900_000_000_000, "time must be in ms")
                #expect((1...5).contains(r.int("severity_id") ?? -1))
                #expect((1...3).contains(r.int("confidence_id") ?? -1) && (0...100).contains(r.int("confidence_score") ?? -1))
                #expect(r.string("metadata.version") == "1.8.0")
                #expect(r.string("metadata.product.name") != nil && r.string("metadata.product.vendor_name") != nil)
                #expect(r.string("metadata.tenant_uid") == "acme-corp")
                let uid = try #require(r.string("finding_info.uid"))
                #expect(uids.insert(uid).inserted, "duplicate uid \(uid)")
                #expect(r.string("finding_info.title")?.isEmpty == false)
                #expect(r.string("finding_info.analytic.uid") != nil && r.string("finding_info.analytic.name") != nil)
                #expect(r.int("finding_info.created_time") != nil)
                for attack in (r.at("finding_info.attacks") as? [[String: Any]]) ?? [] {
                    let technique = try #require(attack.string("technique.uid"))
                    #expect(technique.wholeMatch(of: /T\d{4}(\.\d{3})?/) != nil, "technique \(technique)")
                    #expect(attack.string("tactic.uid")?.wholeMatch(of: /TA\d{4}/) != nil)
                }
                let observables = r.observables
                #expect(!observables.isEmpty)
                for o in observables { #expect(observableTypes.contains(o.type) && !o.value.isEmpty, "observable \(o)") }
                #expect(r.string("unmapped.sensor_version") != nil && r.int("unmapped.rule_revision") != nil)
                let action = try #require(r.string("unmapped.action_taken"))
                #expect(actions.contains(action))
                #expect((r["unmapped"] as? [String: Any])?.keys.contains { $0.hasPrefix("x_") } == true, "vendor-specific extras")
                if closed {
                    #expect([1, 2, 5, 7].contains(r.int("verdict_id") ?? -1))
                } else {
                    #expect(r["verdict_id"] == nil && action == "none")
                }
            }
        }
    }

    @Test("truth.csv covers every alert; alerts are in time order within the day")
    func truthAndTime() throws {
        let g = try Generated()
        defer { g.remove() }
        let alerts = try g.objects(g.manifest.alertsPath)
        let truth = g.truth()
        #expect(g.lines(g.manifest.truthPath).first == "uid,malicious,scenario")
        #expect(truth.count == alerts.count)
        let uids = alerts.compactMap { $0.string("finding_info.uid") }
        #expect(Set(uids) == Set(truth.keys))
        let malicious = truth.values.filter(\.malicious).count
        #expect(malicious == g.manifest.maliciousAlertCount)
        let share = Double(malicious) / Double(alerts.count)
        #expect(share > 0.01 && share < 0.08, "malicious share \(share)")
        let times = alerts.compactMap { $0.int("time") }
        #expect(times == times.sorted())
        let start = Int(g.manifest.dayStartMs)
        #expect(times.allSatisfy { $0 >= start && $0 < start + 86_400_000 })
        // More alerts in business hours (07-19 UTC) than in the other twelve hours.
        let business = times.filter { (7..<19).contains(($0 - start) / 3_600_000) }.count
        #expect(Double(business) > 0.65 * Double(times.count))
        // Every detection family appears in the background.
        let scenarios = Set(truth.values.map(\.scenario))
        for family in ["c2-beacon", "phishing", "malware-execution", "credential-access", "lateral-movement", "exfiltration", "vpn-anomaly", "informational"] {
            #expect(scenarios.contains("background:\(family)"), "no background \(family)")
        }
    }

    @Test("the five planted scenarios are present with their stated properties")
    func plantedScenarios() throws {
        let g = try Generated()
        defer { g.remove() }
        let alerts = try g.objects(g.manifest.alertsPath)
        let byUID = Dictionary(uniqueKeysWithValues: alerts.map { ($0.string("finding_info.uid")!, $0) })
        let truth = g.truth()
        let names = ["c2-on-payment", "exec-vpn-travel", "ip-three-feeds", "known-bad-hash", "phishing-campaign"]
        #expect(g.manifest.scenarios.map(\.name) == names)
        var scenarioAlerts: [String: [[String: Any]]] = [:]
        for s in g.manifest.scenarios {
            #expect(!s.uids.isEmpty)
            for uid in s.uids {
                #expect(uid.hasPrefix(s.uidPrefix))
                #expect(truth[uid]?.scenario == s.name && truth[uid]?.malicious == s.malicious)
            }
            scenarioAlerts[s.name] = try s.uids.map { try #require(byUID[$0], "\($0) not in alerts.ndjson") }
        }
        let manifestJSON = try #require(try JSONSerialization.jsonObject(with: g.bytes(g.manifest.manifestPath)) as? [String: Any])
        #expect((manifestJSON["scenarios"] as? [[String: Any]])?.count == 5)

        let feeds = try g.feeds()
        func validatedFeeds(listing needle: String) -> [String] {
            feeds.filter { $0.validated && (g.text($0.path).contains("'\(needle)'") || g.text($0.path).contains(",\(needle),")) }.map(\.name)
        }
        func anyFeed(listing needle: String) -> Bool {
            feeds.contains { g.text($0.path).contains("'\(needle)'") || g.text($0.path).contains(",\(needle),") }
        }

        // a. payment servers beacon to the partner API; not on any validated feed.
        let payment = scenarioAlerts["c2-on-payment"]!
        #expect(payment.count >= 4)
        for a in payment {
            #expect(a.string("device.hostname")?.hasPrefix("pay-") == true)
            #expect(a.string("dst_endpoint.ip") == "192.0.2.10")
            #expect((a.at("finding_info.attacks") as? [[String: Any]])?.first?.string("technique.uid") == "T1071.001")
        }
        #expect(Set(payment.compactMap { $0.string("device.hostname") }).count == 4)
        #expect(validatedFeeds(listing: "192.0.2.10").isEmpty)
        #expect(anyFeed(listing: "192.0.2.10"), "the unvalidated community list carries the false intel")

        // b. the executive's laptop, a foreign IP, valid-accounts / impossible-travel.
        let travel = scenarioAlerts["exec-vpn-travel"]!
        for a in travel {
            #expect(a.string("device.hostname") == "exec-laptop-02")
            #expect(a.string("src_endpoint.ip") == "192.0.2.77")
        }
        #expect(travel.contains { ($0.at("finding_info.attacks") as? [[String: Any]])?.first?.string("technique.uid") == "T1078" })

        // c. 203.0.113.66 on exactly three validated feeds, from a workstation.
        #expect(validatedFeeds(listing: "203.0.113.66").count == 3, "\(validatedFeeds(listing: "203.0.113.66"))")
        for a in scenarioAlerts["ip-three-feeds"]! {
            #expect(a.string("dst_endpoint.ip") == "203.0.113.66")
            #expect(a.string("device.hostname")?.hasPrefix("ws-") == true)
        }

        // d. the executed file's SHA-256 is on validated feeds.
        let hashAlerts = scenarioAlerts["known-bad-hash"]!
        let hash = try #require(hashAlerts.first?.observables.first { $0.type == 8 }?.value)
        #expect(hash.count == 64)
        #expect(validatedFeeds(listing: hash).count >= 2)
        #expect(hashAlerts.allSatisfy { ($0.at("finding_info.attacks") as? [[String: Any]])?.first?.string("technique.uid") == "T1204.002" })

        // e. ~50 recipients, same URL and sender domain, within 30 minutes.
        let phish = scenarioAlerts["phishing-campaign"]!
        #expect((45...60).contains(phish.count))
        let urls = Set(phish.flatMap { $0.observables.filter { $0.type == 6 }.map(\.value) })
        let domains = Set(phish.flatMap { $0.observables.filter { $0.name.hasSuffix("domain") }.map(\.value) })
        #expect(urls.count == 1 && domains.count == 1)
        #expect(Set(phish.compactMap { $0.string("actor.user.name") }).count == phish.count)
        #expect(Set(phish.compactMap { $0.string("device.hostname") }).count == phish.count)
        let times = phish.compactMap { $0.int("time") }
        #expect(times.max()! - times.min()! <= 30 * 60_000)
    }

    @Test("context files load with Vigil's own readers and say what the scenarios need")
    func contextFiles() throws {
        let g = try Generated(history: 200, today: 500)
        defer { g.remove() }
        // assets.csv by hand …
        let rows = g.lines(g.manifest.assetsPath)
        #expect(rows.first == "hostname,ip,criticality,tags,owner,dependants")
        let assets = rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(assets.allSatisfy { $0.count == 6 })
        func hosts(tag: String) -> [[String]] { assets.filter { $0[3].split(separator: ";").contains(Substring(tag)) } }
        #expect((380...420).contains(assets.filter { $0[2] == "1" }.count))
        #expect((35...45).contains(hosts(tag: "server").count))
        #expect(hosts(tag: "server").allSatisfy { $0[2] == "2" || $0[2] == "3" })
        #expect(Set(hosts(tag: "payment").map { $0[0] }) == ["pay-db-01", "pay-app-01", "pay-app-02", "pay-app-03"])
        #expect(hosts(tag: "payment").allSatisfy { $0[2] == "4" && $0[5].contains("card-processing") && $0[5].split(separator: ";").count >= 3 })
        #expect(Set(hosts(tag: "domain-controller").map { $0[0] }) == ["dc-01", "dc-02"])
        #expect(hosts(tag: "executive").count == 5 && hosts(tag: "executive").allSatisfy { $0[2] == "3" && !$0[4].isEmpty })
        #expect(assets.contains { $0[1].contains(";") }, "some assets have several IPs")
        // … and with the inventory loader.
        let inventory = try AssetInventory.load(contentsOf: g.manifest.assetsPath)
        #expect(inventory.count == assets.count)
        #expect(inventory.asset(hostname: "pay-db-01", ip: nil)?.tags.contains("payment") == true)
        #expect(inventory.asset(hostname: "exec-laptop-02", ip: nil)?.criticality == 3)

        // feeds.json: paths exist, ≥ 3 validated feeds (two STIX, one CSV) and one unvalidated.
        let feeds = try g.feeds()
        for f in feeds { #expect(FileManager.default.fileExists(atPath: f.path), "\(f.path)") }
        #expect(feeds.filter { $0.validated && $0.format == "stix" }.count >= 2)
        #expect(feeds.filter { $0.validated && $0.format == "csv" }.count >= 1)
        #expect(feeds.contains { !$0.validated })
        for f in feeds where f.format == "stix" {
            let bundle = try #require(try JSONSerialization.jsonObject(with: g.bytes(f.path)) as? [String: Any])
            #expect(bundle["type"] as? String == "bundle")
            let indicators = ((bundle["objects"] as? [[String: Any]]) ?? []).filter { $0["type"] as? String == "indicator" }
            #expect(indicators.count > 50)
            for i in indicators {
                for key in ["spec_version", "id", "created", "modified", "pattern", "pattern_type", "valid_from"] { #expect(i[key] is String, "\(key)") }
                #expect((i["id"] as? String)?.wholeMatch(of: /indicator--[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil)
                #expect(i["spec_version"] as? String == "2.1" && i["pattern_type"] as? String == "stix")
            }
        }
        for f in feeds where f.format == "csv" {
            #expect(g.lines(f.path).first == "type,value,description")
        }
        // Corroboration as the intel loader counts it.
        let intel = try ThreatIntel.load(feedsFile: g.manifest.feedsPath)
        #expect(intel.corroboration(of: EntityKey(.ip, "203.0.113.66")!) == 3)
        #expect(intel.corroboration(of: EntityKey(.ip, "192.0.2.10")!) == 0)
        #expect(!intel.hits(for: EntityKey(.ip, "192.0.2.10")!).isEmpty)
        let hash = try #require(g.manifest.scenario(named: "known-bad-hash")?.entities.first { $0.kind == .fileHash })
        #expect(intel.corroboration(of: hash) >= 2)
    }

    @Test("history verdicts: a sensible mix, label noise, actions consistent with verdicts")
    func historyVerdicts() throws {
        let g = try Generated(history: 6_000, today: 500)
        defer { g.remove() }
        let cases = try g.objects(g.manifest.historyPath)
        var verdicts: [Int: Int] = [:]
        for c in cases { verdicts[c.int("verdict_id")!, default: 0] += 1 }
        let n = Double(cases.count)
        #expect((0.15...0.40).contains(Double(verdicts[2, default: 0]) / n), "\(verdicts)")
        #expect((0.25...0.60).contains(Double(verdicts[1, default: 0]) / n), "\(verdicts)")
        #expect((0.10...0.40).contains(Double(verdicts[5, default: 0]) / n), "\(verdicts)")
        #expect((0.005...0.06).contains(Double(verdicts[7, default: 0]) / n), "\(verdicts)")
        for c in cases {
            let verdict = c.int("verdict_id")!, action = c.string("unmapped.action_taken")!
            if verdict == 1 || verdict == 5 { #expect(["none", "enrich", "create_case"].contains(action)) }
            if verdict == 2 { #expect(action != "none") }
        }
        // The patterns a model can learn: payment-partner beacons closed as negatives, and
        // label noise exists (some intel-listed C2 detections closed as false positives).
        let partner = cases.filter { $0.string("dst_endpoint.ip") == "192.0.2.10" }
        #expect(!partner.isEmpty)
        #expect(Double(partner.filter { $0.int("verdict_id") == 2 }.count) <= 0.2 * Double(partner.count))
        let knownBad = cases.filter { $0.string("finding_info.analytic.uid") == "ndr-1002" }
        #expect(knownBad.filter { $0.int("verdict_id") == 2 }.count > knownBad.count / 2)
        #expect(cases.contains { $0.string("device.hostname")?.hasPrefix("exec-laptop") == true && $0.int("verdict_id") == 5 })
    }

    @Test("attack chains: a compromised host shows several detections within 30 minutes")
    func attackChains() throws {
        let g = try Generated()
        defer { g.remove() }
        let truth = g.truth()
        var byHost: [String: [Int]] = [:]
        for a in try g.objects(g.manifest.alertsPath) {
            let uid = a.string("finding_info.uid")!
            guard truth[uid]?.scenario.hasPrefix("attack-chain:") == true else { continue }
            let host = a.string("src_endpoint.hostname") ?? a.string("device.hostname") ?? "-"
            byHost[host, default: []].append(a.int("time")!)
        }
        #expect(byHost.count >= 5)
        let clustered = byHost.values.filter { times in
            times.count >= 2 && zip(times, times.dropFirst()).contains { $1 - $0 <= 30 * 60_000 }
        }
        #expect(clustered.count >= byHost.count / 2)
    }

    @Test("ingest accepts every generated record")
    func ingestAcceptsAll() throws {
        let g = try Generated(history: 1_000, today: 1_000)
        defer { g.remove() }
        for path in [g.manifest.alertsPath, g.manifest.historyPath] {
            let (alerts, summary) = try AlertReader(path: path).readAll(rejects: nil)
            #expect(summary.rejected == 0 && alerts.count == 1_000, "\(summary)")
        }
        let (alerts, _) = try AlertReader(path: g.manifest.alertsPath).readAll(rejects: nil)
        let phish = alerts.first { $0.alert.uid == "scn-phishing-campaign-01" }?.alert
        #expect(phish?.entities.contains(EntityKey(.domain, "invoice-remit.example")!) == true)
        #expect(phish?.entities.contains { $0.kind == .url } == true)
    }

    @Test("counts out of range are rejected", arguments: [(-1, 1_000), (10, 199), (10, 0)])
    func badCounts(history: Int, today: Int) {
        #expect(throws: VigilError.self) {
            try SOCDayScenario(historyCases: history, todayAlerts: today).write(to: NSTemporaryDirectory() + "vigil-scenario-never")
        }
    }

    @Test("JSON string escaping (RFC 8259)", arguments: ["plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "\u{1}\u{1F}\u{8}\u{C}", "unicode é 漢字 🛡️", ""])
    func escaping(_ s: String) throws {
        let quoted = JSONText.quoted(s)
        let back = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(back == [s])
        #expect(!quoted.utf8.dropFirst().dropLast().contains { $0 < 0x20 })
    }
}
