import Foundation
import Testing
import Vigil

#if canImport(Glibc)
import Glibc
#endif

/// OCSF ingest: good records of every accepted shape, every kind of bad input (each
/// surrounded by good records that must survive), array input, chunk boundaries, a 100 MB
/// line. Real temp files throughout. Serialized: the 100 MB test measures peak memory.
@Suite(.serialized)
struct IngestTests {
    // MARK: - Fixtures

    /// A complete, realistic Detection Finding as a mutable dictionary.
    static func finding(uid: String = "f-1") -> [String: Any] {
        [
            "class_uid": 2004, "category_uid": 2, "type_uid": 200401, "activity_id": 1,
            "time": 1_709_294_400_123 as Int64, "severity_id": 4, "status_id": 1,
            "metadata": ["product": ["name": " EDR X ", "vendor_name": "Acme"], "version": "1.8.0", "tenant_uid": "tenant-7"],
            "finding_info": [
                "uid": uid, "title": "Encoded PowerShell ",
                "analytic": ["uid": "rule-42", "name": "PS encoded command", "type_id": 1],
                "attacks": [
                    ["technique": ["uid": "T1059.001", "name": "PowerShell"], "tactic": ["uid": "TA0002"]],
                    ["technique": ["uid": "T1027"], "tactic": ["uid": "TA0005"]],
                ],
            ],
            "observables": [
                ["name": "device.hostname", "type_id": 1, "value": "WS-042.corp.example"],
                ["name": "dst_endpoint.ip", "type_id": 2, "value": "198.51.100.7"],
                ["name": "actor.user.name", "type_id": 4, "value": "Alice"],
                ["name": "file.hashes[0].value", "type_id": 8, "value": "ABCDEF0123"],
                ["name": "url.url_string", "type_id": 6, "value": "https://evil.example/A"],
                ["name": "dns_query.hostname", "type_id": 1, "value": "evil.example."],
                ["name": "dst_endpoint.port", "type_id": 11, "value": "443"],
            ],
            "device": ["hostname": "WS-042.corp.example", "ip": "10.0.0.5", "os": ["name": "Windows"]],
            "actor": ["user": ["name": "alice", "uid": "S-1-5-21"]],
            "confidence_id": 3, "confidence_score": 87,
            "x_vendor_extension": ["nested": [1, 2, 3], "note": "kept"],
        ]
    }

    static func json(_ object: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// `finding` with the value at a dotted path replaced (nil removes it).
    static func finding(setting path: String, to value: Any?, uid: String = "f-1") -> [String: Any] {
        func set(_ dict: [String: Any], _ keys: ArraySlice<Substring>) -> [String: Any] {
            var d = dict
            let k = String(keys.first!)
            if keys.count == 1 {
                d[k] = value
            } else {
                d[k] = set(d[k] as? [String: Any] ?? [:], keys.dropFirst())
            }
            return d
        }
        return set(finding(uid: uid), path.split(separator: ".")[...])
    }

    final class TempDir {
        let url: URL
        init() {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ingest-\(UUID().uuidString)")
            try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        func file(_ name: String, _ text: String) -> String {
            let p = url.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
            return p
        }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    struct Run {
        var alerts: [IngestedAlert]
        var summary: IngestSummary
        var rejects: [[String: Any]]
    }

    /// Reads `text` from a temp file through `AlertReader`, with a reject file.
    static func run(_ text: String, maxRecordBytes: Int = AlertReader.defaultMaxRecordBytes,
                    chunkBytes: Int = AlertReader.defaultChunkBytes, format: AlertInputFormat = .auto) throws -> Run {
        let dir = TempDir()
        let input = dir.file("alerts.ndjson", text)
        let rejectPath = dir.path("rejects.ndjson")
        let writer = try RejectWriter(path: rejectPath)
        let reader = AlertReader(path: input, maxRecordBytes: maxRecordBytes, format: format, chunkBytes: chunkBytes)
        let (alerts, summary) = try reader.readAll(rejects: writer)
        try writer.close()
        let lines = try String(contentsOfFile: rejectPath, encoding: .utf8).split(separator: "\n")
        let rejects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(rejects.allSatisfy { ($0["source"] as? String) == input })
        return Run(alerts: alerts, summary: summary, rejects: rejects)
    }

    // MARK: - Good records

    @Test func readsEveryFieldOfAGoodRecord() throws {
        let r = try Self.run(Self.json(Self.finding()) + "\n")
        #expect(r.summary.accepted == 1 && r.summary.rejected == 0)
        let a = try #require(r.alerts.first).alert
        #expect(a.uid == "f-1")
        #expect(a.title == "Encoded PowerShell")
        #expect(a.timeMs == 1_709_294_400_123)
        #expect(a.classUID == 2004 && a.activityID == 1 && a.severityID == 4)
        #expect(a.productName == "EDR X" && a.schemaVersion == "1.8.0" && a.tenantUID == "tenant-7")
        #expect(a.analyticUID == "rule-42" && a.analyticName == "PS encoded command")
        #expect(a.techniques == ["T1059.001", "T1027"])
        #expect(a.tactics == ["TA0002", "TA0005"])
        #expect(a.confidenceID == 3 && a.confidenceScore == 87)
        #expect(a.deviceHostname == "WS-042.corp.example" && a.deviceIP == "10.0.0.5" && a.userName == "alice")
        #expect(a.verdictID == nil)
        #expect(a.missingFields.isEmpty)
        #expect(a.sourceLine == 1)
        let expected: Set<EntityKey> = [
            EntityKey(.host, "ws-042.corp.example")!, EntityKey(.ip, "198.51.100.7")!, EntityKey(.user, "alice")!,
            EntityKey(.fileHash, "abcdef0123")!, EntityKey(.url, "https://evil.example/A")!,
            EntityKey(.domain, "evil.example")!, EntityKey(.ip, "10.0.0.5")!,
        ]
        #expect(Set(a.entities) == expected)
        #expect(a.entities.count == expected.count, "entities are de-duplicated")
    }

    @Test(arguments: [
        ("1709294400123", Int64(1_709_294_400_123)),  // ms
        ("1709294400", Int64(1_709_294_400_000)),  // seconds
        ("1709294400.5", Int64(1_709_294_400_500)),  // fractional seconds
        ("\"2024-03-01T12:00:00Z\"", Int64(1_709_294_400_000)),
        ("\"2024-03-01T12:00:00.1Z\"", Int64(1_709_294_400_100)),
        ("\"2024-03-01T12:00:00.123Z\"", Int64(1_709_294_400_123)),
        ("\"2024-03-01T12:00:00.123456Z\"", Int64(1_709_294_400_123)),
        ("\"2024-03-01T14:00:00.123+02:00\"", Int64(1_709_294_400_123)),
        ("\"2024-03-01T07:00:00-0500\"", Int64(1_709_294_400_000)),
        ("\"2024-03-01 12:00:00Z\"", Int64(1_709_294_400_000)),
        ("\" 2024-02-29T00:00:00Z \"", Int64(1_709_164_800_000)),
    ])
    func normalisesTimeToMilliseconds(time: String, ms: Int64) throws {
        let line = Self.json(Self.finding()).replacingOccurrences(of: "\"time\":1709294400123", with: "\"time\":\(time)")
        let r = try Self.run(line)
        #expect(r.rejects.isEmpty)
        #expect(r.alerts.first?.alert.timeMs == ms)
    }

    @Test func mapsOCSF10SecurityFinding() throws {
        var f = Self.finding()
        f["class_uid"] = 2001
        f["type_uid"] = 200101
        f["finding"] = ["uid": "sf-9", "title": "Open S3 bucket", "types": ["Policy"]]
        f["finding_info"] = nil
        let r = try Self.run(Self.json(f))
        let a = try #require(r.alerts.first).alert
        #expect(a.classUID == 2001 && a.uid == "sf-9" && a.title == "Open S3 bucket")
        #expect(a.missingFields.contains("finding_info.analytic"))
    }

    @Test func derivesSeverityFromRiskLevel() throws {
        var f = Self.finding()
        f["severity_id"] = nil
        f["risk_level_id"] = 3
        let a = try #require(try Self.run(Self.json(f)).alerts.first).alert
        #expect(a.severityID == 4)
        #expect(a.missingFields.contains("severity_id"))
    }

    @Test func readsBareConfidenceAndVerdict() throws {
        var f = Self.finding()
        f["confidence_id"] = nil
        f["confidence_score"] = nil
        f["confidence"] = 55
        f["verdict_id"] = 2
        let a = try #require(try Self.run(Self.json(f)).alerts.first).alert
        #expect(a.confidenceScore == 55 && a.confidenceID == nil && a.verdictID == 2)
    }

    @Test func observableTypeFallsBackOnNamePath() throws {
        var f = Self.finding()
        f["observables"] = [
            ["name": "src_endpoint.ip", "type_id": 0, "value": "203.0.113.9"],
            ["name": "process.file.hashes.sha256", "type_id": -1, "value": "FFEE"],
            ["name": "email.domain", "type_id": 99, "value": "Phish.Example"],
            ["name": "something.else", "type_id": 0, "value": "ignored"],
            ["name": "port", "type_id": 11, "value": 443],
            ["type_id": 2],
        ]
        f["device"] = nil
        f["actor"] = nil
        let a = try #require(try Self.run(Self.json(f)).alerts.first).alert
        #expect(Set(a.entities) == [EntityKey(.ip, "203.0.113.9")!, EntityKey(.fileHash, "ffee")!,
                                    EntityKey(.domain, "phish.example")!])
        #expect(a.missingFields.contains("device"))
        #expect(!a.missingFields.contains("observables"))
    }

    @Test func entitiesFallBackWhenObservablesAreAbsent() throws {
        var f = Self.finding()
        f["observables"] = nil
        f["device"] = ["name": "SRV-PAY-01", "ip": "10.1.1.1"]
        f["actor"] = ["user": ["uid": "svc-backup"]]
        f["src_endpoint"] = ["ip": "192.0.2.10", "hostname": "laptop-9"]
        f["dst_endpoint"] = ["ip": "198.51.100.7", "port": 443]
        f["resources"] = [["hostname": "db-1", "type": "host"]]
        f["evidences"] = [[
            "file": ["hashes": [["algorithm_id": 3, "value": "AA11"]]],
            "url": ["url_string": "http://x.example/p"],
            "query": ["hostname": "c2.example"],
            "actor": ["user": ["name": "bob"]],
        ]]
        let a = try #require(try Self.run(Self.json(f)).alerts.first).alert
        #expect(a.deviceHostname == "SRV-PAY-01" && a.deviceIP == "10.1.1.1" && a.userName == "svc-backup")
        #expect(Set(a.entities) == [
            EntityKey(.host, "srv-pay-01")!, EntityKey(.ip, "10.1.1.1")!, EntityKey(.user, "svc-backup")!,
            EntityKey(.ip, "192.0.2.10")!, EntityKey(.host, "laptop-9")!, EntityKey(.ip, "198.51.100.7")!,
            EntityKey(.host, "db-1")!, EntityKey(.fileHash, "aa11")!, EntityKey(.url, "http://x.example/p")!,
            EntityKey(.domain, "c2.example")!, EntityKey(.user, "bob")!,
        ])
        #expect(a.missingFields.contains("observables"))
    }

    @Test func recordsMissingRecommendedFields() throws {
        var f = Self.finding()
        f["observables"] = nil
        f["device"] = nil
        f["confidence_id"] = nil
        f["confidence_score"] = nil
        f["finding_info"] = ["uid": "u", "title": "t"]
        let a = try #require(try Self.run(Self.json(f)).alerts.first).alert
        #expect(a.missingFields == ["finding_info.analytic", "finding_info.attacks", "observables", "device", "confidence"])
    }

    @Test func keepsUnknownFieldsInRawText() throws {
        let line = Self.json(Self.finding())
        let r = try Self.run("  " + line + "  \r\n")
        let raw = try #require(r.alerts.first).raw
        #expect(String(raw) == line)
        let back = try JSONSerialization.jsonObject(with: Data(raw.utf8)) as! [String: Any]
        #expect((back["x_vendor_extension"] as? [String: Any])?["note"] as? String == "kept")
    }

    @Test func handlesCRLFBlankLinesBOMAndMissingFinalNewline() throws {
        let a = Self.json(Self.finding(uid: "a")), b = Self.json(Self.finding(uid: "b"))
        let text = "\u{FEFF}" + a + "\r\n\r\n   \n\t\r\n" + b
        let r = try Self.run(text)
        #expect(r.summary.accepted == 2 && r.summary.rejected == 0)
        #expect(r.alerts.map(\.alert.sourceLine) == [1, 5])
        #expect(r.alerts.map { String($0.raw) } == [a, b])
    }

    // MARK: - Bad input: each between two good records

    struct BadCase: Sendable, CustomTestStringConvertible {
        let name: String
        let line: String
        let field: String
        let kind: RejectReason
        let reasonContains: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = {
        let good = json(finding(uid: "bad"))
        func with(_ path: String, _ value: Any?) -> String { json(finding(setting: path, to: value, uid: "bad")) }
        var attacks = finding(uid: "bad")
        var fi = attacks["finding_info"] as! [String: Any]
        fi["attacks"] = [["technique": ["uid": "T1059"]], ["technique": ["uid": "T59"]]]
        attacks["finding_info"] = fi
        var tactic = finding(uid: "bad")
        fi["attacks"] = [["technique": ["uid": "T1059"], "tactic": ["uid": "TA2"]]]
        tactic["finding_info"] = fi
        var subTechnique = finding(uid: "bad")
        fi["attacks"] = [["technique": ["uid": "T1059.1"]]]
        subTechnique["finding_info"] = fi
        return [
            BadCase(name: "malformed JSON", line: #"{"class_uid":2004,,"activity_id":1}"#, field: "$", kind: .malformedJSON, reasonContains: "malformed JSON"),
            BadCase(name: "not JSON at all", line: "hello world", field: "$", kind: .malformedJSON, reasonContains: "malformed JSON"),
            BadCase(name: "truncated line", line: #"{"class_uid":2004,"finding_info":{"uid":"x","attacks":[{"technique":"#, field: "finding_info.attacks[0].technique", kind: .truncated, reasonContains: "truncated"),
            BadCase(name: "line cut in half", line: String(good.prefix(good.count / 2)), field: "metadata.tenant_uid", kind: .truncated, reasonContains: "truncated"),
            BadCase(name: "truncated inside string", line: #"{"class_uid":2004,"metadata":{"version":"1.8"#, field: "metadata.version", kind: .truncated, reasonContains: "truncated"),
            BadCase(name: "trailing content", line: good + "{}", field: "$", kind: .malformedJSON, reasonContains: "malformed"),
            BadCase(name: "not an object", line: "[1,2]", field: "$", kind: .wrongType, reasonContains: "JSON object"),
            BadCase(name: "NaN confidence", line: good.replacingOccurrences(of: "\"confidence_score\":87", with: "\"confidence_score\":NaN"), field: "confidence_score", kind: .nonFiniteNumber, reasonContains: "NaN"),
            BadCase(name: "Infinity time", line: good.replacingOccurrences(of: "\"time\":1709294400123", with: "\"time\":-Infinity"), field: "time", kind: .nonFiniteNumber, reasonContains: "Infinity"),
            BadCase(name: "NaN nested", line: good.replacingOccurrences(of: "\"type_id\":11", with: "\"type_id\":NaN"), field: "observables[6].type_id", kind: .nonFiniteNumber, reasonContains: "NaN"),
            BadCase(name: "missing class_uid", line: with("class_uid", nil), field: "class_uid", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "unsupported class", line: with("class_uid", 4001), field: "class_uid", kind: .invalidValue, reasonContains: "4001"),
            BadCase(name: "class_uid string", line: with("class_uid", "2004"), field: "class_uid", kind: .wrongType, reasonContains: "expected an integer, got a string"),
            BadCase(name: "missing activity_id", line: with("activity_id", nil), field: "activity_id", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "missing time", line: with("time", nil), field: "time", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "time without offset", line: with("time", "2024-03-01T12:00:00"), field: "time", kind: .invalidValue, reasonContains: "ISO-8601"),
            BadCase(name: "impossible date", line: with("time", "2023-02-29T12:00:00Z"), field: "time", kind: .invalidValue, reasonContains: "ISO-8601"),
            BadCase(name: "time as object", line: with("time", ["ms": 1]), field: "time", kind: .wrongType, reasonContains: "got an object"),
            BadCase(name: "negative time", line: with("time", -5), field: "time", kind: .invalidValue, reasonContains: "negative"),
            BadCase(name: "time in microseconds", line: with("time", 1_709_294_400_123_000 as Int64), field: "time", kind: .invalidValue, reasonContains: "9999"),
            BadCase(name: "severity string", line: with("severity_id", "4"), field: "severity_id", kind: .wrongType, reasonContains: "got a string"),
            BadCase(name: "severity out of range", line: with("severity_id", 7), field: "severity_id", kind: .invalidValue, reasonContains: "0-6 or 99"),
            BadCase(name: "severity fractional", line: with("severity_id", 2.5), field: "severity_id", kind: .wrongType, reasonContains: "fraction"),
            BadCase(name: "missing severity and risk", line: with("severity_id", nil), field: "severity_id", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "missing metadata", line: with("metadata", nil), field: "metadata", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "missing product name", line: with("metadata.product.name", nil), field: "metadata.product.name", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "blank product name", line: with("metadata.product.name", "   "), field: "metadata.product.name", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "missing version", line: with("metadata.version", nil), field: "metadata.version", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "version as number", line: with("metadata.version", 1.8), field: "metadata.version", kind: .wrongType, reasonContains: "expected a string"),
            BadCase(name: "missing finding_info", line: with("finding_info", nil), field: "finding_info", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "finding_info array", line: with("finding_info", [1]), field: "finding_info", kind: .wrongType, reasonContains: "got an array"),
            BadCase(name: "missing finding uid", line: with("finding_info.uid", nil), field: "finding_info.uid", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "null finding uid", line: with("finding_info.uid", NSNull()), field: "finding_info.uid", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "uid as number", line: with("finding_info.uid", 12), field: "finding_info.uid", kind: .wrongType, reasonContains: "expected a string"),
            BadCase(name: "missing title", line: with("finding_info.title", nil), field: "finding_info.title", kind: .missingField, reasonContains: "missing"),
            BadCase(name: "unknown technique id", line: json(attacks), field: "finding_info.attacks[1].technique.uid", kind: .invalidAttackID, reasonContains: "'T59'"),
            BadCase(name: "bad sub-technique id", line: json(subTechnique), field: "finding_info.attacks[0].technique.uid", kind: .invalidAttackID, reasonContains: "T1234.001"),
            BadCase(name: "bad tactic id", line: json(tactic), field: "finding_info.attacks[0].tactic.uid", kind: .invalidAttackID, reasonContains: "TA1234"),
            BadCase(name: "attacks not array", line: with("finding_info.attacks", "T1059"), field: "finding_info.attacks", kind: .wrongType, reasonContains: "expected an array"),
            BadCase(name: "observables not array", line: with("observables", ["x": 1]), field: "observables", kind: .wrongType, reasonContains: "expected an array"),
            BadCase(name: "confidence string", line: with("confidence_id", "high"), field: "confidence_id", kind: .wrongType, reasonContains: "integer"),
            BadCase(name: "invalid UTF-8", line: "{\"class_uid\":2004,\"x\":\"\u{FFFD}\"}".replacingOccurrences(of: "\u{FFFD}", with: "\u{01}"), field: "$", kind: .malformedJSON, reasonContains: "malformed"),
        ]
    }()

    @Test(arguments: badCases)
    func rejectsBadRecordAndKeepsItsNeighbours(_ c: BadCase) throws {
        let a = Self.json(Self.finding(uid: "before")), b = Self.json(Self.finding(uid: "after"))
        let r = try Self.run(a + "\n" + c.line + "\n" + b + "\n")
        #expect(r.alerts.map(\.alert.uid) == ["before", "after"])
        #expect(r.alerts.map(\.alert.sourceLine) == [1, 3])
        #expect(r.summary.accepted == 2 && r.summary.rejected == 1 && r.summary.rejectedByReason == [c.kind: 1])
        let reject = try #require(r.rejects.first)
        #expect(r.rejects.count == 1)
        #expect(reject["line"] as? Int == 2)
        #expect(reject["field"] as? String == c.field)
        let reason = reject["reason"] as? String ?? ""
        #expect(reason.contains(c.reasonContains), "reason: \(reason)")
        #expect(reject["record"] as? String == c.line)
    }

    @Test func rejectEntryEscapesAndNamesError() throws {
        let r = RejectedRecord(source: "a\"b", line: 3, field: "x", kind: .malformedJSON, reason: "bad\n\u{01}", record: "{\"q\":\"\\\"}")
        let back = try JSONSerialization.jsonObject(with: Data(r.jsonLine.utf8)) as! [String: Any]
        #expect(back["source"] as? String == "a\"b" && back["reason"] as? String == "bad\n\u{01}")
        #expect(back["record"] as? String == "{\"q\":\"\\\"}" && back["line"] as? Int == 3)
        #expect(r.error == .invalidRecord(source: "a\"b", line: 3, field: "x", reason: "bad\n\u{01}"))
        let long = RejectedRecord(source: "s", line: 1, field: "$", kind: .oversized, reason: "r",
                                  record: String(repeating: "é", count: 40_000))
        #expect(long.record.utf8.count == RejectedRecord.maxRecordTextBytes)
    }

    // MARK: - JSON array input

    @Test func readsJSONArrayAndReportsElementNumbers() throws {
        let a = Self.json(Self.finding(uid: "a")), c = Self.json(Self.finding(uid: "c"))
        let bad = Self.json(Self.finding(setting: "finding_info.uid", to: nil))
        let text = "\n  [\n  " + a + ",\n" + bad + " ,\r\n" + c + "\n]\n"
        let r = try Self.run(text)
        #expect(r.alerts.map(\.alert.uid) == ["a", "c"])
        #expect(r.alerts.map(\.alert.sourceLine) == [1, 3])
        #expect(r.alerts.map { String($0.raw) } == [a, c])
        #expect(r.rejects.count == 1 && r.rejects[0]["line"] as? Int == 2 && r.rejects[0]["field"] as? String == "finding_info.uid")
    }

    @Test func readsPrettyPrintedArrayAcrossChunks() throws {
        let records = (0..<200).map { Self.finding(uid: "p\($0)") }
        let data = try JSONSerialization.data(withJSONObject: records, options: [.prettyPrinted, .sortedKeys])
        let r = try Self.run(String(decoding: data, as: UTF8.self), chunkBytes: 4096)
        #expect(r.alerts.map(\.alert.uid) == (0..<200).map { "p\($0)" })
        #expect(r.rejects.isEmpty)
    }

    @Test func truncatedArrayKeepsCompleteElements() throws {
        let a = Self.json(Self.finding(uid: "a")), b = Self.json(Self.finding(uid: "b"))
        let r1 = try Self.run("[" + a + "," + b)
        #expect(r1.alerts.map(\.alert.uid) == ["a", "b"])
        #expect(r1.rejects.count == 1 && r1.summary.rejectedByReason == [.truncated: 1])
        let r2 = try Self.run("[" + a + "," + String(b.prefix(100)))
        #expect(r2.alerts.map(\.alert.uid) == ["a"])
        #expect(r2.rejects.count == 1 && r2.rejects[0]["line"] as? Int == 2)
        #expect(r2.summary.rejectedByReason == [.truncated: 1])
        let r3 = try Self.run("[" + a + "] trailing")
        #expect(r3.alerts.count == 1 && r3.summary.rejectedByReason == [.malformedJSON: 1])
        let r4 = try Self.run("[]")
        #expect(r4.alerts.isEmpty && r4.summary.rejected == 0)
    }

    @Test func oversizedArrayElementIsSkipped() throws {
        let a = Self.json(Self.finding(uid: "a")), c = Self.json(Self.finding(uid: "c"))
        var big = Self.finding(uid: "big")
        big["padding"] = String(repeating: "x", count: 20_000)
        let r = try Self.run("[" + a + "," + Self.json(big) + "," + c + "]", maxRecordBytes: 8192, chunkBytes: 4096)
        #expect(r.alerts.map(\.alert.uid) == ["a", "c"])
        #expect(r.alerts.map(\.alert.sourceLine) == [1, 3])
        #expect(r.rejects.count == 1 && r.rejects[0]["line"] as? Int == 2)
        #expect(r.summary.rejectedByReason == [.oversized: 1])
    }

    // MARK: - Sizes, chunks, batches

    @Test(arguments: [4096, 5000, AlertReader.defaultChunkBytes])
    func recordsCrossingChunkBoundariesSurvive(chunkBytes: Int) throws {
        let lines = (0..<1000).map { Self.json(Self.finding(uid: "r\($0)")) }
        let r = try Self.run(lines.joined(separator: "\n") + "\n", chunkBytes: chunkBytes)
        #expect(r.alerts.count == 1000 && r.rejects.isEmpty)
        #expect(r.alerts.map { String($0.raw) } == lines)
        #expect(r.alerts.map(\.alert.sourceLine) == Array(1...1000))
    }

    @Test func fileLargerThanOneDefaultChunk() throws {
        let dir = TempDir()
        let path = dir.path("big.ndjson")
        let line = Self.json(Self.finding()) + "\n"
        let copies = (9 << 20) / line.utf8.count + 10
        _ = FileManager.default.createFile(atPath: path, contents: Data(String(repeating: line, count: copies).utf8))
        let summary = try AlertReader(path: path).forEachBatch(batchSize: 1000, rejects: nil) { _ in }
        #expect(summary.accepted == copies && summary.rejected == 0)
        #expect(summary.bytes > AlertReader.defaultChunkBytes)
    }

    @Test(arguments: [1, 7, 8, 9, 1000])
    func batchesHaveExactSize(batchSize: Int) throws {
        let dir = TempDir()
        let good = (0..<25).map { Self.json(Self.finding(uid: "b\($0)")) }
        var lines = good
        lines.insert("{bad", at: 5)
        let path = dir.file("a.ndjson", lines.joined(separator: "\n"))
        var sizes: [Int] = []
        var uids: [String] = []
        let summary = try AlertReader(path: path).forEachBatch(batchSize: batchSize, rejects: nil) { batch in
            sizes.append(batch.count)
            uids += batch.map(\.alert.uid)
        }
        #expect(uids == (0..<25).map { "b\($0)" })
        #expect(sizes.dropLast().allSatisfy { $0 == batchSize } && (sizes.last ?? 0) > 0)
        #expect(summary.accepted == 25 && summary.rejected == 1)
    }

    @Test func emptyInputsYieldNothing() throws {
        for text in ["", "\n\n", "  \r\n"] {
            let r = try Self.run(text)
            #expect(r.alerts.isEmpty && r.summary.rejected == 0)
        }
    }

    @Test func missingFileIsAnIOError() {
        #expect(throws: VigilError.self) {
            _ = try AlertReader(path: "/nonexistent/alerts.ndjson").readAll(rejects: nil)
        }
    }

    @Test func parsesInMemoryBodies() throws {
        let body = Self.json(Self.finding(uid: "m1")) + "\n{oops\n" + Self.json(Self.finding(uid: "m2"))
        let writer = RejectWriter()
        let (alerts, summary) = try AlertReader.parse(body, source: "req-17", rejects: writer)
        #expect(alerts.map(\.alert.uid) == ["m1", "m2"])
        #expect(summary.accepted == 2 && summary.rejected == 1)
        #expect(writer.collected.map(\.line) == [2] && writer.collected.first?.source == "req-17")
        let array = "[" + Self.json(Self.finding(uid: "m3")) + "]"
        #expect(try AlertReader.parse(array, source: "req-18", rejects: nil).alerts.map(\.alert.uid) == ["m3"])
    }

    /// A 100 MB single line between good records: rejected as oversized, skipped in
    /// chunks, memory stays bounded.
    @Test func hundredMegabyteLineIsRejectedWithoutBufferingIt() throws {
        let dir = TempDir()
        let path = dir.path("huge.ndjson")
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let a = Self.json(Self.finding(uid: "before")), b = Self.json(Self.finding(uid: "after"))
        handle.write(Data((a + "\n{\"class_uid\":2004,\"padding\":\"").utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        handle.write(Data(("\"}\n" + b + "\n").utf8))
        try handle.close()

        let rssBefore = Self.peakRSSBytes()
        let r = try Self.runFile(path)
        let growth = Self.peakRSSBytes() - rssBefore
        #expect(r.alerts.map(\.alert.uid) == ["before", "after"])
        #expect(r.alerts.map(\.alert.sourceLine) == [1, 3])
        #expect(r.summary.rejectedByReason == [.oversized: 1])
        let reject = try #require(r.rejects.first)
        #expect(reject["line"] as? Int == 2 && reject["field"] as? String == "$")
        #expect((reject["reason"] as? String ?? "").contains("1048576"))
        #expect((reject["record"] as? String)?.utf8.count == RejectedRecord.maxRecordTextBytes)
        #expect(growth < 48 << 20, "peak RSS grew by \(growth >> 20) MiB")
    }

    static func runFile(_ path: String) throws -> Run {
        let rejectPath = path + ".rejects"
        let writer = try RejectWriter(path: rejectPath)
        let (alerts, summary) = try AlertReader(path: path).readAll(rejects: writer)
        try writer.close()
        let lines = try String(contentsOfFile: rejectPath, encoding: .utf8).split(separator: "\n")
        let rejects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        return Run(alerts: alerts, summary: summary, rejects: rejects)
    }

    static func peakRSSBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }

    @Test func attackIDSyntax() {
        #expect(AttackID.isTechnique("T1059") && AttackID.isTechnique("T1059.001"))
        #expect(!AttackID.isTechnique("T59") && !AttackID.isTechnique("T1059.1") && !AttackID.isTechnique("TA0001"))
        #expect(AttackID.isTactic("TA0001") && !AttackID.isTactic("T0001") && !AttackID.isTactic("TA01"))
    }
}
