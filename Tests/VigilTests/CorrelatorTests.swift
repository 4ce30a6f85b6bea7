import Testing
import Vigil

/// An alert at `minute` naming `entities` ("host:x", "user:y", ...).
func alert(_ uid: String, minute: Int, _ entities: String..., severity: Int = 3, techniques: [String] = []) -> Alert {
    Alert(uid: uid, title: "t", timeMs: Int64(minute) * 60_000 + 1_700_000_000_000, severityID: severity, productName: "edr",
          schemaVersion: "1.8.0", techniques: techniques,
          entities: entities.map { e in
              let parts = e.split(separator: ":", maxSplits: 1).map(String.init)
              return EntityKey(EntityKind(rawValue: parts[0])!, parts[1])!
          })
}

struct CorrelatorTests {
    func correlate(_ alerts: [Alert], window minutes: Int64 = 30, fanOut: Int = 1000) throws -> [Incident] {
        var c = try Correlator(windowMs: minutes * 60_000, maxAlertsPerEntity: fanOut)
        return c.add(alerts) + c.finish()
    }

    @Test func sharedEntityWithinTheWindowMakesOneIncident() throws {
        let incidents = try correlate([alert("a", minute: 0, "host:ws1", "ip:10.0.0.1"), alert("b", minute: 29, "host:WS1")])
        #expect(incidents.count == 1)
        #expect(incidents[0].alerts.map(\.uid) == ["a", "b"])
        #expect(incidents[0].id == "inc-a")
        #expect(incidents[0].linkingEntities == [EntityKey(.host, "ws1")!])
    }

    @Test func sharedEntityOutsideTheWindowStaysApart() throws {
        let incidents = try correlate([alert("a", minute: 0, "host:ws1"), alert("b", minute: 31, "host:ws1")])
        #expect(incidents.map(\.id) == ["inc-a", "inc-b"])
    }

    @Test func linkingIsTransitiveAcrossEntityKinds() throws {
        let incidents = try correlate([
            alert("c", minute: 10, "user:bob", "file_hash:ABC"),
            alert("a", minute: 0, "host:ws1"),
            alert("b", minute: 5, "host:ws1", "user:bob"),
            alert("d", minute: 12, "host:other"),
        ])
        #expect(incidents.count == 2)
        #expect(incidents[0].alerts.map(\.uid) == ["a", "b", "c"], "time order, whatever the arrival order")
        #expect(incidents[0].users == ["bob"])
        #expect(incidents[1].alerts.map(\.uid) == ["d"])
    }

    @Test func aPhishingCampaignIsOneIncidentNotFifty() throws {
        let alerts = (0..<50).map { alert("p\($0)", minute: $0 / 5, "user:recipient\($0)", "url:https://evil.example/login", "domain:evil.example") }
        let incidents = try correlate(alerts)
        #expect(incidents.count == 1)
        #expect(incidents[0].alerts.count == 50)
        #expect(incidents[0].users.count == 50)
    }

    @Test func aVeryCommonEntityStopsLinking() throws {
        // 20 unrelated hosts all reach the same external service, caught by the same rule.
        let alerts = (0..<20).map { alert("x\($0)", minute: $0, "host:h\($0)", "ip:198.51.100.53") }
        let incidents = try correlate(alerts, fanOut: 5)
        #expect(incidents.count > 1)
        #expect(incidents.allSatisfy { $0.alerts.count <= 5 })
        var c = try Correlator(maxAlertsPerEntity: 5)
        _ = c.add(alerts)
        #expect(c.saturatedEntities == [EntityKey(.ip, "198.51.100.53")!])
    }

    @Test func streamingClosesOldIncidentsAndKeepsMemoryToOneWindow() throws {
        var c = try Correlator(windowMs: 30 * 60_000)
        c.maxAlertsPerSubject = 100
        var closed: [Incident] = []
        // One alert per minute for a day, each host active for 10 minutes.
        for batch in 0..<144 {
            let alerts = (0..<10).map { m in alert("a\(batch * 10 + m)", minute: batch * 10 + m, "host:h\(batch)") }
            closed += c.add(alerts)
            #expect(c.openCount <= 8, "open incidents stay within window + lateness")
        }
        closed += c.finish()
        #expect(closed.count == 144)
        #expect(closed.allSatisfy { $0.alerts.count == 10 })
        #expect(Set(closed.flatMap { $0.alerts.map(\.uid) }).count == 1440, "no alert lost")
    }

    @Test func infrastructureAndOtherDetectionsDoNotLink() throws {
        // Two hosts that merely name the same file server, and the same SaaS domain seen by
        // two different detections, are not one story.
        var a = alert("a", minute: 0, "host:ws1", "host:fileserver", "domain:saas.example")
        a.deviceHostname = "ws1"
        var b = alert("b", minute: 5, "host:ws2", "host:fileserver", "domain:saas.example")
        b.deviceHostname = "ws2"
        b.analyticName = "other rule"
        #expect(try correlate([a, b]).count == 2)
        // An admin account on two different hosts' alerts of different detections does not
        // join them; on identity alerts (no device) the account is the subject and does.
        var x = alert("x", minute: 0, "host:ws1", "user:admin")
        x.deviceHostname = "ws1"
        var y = alert("y", minute: 3, "host:ws2", "user:admin")
        y.deviceHostname = "ws2"
        y.analyticName = "other rule"
        #expect(try correlate([x, y]).count == 2)
        #expect(try correlate([alert("s1", minute: 0, "user:admin"), alert("s2", minute: 3, "user:admin")]).count == 1)
        var c = try Correlator()
        c.commonEntities = [EntityKey(.domain, "evil.example")!]
        let split = c.add([alert("p", minute: 0, "domain:evil.example"), alert("q", minute: 1, "domain:evil.example")]) + c.finish()
        #expect(split.count == 2, "entities common in the history never link")
    }

    @Test func incidentsStopGrowingAtTheirCaps() throws {
        var c = try Correlator(maxIncidentAlerts: 10)
        c.maxAlertsPerSubject = 1000
        let chain = (0..<30).map { alert("u\($0)", minute: $0, "user:admin") }
        let incidents = c.add(chain) + c.finish()
        #expect(incidents.allSatisfy { $0.alerts.count <= 10 })
        #expect(c.cappedLinks > 0)
        #expect(incidents.map(\.alerts.count).reduce(0, +) == 30, "no alert lost")
    }

    @Test func aCampaignStaysWholeEvenWhenItsRecipientsBringOtherActivity() throws {
        // 30 recipients of one phishing URL, each host with 3 other alerts just before:
        // 120 alerts, past the 64-alert cap, but the campaign must not be split.
        var alerts: [Alert] = []
        for r in 0..<30 {
            for k in 0..<3 {
                var other = alert("o\(r)-\(k)", minute: k, "host:rcpt\(r)")
                other.deviceHostname = "rcpt\(r)"
                other.analyticName = "noise \(k)"
                alerts.append(other)
            }
            var phish = alert("p\(r)", minute: 5, "host:rcpt\(r)", "url:https://evil.example/x")
            phish.deviceHostname = "rcpt\(r)"
            phish.analyticName = "phishing link clicked"
            alerts.append(phish)
        }
        let incidents = try correlate(alerts)
        let holding = incidents.filter { inc in inc.alerts.contains { $0.uid.hasPrefix("p") } }
        #expect(holding.count == 1)
        #expect(holding.first.map { inc in inc.alerts.filter { $0.uid.hasPrefix("p") }.count } == 30)
    }

    @Test func rejectsImpossibleSettings() {
        #expect(throws: VigilError.invalidConfiguration(file: "correlation", location: "window", reason: "must be > 0 ms, got 0")) {
            _ = try Correlator(windowMs: 0)
        }
        #expect(throws: VigilError.self) { _ = try Correlator(maxAlertsPerEntity: 1) }
    }

    @Test func incidentAggregates() throws {
        let incidents = try correlate([
            alert("a", minute: 0, "host:ws1", severity: 2, techniques: ["T1059.001"]),
            alert("b", minute: 1, "host:ws1", "host:ws2", severity: 5, techniques: ["T1059.001", "T1021.002"]),
        ])
        #expect(incidents[0].maxSeverity == 5)
        #expect(incidents[0].techniques == ["T1059.001", "T1021.002"])
        #expect(incidents[0].hosts == ["ws1", "ws2"])
    }
}
