/// Writes generated findings as OCSF 1.8.0 Detection Finding JSON lines (class_uid 2004),
/// straight into a `TextBuffer`: every constant fragment is pre-encoded once, so a record
/// costs a few dozen memcpys and integer conversions.
///
/// Open findings use activity 1 (Create, type_uid 200401, status New); closed cases use
/// activity 3 (Close, type_uid 200403, status Resolved) with the Incident profile's
/// `verdict_id`. Entities appear both in their OCSF objects (`device`, `actor.user`,
/// `src_endpoint`, `dst_endpoint`, `evidences`) and in `observables[]` (type_id 1 hostname,
/// 2 IP, 4 user name, 5 email, 6 URL, 7 file name, 8 hash; OCSF 1.8.0 has no domain type,
/// so domains are type 1 under a `….domain` name). Vendor fields go under `unmapped`.
struct OCSFWriter: Sendable {
    let world: ScenarioWorld
    let tenant: [UInt8]

    static let countries: [(code: String, city: String)] = [
        ("PT", "Lisbon"), ("SG", "Singapore"), ("BR", "Sao Paulo"), ("JP", "Tokyo"), ("ZA", "Cape Town"),
        ("AE", "Dubai"), ("MX", "Mexico City"), ("TR", "Istanbul"), ("IN", "Bangalore"), ("KE", "Nairobi"),
    ]
    static let benignFiles = ["setup.exe", "teams_update.exe", "chrome_installer.exe", "invoice_viewer.exe", "report_q3.xlsm",
                              "zoom_setup.msi", "python.exe", "7z.exe", "npp_installer.exe", "vpnclient.exe", "inventory.ps1"]
    static let maliciousFiles = ["invoice_0423.pdf.exe", "payroll_update.docm", "svchost32.exe", "update_helper.dll",
                                 "scan_0098.js", "AdobeUpdate.exe", "beacon_x64.exe", "rclone.exe"]
    static let analysts = ["soc.l1.akiyama", "soc.l1.fernandes", "soc.l2.obrien", "soc.l2.schmidt", "soc.l1.haddad", "soc.l3.ivanova"]
    private static let countryBytes = countries.map { (JSONText.quotedBytes($0.code), JSONText.quotedBytes($0.city)) }
    private static let benignFileBytes = benignFiles.map { JSONText.quotedBytes($0) }
    private static let maliciousFileBytes = maliciousFiles.map { JSONText.quotedBytes($0) }
    private static let analystBytes = analysts.map { JSONText.quotedBytes($0) }
    private static let partnerDomainBytes = Array(ScenarioWorld.partnerDomain.utf8)
    private static let campaignDomainBytes = Array(ScenarioWorld.campaignDomain.utf8)
    private let maliciousDomainBytes: [[UInt8]]
    private let products: [[UInt8]]
    private let rules: [[UInt8]]
    private let actionBytes: [[UInt8]]

    init(world: ScenarioWorld, tenant: String = "acme-corp") {
        self.world = world
        self.tenant = JSONText.quotedBytes(tenant)
        maliciousDomainBytes = world.maliciousDomains.map { Array($0.utf8) }
        products = ScenarioProduct.all.map(\.fragment)
        rules = ScenarioRule.all.map(\.fragment)
        actionBytes = ActionKind.allCases.map { JSONText.quotedBytes($0.rawValue) }
    }

    /// Appends one finding line (with its trailing newline) to `out`.
    ///
    /// - Parameters:
    ///   - uidPrefix: the `finding_info.uid` prefix; `uidNumber` (zero-padded to
    ///     `uidWidth` digits) follows it unless it is negative.
    ///   - closed: the verdict and action of a closed case; nil for an open finding.
    func write(_ s: FindingSpec, uidPrefix: [UInt8], uidNumber: Int, uidWidth: Int = 7, closed: ClosedCase?, to out: TextBuffer) {
        let rule = ScenarioRule.all[s.rule]
        let time = s.timeMs + (closed?.closeDelayMs ?? 0)
        out.reserve(2048)
        if closed != nil {
            out.raw("{\"activity_id\":3,\"category_uid\":2,\"class_uid\":2004,\"type_uid\":200403,\"time\":")
        } else {
            out.raw("{\"activity_id\":1,\"category_uid\":2,\"class_uid\":2004,\"type_uid\":200401,\"time\":")
        }
        out.int(Int(time))
        out.byte(0x2C)
        out.raw(OCSFCaptions.severity[s.severity])
        out.raw(closed != nil ? ",\"status_id\":4" : ",\"status_id\":1")
        let cid = s.confidence < 40 ? 1 : s.confidence < 75 ? 2 : 3
        out.raw(",\"confidence_id\":"); out.int(cid); out.raw(",\"confidence_score\":")
        out.int(s.confidence)

        // metadata
        out.raw(",\"metadata\":{\"version\":\"1.8.0\",")
        out.raw(products[rule.product])
        out.raw(",\"tenant_uid\":")
        out.raw(tenant)
        out.raw(",\"uid\":\"")
        out.hex(ScenarioRandom.mix(world.seed, 0xE7E7, UInt64(bitPattern: s.timeMs) ^ UInt64(uidNumber &+ 1) << 40 ^ UInt64(uidPrefix.count)))
        out.raw(closed != nil ? "\",\"profiles\":[\"incident\"]}" : "\"}")

        // finding_info
        out.raw(",\"finding_info\":{\"uid\":\"")
        out.raw(uidPrefix)
        if uidNumber >= 0 { out.int(uidNumber, width: uidWidth) }
        out.byte(0x22)
        out.raw(rules[s.rule])
        out.raw(",\"created_time\":"); out.int(Int(s.timeMs))
        out.byte(0x7D)

        // device, actor, endpoints
        if s.host >= 0 {
            let h = world.hosts[s.host]
            out.byte(0x2C); out.raw(h.deviceFragment)
            out.raw(",\"ip\":\""); out.ipv4(h.ips[0]); out.raw("\"}")
        }
        if s.user >= 0 {
            out.raw(",\"actor\":{\"user\":"); out.raw(world.users[s.user].fragment); out.byte(0x7D)
        }
        if s.srcHost >= 0 || s.srcIP != 0 {
            out.raw(",\"src_endpoint\":{")
            if s.srcHost >= 0 {
                let h = world.hosts[s.srcHost]
                out.raw("\"hostname\":"); out.raw(h.quotedName); out.raw(",\"ip\":\""); out.ipv4(h.ips[0]); out.byte(0x22)
            } else {
                out.raw("\"ip\":\""); out.ipv4(s.srcIP); out.byte(0x22)
                if s.srcCountry >= 0 {
                    let c = Self.countryBytes[s.srcCountry]
                    out.raw(",\"location\":{\"country\":"); out.raw(c.0); out.raw(",\"city\":"); out.raw(c.1); out.byte(0x7D)
                }
            }
            out.byte(0x7D)
        }
        if s.dstIP != 0 || (s.domain != .none && !s.hasSender) {
            out.raw(",\"dst_endpoint\":{")
            var comma = false
            if s.dstIP != 0 { out.raw("\"ip\":\""); out.ipv4(s.dstIP); out.raw("\",\"port\":"); out.int(s.dstPort); comma = true }
            if s.domain != .none && !s.hasSender {
                out.raw(comma ? ",\"domain\":\"" : "\"domain\":\""); writeDomain(s.domain, to: out); out.byte(0x22)
            }
            out.byte(0x7D)
        }

        // evidences (email, URL, file)
        if s.hasSender || s.hasURL || s.file != .none {
            out.raw(",\"evidences\":[{")
            var comma = false
            if s.hasSender {
                out.raw("\"email\":{\"from\":\""); writeSender(s.domain, to: out)
                out.raw("\",\"subject\":"); out.raw(subject(s))
                out.byte(0x7D); comma = true
            }
            if s.hasURL {
                out.raw(comma ? ",\"url\":{\"url_string\":\"" : "\"url\":{\"url_string\":\""); writeURL(s, to: out)
                out.raw("\"}"); comma = true
            }
            if s.file != .none {
                out.raw(comma ? ",\"file\":{\"name\":" : "\"file\":{\"name\":"); writeFileName(s.file, to: out)
                out.raw(",\"type_id\":1,\"hashes\":[{\"algorithm_id\":3,\"algorithm\":\"SHA-256\",\"value\":\""); writeHash(s.file, to: out)
                out.raw("\"}]}")
            }
            out.raw("}]")
        }

        // observables
        out.raw(",\"observables\":[")
        var first = true
        @inline(__always) func open(_ name: StaticString, _ type: StaticString) {
            if !first { out.byte(0x2C) }
            first = false
            out.raw("{\"name\":\""); out.raw(name); out.raw("\",\"type_id\":"); out.raw(type); out.raw(",\"value\":")
        }
        if s.host >= 0 {
            let h = world.hosts[s.host]
            open("device.hostname", "1"); out.raw(h.quotedName); out.byte(0x7D)
            open("device.ip", "2"); out.byte(0x22); out.ipv4(h.ips[0]); out.raw("\"}")
        }
        if s.user >= 0 { open("actor.user.name", "4"); out.raw(world.users[s.user].quotedName); out.byte(0x7D) }
        if s.srcHost >= 0 {
            let h = world.hosts[s.srcHost]
            open("src_endpoint.hostname", "1"); out.raw(h.quotedName); out.byte(0x7D)
            open("src_endpoint.ip", "2"); out.byte(0x22); out.ipv4(h.ips[0]); out.raw("\"}")
        } else if s.srcIP != 0 {
            open("src_endpoint.ip", "2"); out.byte(0x22); out.ipv4(s.srcIP); out.raw("\"}")
        }
        if s.dstIP != 0 { open("dst_endpoint.ip", "2"); out.byte(0x22); out.ipv4(s.dstIP); out.raw("\"}") }
        if s.domain != .none {
            if s.hasSender || s.hasURL { open("evidences.url.domain", "1") } else { open("dst_endpoint.domain", "1") }
            out.byte(0x22); writeDomain(s.domain, to: out); out.raw("\"}")
        }
        if s.hasSender { open("evidences.email.from", "5"); out.byte(0x22); writeSender(s.domain, to: out); out.raw("\"}") }
        if s.hasURL { open("evidences.url.url_string", "6"); out.byte(0x22); writeURL(s, to: out); out.raw("\"}") }
        if s.file != .none {
            open("evidences.file.name", "7"); writeFileName(s.file, to: out); out.byte(0x7D)
            open("evidences.file.hashes.value", "8"); out.byte(0x22); writeHash(s.file, to: out); out.raw("\"}")
        }
        out.byte(0x5D)

        // Incident profile (closed cases)
        if let closed {
            out.raw(",\"verdict_id\":"); out.int(closed.verdict)
            out.raw(",\"verdict\":"); out.string(OCSFCaptions.verdict[closed.verdict])
            out.raw(",\"priority_id\":"); out.int(min(4, max(1, s.severity - 1)))
            out.raw(",\"assignee\":{\"name\":"); out.raw(Self.analystBytes[closed.analyst % Self.analystBytes.count]); out.byte(0x7D)
        }

        // unmapped: vendor fields, carried through untouched by Vigil
        out.raw(",\"unmapped\":{\"sensor_version\":\"")
        out.text(ScenarioProduct.all[rule.product].version); out.raw("-b"); out.int(700 + rule.product * 131 + s.rule)
        out.raw("\",\"rule_revision\":"); out.int(3 + (s.rule * 7) % 19)
        out.raw(",\"action_taken\":")
        if let closed, let action = closed.action { out.raw(actionBytes[ActionKind.allCases.firstIndex(of: action)!]) } else { out.raw("\"none\"") }
        vendorExtras(s, rule: rule, to: out)
        out.raw("}}\n")
    }

    private func vendorExtras(_ s: FindingSpec, rule: ScenarioRule, to out: TextBuffer) {
        let r = ScenarioRandom.mix(world.seed, 0x7E7D, UInt64(bitPattern: s.timeMs) &+ UInt64(s.rule))
        switch rule.product {
        case ScenarioProduct.edr:
            out.raw(",\"x_northwind\":{\"process_tree_depth\":"); out.int(Int(r % 9) + 1)
            out.raw(",\"sensor_group\":"); out.raw(s.host >= 0 && world.hosts[s.host].kind == .workstation ? "\"corp-workstations\"" : "\"corp-servers\"")
            out.raw(",\"parent_process\":"); out.raw(s.malicious ? "\"winword.exe\"" : "\"explorer.exe\"")
            out.raw(",\"signed\":"); out.raw(s.malicious ? "false" : ((r >> 8) % 4 == 0 ? "false" : "true"))
            out.byte(0x7D)
        case ScenarioProduct.ndr:
            out.raw(",\"x_bastion\":{\"flow_score\":"); out.centis(s.malicious ? 60 + Int(r % 40) : 20 + Int(r % 60))
            out.raw(",\"bytes_out\":"); out.int(s.bytesOut > 0 ? s.bytesOut : 2_048 + Int(r % 60_000))
            out.raw(",\"sensor\":\"ndr-sensor-0"); out.int(Int((r >> 8) % 6) + 1)
            out.raw("\"}")
        case ScenarioProduct.mail:
            out.raw(",\"x_mailguard\":{\"message_id\":\"<"); out.hex(r, digits: 16); out.raw("@mx.acme-corp.example>\",\"spam_score\":")
            out.int(s.malicious ? 6 + Int(r % 4) : Int(r % 8)); out.raw(",\"delivered\":true}")
        case ScenarioProduct.identity:
            out.raw(",\"x_idw\":{\"risk_reasons\":[")
            out.raw(rule.family == .vpnAnomaly ? "\"new_country\",\"unfamiliar_device\"" : "\"failed_attempts_threshold\"")
            out.raw("],\"session_id\":\""); out.hex(r, digits: 12); out.raw("\"}")
        case ScenarioProduct.vpn:
            out.raw(",\"x_edgevpn\":{\"tunnel_type\":\"ssl\",\"client_version\":\"5.1."); out.int(Int(r % 12)); out.raw("\",\"provider_category\":\"anonymising\"}")
        default:
            out.raw(",\"x_perimeter\":{\"policy\":\"deny-outbound-unknown\",\"zone\":\"corp\",\"hit_count\":"); out.int(Int(r % 40) + 1); out.byte(0x7D)
        }
    }

    func writeDomain(_ d: FindingSpec.Domain, to out: TextBuffer) {
        switch d {
        case .none: break
        case let .benign(k): world.writeBenignDomain(k, to: out)
        case let .malicious(j): out.raw(maliciousDomainBytes[j % maliciousDomainBytes.count])
        case .partner: out.raw(Self.partnerDomainBytes)
        case .campaign: out.raw(Self.campaignDomainBytes)
        }
    }

    private func writeSender(_ d: FindingSpec.Domain, to out: TextBuffer) {
        switch d {
        case .campaign: out.raw("accounts-payable@")
        case .malicious: out.raw("it-support@")
        default: out.raw("newsletter@")
        }
        writeDomain(d, to: out)
    }

    private func subject(_ s: FindingSpec) -> [UInt8] {
        switch s.domain {
        case .campaign: return JSONText.quotedBytes("Overdue invoice INV-7781: payment required today")
        case .malicious: return JSONText.quotedBytes("Action required: verify your mailbox")
        default: return JSONText.quotedBytes("Your weekly product update")
        }
    }

    private func writeURL(_ s: FindingSpec, to out: TextBuffer) {
        switch s.domain {
        case .campaign: out.text(ScenarioWorld.campaignURL)
        case let .malicious(j): out.text(world.maliciousURL(j))
        default: out.raw("https://"); writeDomain(s.domain, to: out); out.raw("/news/"); out.int(s.confidence % 97)
        }
    }

    private func writeFileName(_ f: FindingSpec.File, to out: TextBuffer) {
        switch f {
        case .none: out.raw("\"\"")
        case let .benign(k): out.raw(Self.benignFileBytes[k % Self.benignFileBytes.count])
        case let .malicious(j): out.raw(Self.maliciousFileBytes[j % Self.maliciousFileBytes.count])
        }
    }

    private func writeHash(_ f: FindingSpec.File, to out: TextBuffer) {
        switch f {
        case .none: break
        case let .benign(k): world.writeHash(malicious: false, k, to: out)
        case let .malicious(j): world.writeHash(malicious: true, j, to: out)
        }
    }
}
