/// Alerts that share entities within the correlation window: one thing happening, seen by
/// several detections. Vigil recommends per incident, not per alert.
public struct Incident: Sendable, Equatable {
    /// Stable id: `inc-` + the uid of the incident's earliest alert.
    public let id: String
    /// Member alerts, in time order (ties by arrival).
    public internal(set) var alerts: [Alert]
    /// Every entity the members name.
    public internal(set) var entities: Set<EntityKey>
    /// Entities that linked members (shared by at least two of them).
    public internal(set) var linkingEntities: Set<EntityKey>

    /// Time of the first and last member, ms since the epoch.
    public var firstMs: Int64 { alerts.first?.timeMs ?? 0 }
    public var lastMs: Int64 { alerts.last?.timeMs ?? 0 }

    /// Distinct ATT&CK technique and tactic ids over the members.
    public var techniques: Set<String> { Set(alerts.flatMap(\.techniques)) }
    public var tactics: Set<String> { Set(alerts.flatMap(\.tactics)) }
    /// Highest member `severity_id` among 0...6 (99 "Other" counts as unknown, 0).
    public var maxSeverity: Int { alerts.map { $0.severityID <= 6 ? $0.severityID : 0 }.max() ?? 0 }
    /// Distinct hosts and users named.
    public var hosts: Set<String> { Set(entities.filter { $0.kind == .host }.map(\.value)) }
    public var users: Set<String> { Set(entities.filter { $0.kind == .user }.map(\.value)) }
}
