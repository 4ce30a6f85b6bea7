/// A closed incident kept as a precedent: what an explanation shows about a similar case.
public struct PrecedentCase: Sendable, Equatable, Codable {
    /// Incident id (`inc-` + earliest finding uid).
    public var incidentID: String
    /// Title of the incident's earliest finding.
    public var title: String
    /// OCSF verdict id: 2 true positive, 1 false positive, 5 benign.
    public var verdictID: Int
    /// The response recorded on the case (e.g. "quarantine_host"), if any.
    public var actionTaken: String?
    /// When the incident's last finding was seen, ms since the epoch.
    public var lastSeenMs: Int64

    public init(incidentID: String, title: String, verdictID: Int, actionTaken: String?, lastSeenMs: Int64) {
        self.incidentID = incidentID
        self.title = title
        self.verdictID = verdictID
        self.actionTaken = actionTaken
        self.lastSeenMs = lastSeenMs
    }

    enum CodingKeys: String, CodingKey {
        case incidentID = "incident_id", title, verdictID = "verdict_id", actionTaken = "action_taken", lastSeenMs = "last_seen_ms"
    }

    /// Human name of the verdict.
    public var verdictName: String {
        switch verdictID {
        case 1: return "false positive"
        case 2: return "true positive"
        case 5: return "benign"
        default: return "verdict \(verdictID)"
        }
    }
}
