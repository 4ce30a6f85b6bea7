/// Checks how a triage run handled each planted scenario of a generated SOC day: the
/// payment-server C2 and the executive's VPN are never contained automatically, the IP on
/// three validated feeds and the known-bad hash are blocked at Tier 1, and the phishing
/// campaign is one incident.
public struct ScenarioChecker {
    public let manifest: ScenarioManifest
    /// Per scenario: incidents that contain its alerts, with their recommendations.
    private var seen: [String: [IncidentAssessment]] = [:]
    private let scenarioOf: [String: String]

    public init(manifest: ScenarioManifest) {
        self.manifest = manifest
        var map: [String: String] = [:]
        for s in manifest.scenarios { for uid in s.uids { map[uid] = s.name } }
        scenarioOf = map
    }

    /// Records an assessed incident (pass every one the triage produces).
    public mutating func observe(_ a: IncidentAssessment) {
        let names = Set(a.incident.alerts.compactMap { scenarioOf[$0.uid] })
        for name in names { seen[name, default: []].append(a) }
    }

    /// One scenario's outcome: whether it was handled as its manifest expects, and how.
    public struct Result: Sendable { public let name: String; public let passed: Bool; public let detail: String }

    /// The outcome of every planted scenario.
    public func verdicts() -> [Result] {
        manifest.scenarios.map { s in
            let incidents = seen[s.name] ?? []
            let recs = incidents.flatMap(\.recommendations)
            func tiers(_ kind: ActionKind) -> [Tier] { recs.filter { $0.action.kind == kind }.map(\.decision.tier) }
            let summary = incidents.map { "\($0.incident.id) (\($0.incident.alerts.count) alerts, conf \(String(format: "%.2f", $0.explanation.confidence))): " + $0.recommendations.map { "\($0.action.kind.rawValue)→T\($0.decision.tier.rawValue)" }.joined(separator: " ") }.joined(separator: "; ")
            guard !incidents.isEmpty else { return Result(name: s.name, passed: false, detail: "no incident contains its alerts") }
            switch s.name {
            case "c2-on-payment":
                let contained = recs.filter { [.quarantineHost, .isolateSegment, .blockIP].contains($0.action.kind) && $0.decision.tier == .automated }
                return Result(name: s.name, passed: contained.isEmpty, detail: "never contained automatically — \(summary)")
            case "exec-vpn-travel":
                let auto = recs.filter { [.quarantineHost, .disableAccount, .resetCredentials, .isolateSegment].contains($0.action.kind) && $0.decision.tier == .automated }
                return Result(name: s.name, passed: auto.isEmpty, detail: "never quarantined or locked out automatically — \(summary)")
            case "ip-three-feeds":
                return Result(name: s.name, passed: tiers(.blockIP).contains(.automated), detail: "block_ip is Tier 1 — \(summary)")
            case "known-bad-hash":
                return Result(name: s.name, passed: tiers(.blockHash).contains(.automated), detail: "block_hash is Tier 1 — \(summary)")
            case "phishing-campaign":
                let containing = incidents.filter { inc in inc.incident.alerts.contains { scenarioOf[$0.uid] == s.name } }
                return Result(name: s.name, passed: containing.count == 1,
                              detail: "\(s.uids.count) alerts in \(containing.count) incident(s) — \(containing.first.map { "\($0.incident.id): " + $0.recommendations.map { "\($0.action.kind.rawValue)→T\($0.decision.tier.rawValue)" }.joined(separator: " ") } ?? "")")
            default:
                return Result(name: s.name, passed: true, detail: summary)
            }
        }
    }
}

