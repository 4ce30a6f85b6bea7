/// The detection families the generated SOC day draws from, named as in the playbook
/// catalogue (`Sources/Vigil/Resources/playbooks.json`), so family matching sees realistic input.
enum ScenarioFamily: Int, CaseIterable, Sendable {
    case c2Beacon, phishing, malwareExecution, credentialAccess, lateralMovement, exfiltration, vpnAnomaly, informational

    /// The playbook family name (`informational` falls to the catalogue's default).
    var name: String {
        switch self {
        case .c2Beacon: "c2-beacon"
        case .phishing: "phishing"
        case .malwareExecution: "malware-execution"
        case .credentialAccess: "credential-access"
        case .lateralMovement: "lateral-movement"
        case .exfiltration: "exfiltration"
        case .vpnAnomaly: "vpn-anomaly"
        case .informational: "informational"
        }
    }

    /// Share of today's benign background alerts per family (informational noise and
    /// beacon-like telemetry dominate real queues).
    static let backgroundWeights: [Double] = [0.20, 0.14, 0.12, 0.09, 0.06, 0.07, 0.10, 0.22]
    /// Share of closed cases per family (analysts close fewer informational findings).
    static let historyWeights: [Double] = [0.20, 0.18, 0.15, 0.11, 0.08, 0.08, 0.10, 0.10]
    /// Share of true positives among closed cases per family.
    static let historyMaliciousRate: [Double] = [0.22, 0.35, 0.32, 0.26, 0.30, 0.22, 0.12, 0.03]
}

/// A detection product that emits findings, with its vendor-specific extras.
struct ScenarioProduct: Sendable {
    var name: String
    var vendor: String
    var version: String
    /// `"product":{"name":…,"vendor_name":…,"version":…}` pre-encoded.
    let fragment: [UInt8]

    init(_ name: String, _ vendor: String, _ version: String) {
        self.name = name
        self.vendor = vendor
        self.version = version
        fragment = Array("\"product\":{\"name\":".utf8) + JSONText.quotedBytes(name) + Array(",\"vendor_name\":".utf8)
            + JSONText.quotedBytes(vendor) + [0x7D]
    }

    static let edr = 0, ndr = 1, mail = 2, identity = 3, vpn = 4, firewall = 5
    static let all: [ScenarioProduct] = [
        ScenarioProduct("Northwind EDR", "Northwind Security", "7.4.2"),
        ScenarioProduct("Bastion NDR", "Bastion Networks", "4.2.1"),
        ScenarioProduct("MailGuard", "Contoso Mail Security", "2025.3"),
        ScenarioProduct("IdentityWatch", "Fabrikam Identity", "3.9.0"),
        ScenarioProduct("EdgeVPN Gateway", "Litware", "12.1.4"),
        ScenarioProduct("Perimeter Firewall", "Litware", "9.8.2"),
    ]
}

/// One detection rule (OCSF analytic) with its ATT&CK mapping and the severity and
/// detector-confidence profile of its benign and malicious firings.
struct ScenarioRule: Sendable {
    let family: ScenarioFamily
    let product: Int
    let analyticUID: String
    let analyticName: String
    let title: String
    let techniqueUID: String?
    let techniqueName: String
    let tacticUID: String
    let tacticName: String
    /// OCSF analytic `type_id`: 1 Rule, 2 Behavioral, 3 Statistical, 4 Learning.
    let analyticType: Int
    /// Mean severity_id of benign / malicious firings.
    let benignSeverity: Double, maliciousSeverity: Double
    /// Mean confidence_score of benign / malicious firings.
    let benignConfidence: Double, maliciousConfidence: Double
    /// `,"title":…,"analytic":{…},"attacks":[…]` pre-encoded (finding_info without uid/times).
    let fragment: [UInt8]

    init(_ family: ScenarioFamily, _ product: Int, _ uid: String, _ name: String, _ title: String,
         _ technique: String?, _ techniqueName: String, _ tactic: String, _ tacticName: String, type: Int,
         severity: (Double, Double), confidence: (Double, Double)) {
        self.family = family
        self.product = product
        analyticUID = uid
        analyticName = name
        self.title = title
        techniqueUID = technique
        self.techniqueName = techniqueName
        tacticUID = tactic
        self.tacticName = tacticName
        analyticType = type
        benignSeverity = severity.0
        maliciousSeverity = severity.1
        benignConfidence = confidence.0
        maliciousConfidence = confidence.1
        var f = Array(",\"title\":".utf8) + JSONText.quotedBytes(title)
        f += Array(",\"analytic\":{\"uid\":".utf8) + JSONText.quotedBytes(uid) + Array(",\"name\":".utf8)
            + JSONText.quotedBytes(name) + Array(",\"type_id\":\(type)}".utf8)
        if let technique {
            f += Array(",\"attacks\":[{\"technique\":{\"uid\":".utf8) + JSONText.quotedBytes(technique)
                + Array(",\"name\":".utf8) + JSONText.quotedBytes(techniqueName)
                + Array("},\"tactic\":{\"uid\":".utf8) + JSONText.quotedBytes(tactic)
                + Array(",\"name\":".utf8) + JSONText.quotedBytes(tacticName) + Array("}}]".utf8)
        }
        fragment = f
    }

    /// The rules, grouped by family in `ScenarioRule.byFamily`.
    static let all: [ScenarioRule] = [
        // 0-2 c2-beacon
        ScenarioRule(.c2Beacon, ScenarioProduct.ndr, "ndr-1001", "c2-beacon-periodicity", "Periodic HTTPS beacon to rare destination",
                     "T1071.001", "Web Protocols", "TA0011", "Command and Control", type: 3, severity: (3.0, 3.6), confidence: (52, 70)),
        ScenarioRule(.c2Beacon, ScenarioProduct.ndr, "ndr-1002", "c2-known-bad-destination", "Connection to threat-intel listed command-and-control host",
                     "T1071.001", "Web Protocols", "TA0011", "Command and Control", type: 1, severity: (3.4, 4.2), confidence: (60, 84)),
        ScenarioRule(.c2Beacon, ScenarioProduct.edr, "edr-2003", "c2-dns-beacon", "DNS beaconing to newly registered domain",
                     "T1071.004", "DNS", "TA0011", "Command and Control", type: 3, severity: (2.6, 3.5), confidence: (45, 68)),
        // 3-4 phishing
        ScenarioRule(.phishing, ScenarioProduct.mail, "mail-3001", "phish-link-credential-harvest", "Phishing email with credential-harvesting link",
                     "T1566.002", "Spearphishing Link", "TA0001", "Initial Access", type: 4, severity: (2.6, 3.6), confidence: (50, 78)),
        ScenarioRule(.phishing, ScenarioProduct.mail, "mail-3002", "phish-attachment-macro", "Suspicious email attachment with macro",
                     "T1566.001", "Spearphishing Attachment", "TA0001", "Initial Access", type: 1, severity: (2.8, 3.8), confidence: (48, 74)),
        // 5-6 malware-execution
        ScenarioRule(.malwareExecution, ScenarioProduct.edr, "edr-2001", "malware-execution-user-file", "Execution of untrusted file from user downloads",
                     "T1204.002", "Malicious File", "TA0002", "Execution", type: 2, severity: (2.8, 4.3), confidence: (46, 80)),
        ScenarioRule(.malwareExecution, ScenarioProduct.edr, "edr-2002", "suspicious-powershell-encoded", "Suspicious PowerShell encoded command",
                     "T1059.001", "PowerShell", "TA0002", "Execution", type: 2, severity: (2.9, 3.9), confidence: (44, 72)),
        // 7-8 credential-access
        ScenarioRule(.credentialAccess, ScenarioProduct.edr, "edr-2010", "lsass-memory-access", "Credential dumping: LSASS memory access",
                     "T1003.001", "LSASS Memory", "TA0006", "Credential Access", type: 2, severity: (3.5, 4.5), confidence: (50, 82)),
        ScenarioRule(.credentialAccess, ScenarioProduct.identity, "idp-4001", "brute-force-sign-in", "Brute force: repeated failed sign-ins",
                     "T1110", "Brute Force", "TA0006", "Credential Access", type: 3, severity: (2.4, 3.4), confidence: (55, 70)),
        // 9 lateral-movement
        ScenarioRule(.lateralMovement, ScenarioProduct.edr, "edr-2020", "smb-admin-share-remote-exec", "Lateral movement: remote execution over SMB admin share",
                     "T1021.002", "SMB/Windows Admin Shares", "TA0008", "Lateral Movement", type: 2, severity: (3.1, 4.3), confidence: (48, 78)),
        // 10-11 exfiltration
        ScenarioRule(.exfiltration, ScenarioProduct.ndr, "ndr-1010", "exfil-large-upload", "Large upload to external destination",
                     "T1048", "Exfiltration Over Alternative Protocol", "TA0010", "Exfiltration", type: 3, severity: (2.7, 4.0), confidence: (45, 70)),
        ScenarioRule(.exfiltration, ScenarioProduct.ndr, "ndr-1011", "exfil-over-c2-channel", "Data transfer over established C2 channel",
                     "T1041", "Exfiltration Over C2 Channel", "TA0010", "Exfiltration", type: 3, severity: (3.2, 4.4), confidence: (50, 80)),
        // 12-13 vpn-anomaly
        ScenarioRule(.vpnAnomaly, ScenarioProduct.identity, "idp-4010", "impossible-travel-sign-in", "Impossible travel: sign-in from new country",
                     "T1078", "Valid Accounts", "TA0001", "Initial Access", type: 3, severity: (2.8, 3.8), confidence: (55, 72)),
        ScenarioRule(.vpnAnomaly, ScenarioProduct.vpn, "vpn-5001", "vpn-anomalous-sign-in", "VPN sign-in from anonymising provider",
                     "T1133", "External Remote Services", "TA0001", "Initial Access", type: 1, severity: (2.4, 3.5), confidence: (50, 70)),
        // 14-16 informational
        ScenarioRule(.informational, ScenarioProduct.ndr, "ndr-1020", "network-service-scan", "Network service discovery (port scan)",
                     "T1046", "Network Service Discovery", "TA0007", "Discovery", type: 3, severity: (1.5, 2.6), confidence: (40, 60)),
        ScenarioRule(.informational, ScenarioProduct.edr, "edr-2030", "account-discovery-commands", "Account discovery commands executed",
                     "T1087", "Account Discovery", "TA0007", "Discovery", type: 1, severity: (1.6, 2.8), confidence: (35, 62)),
        ScenarioRule(.informational, ScenarioProduct.firewall, "fw-6001", "policy-blocked-connection", "Outbound connection blocked by policy",
                     nil, "", "", "", type: 1, severity: (1.2, 2.0), confidence: (30, 50)),
    ]

    static let c2Periodicity = 0, c2KnownBad = 1, c2DNS = 2, phishLink = 3, phishAttachment = 4
    static let malwareFile = 5, malwarePowerShell = 6, lsass = 7, bruteForce = 8, lateralSMB = 9
    static let exfilUpload = 10, exfilC2 = 11, impossibleTravel = 12, vpnAnonymiser = 13
    static let portScan = 14, accountDiscovery = 15, policyBlock = 16

    /// Rule indices per family, in `ScenarioFamily` order.
    static let byFamily: [[Int]] = ScenarioFamily.allCases.map { f in all.indices.filter { all[$0].family == f } }
}

/// Pre-encoded `"severity_id":N` (0…6) and the Incident profile's verdict captions.
enum OCSFCaptions {
    static let severity: [[UInt8]] = (0...6).map { Array("\"severity_id\":\($0)".utf8) }
    /// `verdict_id` captions (Incident profile) for 0…10.
    static let verdict = ["Unknown", "False Positive", "True Positive", "Disregard", "Suspicious", "Benign", "Test",
                          "Insufficient Data", "Security Risk", "Managed Externally", "Duplicate"]
}
