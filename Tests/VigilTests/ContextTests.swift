import Foundation
import Testing
import Vigil

/// A fresh temporary folder per test; fixtures are real files in it.
private struct Fixture {
    let dir: String

    init() {
        dir = NSTemporaryDirectory() + "vigil-context-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = dir + "/" + name
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }
}

/// The message of the error `body` throws (fails the test when it does not throw).
private func message(_ body: () throws(VigilError) -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    do {
        try body()
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return ""
    } catch {
        return error.description
    }
}

/// The context part of triage: asset inventory and threat intel (run with `--filter ContextTests`).
enum ContextTests {}

// MARK: - Asset inventory

extension ContextTests { struct AssetInventoryTests {
    @Test func loadsCSVWithQuotedFields() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let path = fx.write("assets.csv", """
            hostname,ip,criticality,tags,owner,dependants
            pay-01.corp.example,10.0.0.5;10.0.0.6,4,payment;pci,"Payments, EMEA","checkout;""ledger"" service"
            WS-042.corp.example,10.1.2.3 2001:DB8::0:1,1,,,
            "exec-laptop-7",,3,executive,"Office of the CEO
            (travel)",
            ,192.0.2.10,2,,,

            """)
        let inv = try AssetInventory.load(contentsOf: path)
        #expect(inv.count == 4)
        let pay = try #require(inv.asset(hostname: "PAY-01.corp.example.", ip: nil))
        #expect(pay.criticality == 4)
        #expect(pay.ips == ["10.0.0.5", "10.0.0.6"])
        #expect(pay.tags == ["payment", "pci"])
        #expect(pay.owner == "Payments, EMEA")
        #expect(pay.dependants == ["checkout", "\"ledger\" service"])
        #expect(inv.asset(hostname: nil, ip: "10.0.0.6") == pay)
        #expect(inv.asset(hostname: nil, ip: "2001:db8::1")?.hostname == "ws-042.corp.example")
        #expect(inv.asset(hostname: "exec-laptop-7", ip: nil)?.owner == "Office of the CEO\n(travel)")
        #expect(inv.asset(hostname: nil, ip: "192.0.2.10")?.hostname == nil)
        #expect(inv.asset(for: EntityKey(.ip, "192.0.2.10")!)?.criticality == 2)
        #expect(inv.asset(hostname: "unknown", ip: "203.0.113.9") == nil)
    }

    @Test func loadsJSONWithStringOrArrayIPs() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let path = fx.write("assets.json", """
            [{"hostname": "dc-01.corp.example", "ip": ["10.0.0.1", "10.0.0.2"], "criticality": 4,
              "tags": ["domain-controller"], "owner": "IT", "dependants": ["login", "dns"]},
             {"hostname": "ws-1", "ip": "10.0.9.9", "criticality": 0, "tags": "lab;disposable"}]
            """)
        let inv = try AssetInventory.load(contentsOf: path)
        #expect(inv.count == 2)
        let dc = try #require(inv.asset(hostname: "dc-01", ip: nil))
        #expect(dc.ips == ["10.0.0.1", "10.0.0.2"] && dc.tags == ["domain-controller"] && dc.dependants == ["login", "dns"])
        #expect(inv.asset(hostname: nil, ip: "10.0.9.9")?.tags == ["lab", "disposable"])
    }

    @Test func shortAndFullyQualifiedNamesMatchWhenUnambiguous() throws {
        let inv = try AssetInventory(assets: [
            Asset(hostname: "ws-042.corp.example", criticality: 1),
            Asset(hostname: "db-7", criticality: 3),
            Asset(hostname: "app.corp.example", criticality: 2),
            Asset(hostname: "app.lab.example", criticality: 0),
        ])
        #expect(inv.asset(hostname: "WS-042", ip: nil)?.hostname == "ws-042.corp.example")
        #expect(inv.asset(hostname: "db-7.corp.example", ip: nil)?.hostname == "db-7")
        // Ambiguous short name: no asset, but both candidates are visible.
        #expect(inv.asset(hostname: "app", ip: nil) == nil)
        #expect(inv.candidates(hostname: "app").map(\.hostname) == ["app.corp.example", "app.lab.example"])
        #expect(inv.asset(hostname: "app.lab.example", ip: nil)?.criticality == 0)
        #expect(inv.asset(hostname: "ws-042.other.example", ip: nil) == nil)
        // The host name wins over a conflicting IP; the IP is the fallback.
        #expect(inv.candidates(hostname: "nothing").isEmpty)
    }

    @Test func hostnameWinsOverIPAndIPIsFallback() throws {
        let inv = try AssetInventory(assets: [
            Asset(hostname: "a", ips: ["10.0.0.1"], criticality: 1),
            Asset(hostname: "b", ips: ["10.0.0.2"], criticality: 2),
        ])
        #expect(inv.asset(hostname: "a", ip: "10.0.0.2")?.hostname == "a")
        #expect(inv.asset(hostname: "zzz", ip: "10.0.0.2")?.hostname == "b")
    }

    @Test(arguments: [
        ("5", "line 2, column criticality: criticality must be an integer 0-4, got '5'"),
        ("high", "line 2, column criticality: criticality must be an integer 0-4, got 'high'"),
        ("-1", "criticality must be an integer 0-4, got '-1'"),
        ("", "line 2, column criticality: criticality is required"),
    ])
    func rejectsBadCriticality(value: String, expected: String) {
        let fx = Fixture()
        defer { fx.remove() }
        let path = fx.write("a.csv", "hostname,criticality\nws-1,\(value)\n")
        let text = message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: path) }
        #expect(text.hasPrefix(path + ": "))
        #expect(text.contains(expected), "\(text)")
    }

    @Test func rejectsUnknownAndMissingColumns() {
        let fx = Fixture()
        defer { fx.remove() }
        let unknown = fx.write("u.csv", "hostname,criticality,location\nws-1,2,Paris\n")
        let text = message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: unknown) }
        #expect(text == "\(unknown): line 1, column 3: unknown column 'location' (known columns: hostname, ip, criticality, tags, owner, dependants)")
        let noCrit = fx.write("n.csv", "hostname,ip\nws-1,10.0.0.1\n")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: noCrit) }
            .contains("line 1: missing required column 'criticality'"))
        let noName = fx.write("m.csv", "owner,criticality\nbob,2\n")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: noName) }
            .contains("needs a 'hostname' or an 'ip' column"))
    }

    @Test func reportsEveryBadRowInOneError() {
        let fx = Fixture()
        defer { fx.remove() }
        let path = fx.write("a.csv", """
            hostname,ip,criticality
            ok-1,10.0.0.1,2
            ,,3
            bad-ip,10.0.0.300,1
            crit,,high
            dup,10.0.0.1,1
            short,10.0.0.9
            range,10.0.0.0/24,1
            """)
        let text = message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: path) }
        #expect(text.hasPrefix("\(path): line 3: needs a hostname or an ip (and 5 more problems:"), "\(text)")
        #expect(text.contains("line 4, column ip: '10.0.0.300' is not an IPv4 or IPv6 address"))
        #expect(text.contains("line 5, column criticality: criticality must be an integer 0-4, got 'high'"))
        #expect(text.contains("line 6, ip: IP 10.0.0.1 already used at line 2"))
        #expect(text.contains("line 7: expected 3 fields (as in the header), found 2"))
        #expect(text.contains("line 8, column ip: '10.0.0.0/24' is a range"))
    }

    @Test func capsTheListOfProblems() {
        let fx = Fixture()
        defer { fx.remove() }
        let rows = (0..<30).map { "h\($0),9" }.joined(separator: "\n")
        let path = fx.write("a.csv", "hostname,criticality\n" + rows)
        let text = message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: path) }
        #expect(text.contains("(and 29 more problems:"))
        #expect(text.contains("… 10 more not shown"))
    }

    @Test func rejectsDuplicateHostnames() {
        let fx = Fixture()
        defer { fx.remove() }
        let path = fx.write("a.csv", "hostname,criticality\nWS-1,1\nws-1.,2\n")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: path) }
            == "\(path): line 3, hostname: host name 'ws-1' already used at line 2")
    }

    @Test func rejectsBadJSONTypesAndKeys() {
        let fx = Fixture()
        defer { fx.remove() }
        let path = fx.write("a.json", """
            [{"hostname": "a", "criticality": "3"},
             {"hostname": "b", "criticality": 2, "site": "Paris"},
             {"hostname": 7, "criticality": 1},
             {"hostname": "c", "ip": [1, 2], "criticality": 1},
             {"hostname": "d", "criticality": true},
             {"hostname": "e", "criticality": 2.5},
             {"hostname": "f", "tags": {"x": 1}, "criticality": 1},
             {"ip": "10.0.0.1"},
             "not an object"]
            """)
        let text = message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: path) }
        #expect(text.hasPrefix("\(path): [0].criticality: criticality must be an integer 0-4, got \"3\""), "\(text)")
        for fragment in [
            "[1].site: unknown key 'site'",
            "[2].hostname: expected a string, found a number",
            "[3].ip[0]: expected a string, found a number",
            "[4].criticality: criticality must be an integer 0-4, got true",
            "[5].criticality: criticality must be an integer 0-4, got 2.5",
            "[6].tags: expected a string or an array of strings, found an object",
            "[7].criticality: criticality is required",
            "[8]: expected an object, found a string",
        ] {
            #expect(text.contains(fragment), "missing: \(fragment)")
        }
    }

    @Test func rejectsMalformedFiles() {
        let fx = Fixture()
        defer { fx.remove() }
        let json = fx.write("a.json", "[{\"hostname\": \"a\",\n \"criticality\": 1,}]")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: json) }
            == "\(json): line 2, column 19: not valid JSON: expected a quoted member name")
        let notArray = fx.write("b.json", "{\"hostname\": \"a\"}")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: notArray) }
            .contains("top level: expected an array of asset objects, found an object"))
        let csv = fx.write("c.csv", "hostname,criticality\n\"ws-1,2\n")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: csv) }
            == "\(csv): line 2: quoted field never closed")
        let missing = fx.dir + "/nope.csv"
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: missing) } == "\(missing): no such file")
        let empty = fx.write("e.csv", "")
        #expect(message { () throws(VigilError) in _ = try AssetInventory.load(contentsOf: empty) }.contains("empty file"))
    }
}}

// MARK: - STIX patterns

extension ContextTests { struct STIXPatternTests {
    @Test(arguments: [
        ("[ipv4-addr:value = '198.51.100.7']", "ip:198.51.100.7"),
        ("[ipv4-addr:value = '198.51.100.7/32']", "ip:198.51.100.7"),
        ("[ipv6-addr:value = '2001:DB8:0::7']", "ip:2001:db8::7"),
        ("[domain-name:value = 'Evil.Example']", "domain:evil.example"),
        ("[url:value = 'http://evil.example/Path?q=1']", "url:http://evil.example/Path?q=1"),
        ("[url:value = 'http://evil.example/it\\'s']", "url:http://evil.example/it's"),
        ("[file:hashes.'SHA-256' = '\(String(repeating: "AB", count: 32))']", "file_hash:\(String(repeating: "ab", count: 32))"),
        ("[file:hashes.SHA256 = '\(String(repeating: "cd", count: 32))']", "file_hash:\(String(repeating: "cd", count: 32))"),
        ("[file:hashes.MD5 = '\(String(repeating: "0", count: 32))']", "file_hash:\(String(repeating: "0", count: 32))"),
        ("[file:hashes.'SHA-1' = '\(String(repeating: "1", count: 40))']", "file_hash:\(String(repeating: "1", count: 40))"),
        ("[file:hashes.'sha1' = '\(String(repeating: "2", count: 40))']", "file_hash:\(String(repeating: "2", count: 40))"),
    ])
    func readsEachSupportedKind(pattern: String, expected: String) throws {
        let result = try STIXPattern.observables(in: pattern)
        #expect(result.entities.map(\.description) == [expected])
        #expect(result.unsupported.isEmpty)
    }

    @Test func readsOrInsideAndAcrossObservations() throws {
        let inside = try STIXPattern.observables(in: "[ipv4-addr:value = '192.0.2.1' OR domain-name:value = 'a.example']")
        #expect(inside.entities.map(\.description) == ["ip:192.0.2.1", "domain:a.example"])
        let across = try STIXPattern.observables(
            in: "([ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2']) or [url:value = 'x://y']")
        #expect(across.entities.map(\.description) == ["ip:192.0.2.1", "ip:192.0.2.2", "url:x://y"])
        let repeated = try STIXPattern.observables(in: "[ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.1']")
        #expect(repeated.entities.count == 1)
    }

    @Test(arguments: [
        ("[ipv4-addr:value = '192.0.2.1' AND network-traffic:dst_port = 443]", "AND inside an observation"),
        ("[ipv4-addr:value = '192.0.2.1'] AND [domain-name:value = 'a.example']", "AND between observations"),
        ("[ipv4-addr:value = '192.0.2.1'] FOLLOWEDBY [domain-name:value = 'a.example']", "FOLLOWEDBY between observations"),
        ("[ipv4-addr:value = '192.0.2.1'] WITHIN 300 SECONDS", "WITHIN qualifier"),
        ("[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES", "REPEATS qualifier"),
        ("[email-addr:value = 'ceo@corp.example']", "email-addr:value"),
        ("[ipv4-addr:value != '192.0.2.1']", "ipv4-addr:value !="),
        ("[domain-name:value LIKE '%.example']", "domain-name:value LIKE"),
        ("[domain-name:value NOT = 'a.example']", "domain-name:value NOT ="),
        ("[ipv4-addr:value = '10.0.0.0/8']", "(address range)"),
        ("[file:hashes.SSDEEP = '3:abc:def']", "file:hashes.SSDEEP"),
        ("[network-traffic:dst_port = 443]", "network-traffic:dst_port = with a non-string value"),
        ("[ipv4-addr:value IN ('1.2.3.4', '5.6.7.8')]", "ipv4-addr:value IN with a non-string value"),
    ])
    func reportsUnsupportedPatterns(pattern: String, reason: String) throws {
        let result = try STIXPattern.observables(in: pattern)
        #expect(result.entities.isEmpty)
        #expect(result.unsupported.joined(separator: ", ").contains(reason), "\(result.unsupported)")
    }

    @Test func keepsSupportedBranchesOfAnOr() throws {
        let result = try STIXPattern.observables(in: "[email-addr:value = 'x@y.example' OR ipv4-addr:value = '192.0.2.9']")
        #expect(result.entities.map(\.description) == ["ip:192.0.2.9"])
        #expect(result.unsupported == ["email-addr:value"])
    }

    @Test(arguments: [
        "", "[ipv4-addr:value = '1.2.3.4'", "ipv4-addr:value = '1.2.3.4'", "[ipv4-addr:value = '1.2.3.4]",
        "[ipv4-addr:value = ]", "[ipv4-addr:value '1.2.3.4']", "[ipv4-addr:value = '999.1.1.1']",
        "[ipv4-addr:value = '2001:db8::1']", "[file:hashes.MD5 = 'xyz']", "[url:value = 'a\\b']",
        "[ipv4-addr:value = '1.2.3.4'] extra", "[(ipv4-addr:value = '1.2.3.4']",
    ])
    func rejectsMalformedPatterns(pattern: String) {
        #expect(throws: STIXPattern.SyntaxError.self) { try STIXPattern.observables(in: pattern) }
    }
}}

// MARK: - Threat intel

private let hashA = String(repeating: "a1", count: 32)

private func indicator(_ id: Int, _ pattern: String, extra: String = "") -> String {
    let escaped = pattern.replacingOccurrences(of: "\\", with: "\\\\")
    return """
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--00000000-0000-4000-8000-\(String(format: "%012d", id))",
         "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00Z", "valid_from": "2024-01-01T00:00:00Z",
         "pattern_type": "stix", "pattern": "\(escaped)"\(extra)}
        """
}

private func bundle(_ objects: [String]) -> String {
    "{\"type\": \"bundle\", \"id\": \"bundle--11111111-1111-4111-8111-111111111111\", \"objects\": [\n" + objects.joined(separator: ",\n") + "\n]}"
}

private func feedsFile(_ feeds: [(name: String, path: String, format: String, validated: Bool, reliability: Double)]) -> String {
    let items = feeds.map {
        "{\"name\": \"\($0.name)\", \"path\": \"\($0.path)\", \"format\": \"\($0.format)\", \"validated\": \($0.validated), \"reliability\": \($0.reliability)}"
    }
    return "{\"feeds\": [" + items.joined(separator: ", ") + "]}"
}

private func threadCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// 2025-06-01T00:00:00Z.
private let now = Date(timeIntervalSince1970: 1_748_736_000)

extension ContextTests { struct ThreatIntelTests {
    @Test func loadsBundleAndCountsEverySkip() throws {
        let fx = Fixture()
        defer { fx.remove() }
        fx.write("intel/a.json", bundle([
            indicator(1, "[ipv4-addr:value = '198.51.100.7']", extra: ", \"labels\": [\"c2\"], \"name\": \"C2 server\", \"confidence\": 80"),
            indicator(2, "[domain-name:value = 'evil.example'] OR [url:value = 'http://evil.example/x']"),
            indicator(3, "[file:hashes.'SHA-256' = '\(hashA)']"),
            indicator(4, "[ipv4-addr:value = '192.0.2.44']", extra: ", \"revoked\": true"),
            indicator(5, "[ipv4-addr:value = '192.0.2.45']", extra: ", \"valid_until\": \"2025-01-01T00:00:00Z\""),
            indicator(6, "[ipv4-addr:value = '192.0.2.46']", extra: ", \"valid_until\": \"2026-01-01T00:00:00Z\""),
            indicator(7, "[ipv4-addr:value = '192.0.2.47'] AND [domain-name:value = 'x.example']"),
            indicator(8, "[email-addr:value = 'a@b.example']"),
            indicator(9, "alert tcp any any -> any any", extra: ", \"pattern_type\": \"snort\""),
            "{\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": \"indicator--00000000-0000-4000-8000-000000000010\", \"pattern\": \"[ipv4-addr:value = '192.0.2.48']\", \"pattern_type\": \"stix\"}",
            indicator(11, "[ipv4-addr:value = '192.0.2.49'", extra: ""),
            "{\"type\": \"identity\", \"id\": \"identity--00000000-0000-4000-8000-000000000001\", \"name\": \"ACME\"}",
            indicator(12, "[email-addr:value = 'a@b.example' OR ipv6-addr:value = '2001:db8::1']"),
            indicator(13, "[ipv4-addr:value = '192.0.2.50']", extra: ", \"valid_from\": \"2030-01-01T00:00:00Z\""),
            indicator(14, "[url:value = 'http://q.example/it\\'s']"),
        ]))
        let feeds = fx.write("feeds.json", feedsFile([("alpha", "intel/a.json", "stix", true, 0.9)]))
        let intel = try ThreatIntel.load(feedsFile: feeds, now: now)
        let report = try #require(intel.report.feeds.first)
        #expect(report.loaded == 6)
        #expect(report.listings == 7)
        #expect(report.ignoredObjects == 1)
        #expect(report.issues == [.revoked: 1, .expired: 1, .unsupportedPattern: 2, .otherPatternType: 1, .malformed: 2,
                                  .partialPattern: 1, .notYetValid: 1])
        #expect(report.skipped == 8)
        let malformed = report.examples[.malformed]?.joined(separator: "\n") ?? ""
        #expect(malformed.contains("indicator--00000000-0000-4000-8000-000000000010: missing 'created'; missing 'modified'; missing 'valid_from'"))
        #expect(malformed.contains("indicator--00000000-0000-4000-8000-000000000011: pattern at character"))
        #expect(report.examples[.revoked] == ["indicator--00000000-0000-4000-8000-000000000004"])
        #expect(report.examples[.unsupportedPattern]?.first?.contains("AND between observations") == true)
        #expect(report.description.contains("feed 'alpha' (stix): 6 indicators loaded (7 listings), 8 skipped"))

        let ip = EntityKey(.ip, "198.51.100.7")!
        #expect(intel.corroboration(of: ip) == 1)
        let hit = try #require(intel.hits(for: ip).first)
        #expect(hit == IntelHit(feed: "alpha", validated: true, reliability: 0.9,
                                reference: .indicator(id: "indicator--00000000-0000-4000-8000-000000000001"),
                                labels: ["c2"], title: "C2 server", confidence: 80))
        #expect(intel.corroboration(of: EntityKey(.domain, "EVIL.example.")!) == 1)
        #expect(intel.corroboration(of: EntityKey(.url, "http://evil.example/x")!) == 1)
        #expect(intel.corroboration(of: EntityKey(.fileHash, hashA.uppercased())!) == 1)
        #expect(intel.corroboration(of: EntityKey(.ip, "2001:DB8:0::1")!) == 1)
        #expect(intel.corroboration(of: EntityKey(.ip, "192.0.2.44")!) == 0)
        #expect(intel.corroboration(of: EntityKey(.ip, "192.0.2.45")!) == 0)
        #expect(intel.corroboration(of: EntityKey(.ip, "192.0.2.46")!) == 1)
        // Exact match per kind: a domain entity does not match the URL, a host not the domain.
        #expect(intel.corroboration(of: EntityKey(.host, "evil.example")!) == 0)
        #expect(intel.corroboration(of: EntityKey(.url, "http://q.example/it's")!) == 1)
        #expect(intel.entityCount == 7)
    }

    @Test func corroborationCountsDistinctValidatedFeedsOnly() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let ip = "203.0.113.66"
        fx.write("v1.json", bundle([indicator(1, "[ipv4-addr:value = '\(ip)']"), indicator(2, "[ipv4-addr:value = '\(ip)']")]))
        fx.write("v2.csv", "type,value,description\nipv4,\(ip),seen in phishing\nip,\(ip),again\n")
        fx.write("v3.json", bundle([indicator(3, "[ipv4-addr:value = '\(ip)'] OR [domain-name:value = 'c2.example']")]))
        fx.write("u.csv", "ip,\(ip)\n")
        let feeds = fx.write("feeds.json", feedsFile([
            ("v1", "v1.json", "stix", true, 0.9), ("v2", "v2.csv", "csv", true, 0.7),
            ("v3", "v3.json", "stix", true, 0.8), ("unvalidated", "u.csv", "csv", false, 0.3),
        ]))
        let intel = try ThreatIntel.load(feedsFile: feeds, now: now)
        let key = EntityKey(.ip, ip)!
        #expect(intel.corroboration(of: key) == 3)
        #expect(intel.hits(for: key).count == 6)
        #expect(intel.hits(for: key).map(\.feed) == ["v1", "v1", "v2", "v2", "v3", "unvalidated"])
        #expect(intel.validatedFeeds(listing: key) == ["v1", "v2", "v3"])
        #expect(intel.hits(for: key)[2].reference == .line(2) && intel.hits(for: key)[2].title == "seen in phishing")
        #expect(intel.corroboration(of: EntityKey(.domain, "c2.example")!) == 1)

        // Only the unvalidated feed lists it: no corroboration, but the hit is visible.
        fx.write("u2.csv", "domain,only-unvalidated.example\n")
        let feeds2 = fx.write("feeds2.json", feedsFile([("u", "u2.csv", "csv", false, 0.5)]))
        let intel2 = try ThreatIntel.load(feedsFile: feeds2, now: now)
        #expect(intel2.corroboration(of: EntityKey(.domain, "only-unvalidated.example")!) == 0)
        #expect(intel2.hits(for: EntityKey(.domain, "only-unvalidated.example")!).count == 1)
        #expect(ThreatIntel.empty.corroboration(of: key) == 0)
    }

    @Test func readsCSVIOCListsAndCountsBadRows() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let md5 = String(repeating: "b", count: 32)
        fx.write("iocs.csv", #"""
            type,value,description
            # a comment line
            IPv4,192.0.2.1,"C2, reported by ""partner"""
            ipv6,2001:DB8::5,
            domain,Bad.Example,
            url,http://bad.example/a,
            md5,\#(md5.uppercased()),
            sha256,\#(hashA),
            hash,\#(String(repeating: "c", count: 40)),
            file_hash,\#(String(repeating: "d", count: 128)),
            sha1,abc,
            ipv4,2001:db8::9,
            ip,10.0.0.0/8,
            mutex,Global\x,
            ip
            ip,192.0.2.2,a,b
            ip,"192.0.2.3
            ",multi-line
            """#)
        let feeds = fx.write("feeds.json", feedsFile([("list", "iocs.csv", "csv", true, 0.6)]))
        let intel = try ThreatIntel.load(feedsFile: feeds, now: now)
        let report = intel.report.feeds[0]
        #expect(report.loaded == 9)
        #expect(report.ignoredObjects == 1)
        #expect(report.issues == [.malformed: 6])
        let examples = report.examples[.malformed] ?? []
        #expect(examples.count == 5)
        #expect(examples[0] == "line 11: 'abc' is not a sha1 hash (40 hex digits)")
        #expect(examples[1] == "line 12: '2001:db8::9' is not an IPv4 address")
        #expect(examples[2].hasPrefix("line 13: '10.0.0.0/8' is an address range"))
        #expect(examples[3].hasPrefix("line 14: unknown type 'mutex'"))
        #expect(examples[4] == "line 15: expected 2 or 3 fields (type,value[,description]), found 1")
        #expect(intel.hits(for: EntityKey(.ip, "192.0.2.1")!).first?.title == "C2, reported by \"partner\"")
        #expect(intel.corroboration(of: EntityKey(.ip, "2001:db8::5")!) == 1)
        #expect(intel.corroboration(of: EntityKey(.domain, "bad.example")!) == 1)
        #expect(intel.corroboration(of: EntityKey(.fileHash, md5)!) == 1)
        #expect(intel.hits(for: EntityKey(.ip, "192.0.2.3")!).first?.reference == .line(17))
    }

    @Test func feedsFileErrorsNameTheFeedAndKey() {
        let fx = Fixture()
        defer { fx.remove() }
        fx.write("a.csv", "ip,192.0.2.1\n")
        let path = fx.write("feeds.json", """
            {"feeds": [
              {"name": "a", "path": "a.csv", "format": "csv", "validated": true, "reliability": 1.5},
              {"name": "b", "path": "missing.json", "format": "stix", "validated": true, "reliability": 0.5},
              {"name": "c", "path": "a.csv", "format": "csv", "validated": "yes", "reliability": 0.5, "url": "x"},
              {"name": "a", "path": "a.csv", "format": "yaml", "reliability": 0.5}
            ], "version": 2}
            """)
        let text = message { () throws(VigilError) in _ = try FeedCatalogue.load(contentsOf: path) }
        #expect(text.hasPrefix("\(path): version: unknown key 'version'"), "\(text)")
        for fragment in [
            "feeds[0].reliability: must be a number 0.0-1.0, got 1.5",
            "feeds[1].path: no such file: \(fx.dir)/missing.json",
            "feeds[2].url: unknown key 'url'",
            "feeds[2].validated: expected true or false, found \"yes\"",
            "feeds[3].format: unknown format 'yaml'",
            "feeds[3].validated: missing (required: true or false)",
            "feeds[3].name: feed name 'a' already used by feeds[0]",
        ] {
            #expect(text.contains(fragment), "missing: \(fragment)")
        }
        let notJSON = fx.write("bad.json", "{\"feeds\": [")
        #expect(message { () throws(VigilError) in _ = try ThreatIntel.load(feedsFile: notJSON, now: now) }
            == "\(notJSON): line 1, column 12: not valid JSON: truncated: expected a value")
    }

    @Test func brokenFeedFileFailsTheLoadUnlessTolerated() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let bad = fx.write("broken.json", "{\"type\": \"bundle\", \"objects\": [\n  {\"type\": \"indicator\",\n")
        fx.write("good.csv", "ip,192.0.2.1\n")
        let feeds = fx.write("feeds.json", feedsFile([("broken", "broken.json", "stix", true, 0.9), ("good", "good.csv", "csv", true, 0.5)]))
        let text = message { () throws(VigilError) in _ = try ThreatIntel.load(feedsFile: feeds, now: now) }
        #expect(text.hasPrefix("\(bad): line 3, column 1: not valid JSON: truncated"), "\(text)")

        let intel = try ThreatIntel.load(feedsFile: feeds, now: now, tolerateBrokenFeeds: true)
        #expect(intel.report.feeds[0].failure != nil)
        #expect(intel.report.feeds[0].description.hasPrefix("feed 'broken' (stix) NOT LOADED: \(bad): line 3"))
        #expect(intel.corroboration(of: EntityKey(.ip, "192.0.2.1")!) == 1)

        let notBundle = fx.write("nb.json", "{\"type\": \"identity\", \"objects\": []}")
        let feeds2 = fx.write("feeds2.json", feedsFile([("nb", "nb.json", "stix", true, 0.9)]))
        #expect(message { () throws(VigilError) in _ = try ThreatIntel.load(feedsFile: feeds2, now: now) }
            == "\(notBundle): type: expected \"bundle\", found \"identity\"")
    }

    @Test func absoluteFeedPathsAndFormatFromExtension() throws {
        let fx = Fixture()
        defer { fx.remove() }
        let list = fx.write("lists/x.csv", "domain,a.example\n")
        let feeds = fx.write("conf/feeds.json", """
            {"feeds": [{"name": "x", "path": "\(list)", "validated": true, "reliability": 1}]}
            """)
        let catalogue = try FeedCatalogue.load(contentsOf: feeds)
        #expect(catalogue.feeds == [ThreatFeed(name: "x", path: list, format: .csv, validated: true, reliability: 1)])
    }

    @Test func loadsAHundredThousandIndicatorsQuickly() throws {
        let fx = Fixture()
        defer { fx.remove() }
        var objects: [String] = []
        objects.reserveCapacity(100_000)
        for k in 0..<100_000 {
            let pattern: String
            switch k % 4 {
            case 0: pattern = "[ipv4-addr:value = '10.\(k >> 16 & 255).\(k >> 8 & 255).\(k & 255)']"
            case 1: pattern = "[domain-name:value = 'host\(k).bad.example']"
            case 2: pattern = "[url:value = 'http://host\(k).bad.example/payload.bin']"
            default: pattern = "[file:hashes.'SHA-256' = '\(String(format: "%064x", k))']"
            }
            objects.append(indicator(k, pattern, extra: ", \"labels\": [\"malicious-activity\"]"))
        }
        fx.write("big.json", bundle(objects))
        let feeds = fx.write("feeds.json", feedsFile([("big", "big.json", "stix", true, 0.9)]))
        let clock = ContinuousClock()
        var intel = ThreatIntel.empty
        // Thread CPU time as well as wall time: on a shared machine the wall time also
        // counts the time other processes held the core.
        let cpuBefore = threadCPUSeconds()
        let elapsed = try clock.measure { intel = try ThreatIntel.load(feedsFile: feeds, now: now) }
        let cpu = threadCPUSeconds() - cpuBefore
        #expect(intel.report.feeds[0].loaded == 100_000)
        #expect(intel.entityCount == 100_000)
        #expect(intel.corroboration(of: EntityKey(.ip, "10.0.1.0")!) == 1)
        let keys = (0..<100_000).map { EntityKey(.ip, "10.\($0 >> 16 & 255).\($0 >> 8 & 255).\($0 & 255)")! }
        var found = 0
        let lookups = clock.measure { for key in keys { found += intel.corroboration(of: key) } }
        #expect(found == 25_000)
        print("context: loaded 100,000 STIX indicators in \(elapsed) (thread CPU \(cpu) s); 100,000 corroboration lookups in \(lookups)")
    }
}}
