/// What `SOCDayScenario.write(to:progress:)` produced: every file's path, the counts, and
/// the mandatory scenarios with their alert uids and expected handling. Also written as
/// `scenarios.json` beside the data.
public struct ScenarioManifest: Sendable, Equatable {
    /// One planted scenario of the day.
    public struct Scenario: Sendable, Equatable {
        /// Stable name, also the uid prefix (`scn-<name>-NN`) and the `truth.csv` scenario column.
        public var name: String
        /// `finding_info.uid` of each of its alerts in `alerts.ndjson`, in time order.
        public var uids: [String]
        /// Ground truth: whether the activity is malicious.
        public var malicious: Bool
        /// The ATT&CK technique its alerts carry.
        public var technique: String
        /// The entities that define it (host names, IPs, domains, URLs, hashes).
        public var entities: [EntityKey]
        /// What a correct triage does with it, in words.
        public var expectedHandling: String

        /// A scenario description (see the properties).
        public init(name: String, uids: [String], malicious: Bool, technique: String, entities: [EntityKey], expectedHandling: String) {
            self.name = name
            self.uids = uids
            self.malicious = malicious
            self.technique = technique
            self.entities = entities
            self.expectedHandling = expectedHandling
        }

        /// The uid prefix shared by its alerts (`scn-<name>-`).
        public var uidPrefix: String { "scn-\(name)-" }
    }

    /// The folder everything was written to.
    public var folder: String
    /// Today's open findings (OCSF NDJSON).
    public var alertsPath: String
    /// Closed cases with verdicts (OCSF NDJSON).
    public var historyPath: String
    /// Ground truth for every alert: `uid,malicious,scenario`.
    public var truthPath: String
    /// Asset inventory (CSV).
    public var assetsPath: String
    /// Feeds file (JSON) declaring the intel feeds.
    public var feedsPath: String
    /// The intel feed files, in `feedsPath` order.
    public var intelPaths: [String]
    /// This manifest as JSON.
    public var manifestPath: String
    /// The generator's seed.
    public var seed: UInt64
    /// Midnight UTC of the generated day, ms since the Unix epoch.
    public var dayStartMs: Int64
    /// Lines in `alertsPath`.
    public var alertCount: Int
    /// Lines in `historyPath`.
    public var historyCount: Int
    /// Alerts whose ground truth is malicious.
    public var maliciousAlertCount: Int
    /// The mandatory scenarios: c2-on-payment, exec-vpn-travel, ip-three-feeds,
    /// known-bad-hash, phishing-campaign.
    public var scenarios: [Scenario]

    /// Every file written.
    public var allPaths: [String] { [alertsPath, historyPath, truthPath, assetsPath, feedsPath] + intelPaths + [manifestPath] }

    /// The scenario called `name`, if any.
    public func scenario(named name: String) -> Scenario? { scenarios.first { $0.name == name } }

    /// The manifest as pretty JSON (paths relative to `folder`).
    func json() -> String {
        func rel(_ p: String) -> String { p.hasPrefix(folder + "/") ? String(p.dropFirst(folder.count + 1)) : p }
        var s = "{\n  \"generator\": \"vigil SOCDayScenario\",\n  \"seed\": \(seed),\n"
        s += "  \"day\": \"\(DayProfile.date(dayStartMs))\",\n  \"day_start_ms\": \(dayStartMs),\n"
        s += "  \"counts\": {\"alerts\": \(alertCount), \"history\": \(historyCount), \"malicious_alerts\": \(maliciousAlertCount)},\n"
        s += "  \"files\": {\"alerts\": \(JSONText.quoted(rel(alertsPath))), \"history\": \(JSONText.quoted(rel(historyPath))), "
        s += "\"truth\": \(JSONText.quoted(rel(truthPath))), \"assets\": \(JSONText.quoted(rel(assetsPath))), "
        s += "\"feeds\": \(JSONText.quoted(rel(feedsPath))), \"intel\": [\(intelPaths.map { JSONText.quoted(rel($0)) }.joined(separator: ", "))]},\n"
        s += "  \"truth_scenario_column\": \"a scenario name below, attack-chain:<family> (malicious multi-step intrusion) or background:<family>\",\n"
        s += "  \"scenarios\": [\n"
        for (k, sc) in scenarios.enumerated() {
            s += "    {\"name\": \(JSONText.quoted(sc.name)), \"uid_prefix\": \(JSONText.quoted(sc.uidPrefix)), \"malicious\": \(sc.malicious), "
            s += "\"technique\": \(JSONText.quoted(sc.technique)),\n     \"expected\": \(JSONText.quoted(sc.expectedHandling)),\n"
            s += "     \"entities\": [\(sc.entities.map { JSONText.quoted($0.description) }.joined(separator: ", "))],\n"
            s += "     \"uids\": [\(sc.uids.map { JSONText.quoted($0) }.joined(separator: ", "))]}"
            s += k + 1 < scenarios.count ? ",\n" : "\n"
        }
        s += "  ]\n}\n"
        return s
    }
}
