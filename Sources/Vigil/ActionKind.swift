/// The response actions Vigil can recommend (the playbook catalogue's vocabulary).
public enum ActionKind: String, Sendable, Hashable, CaseIterable, Codable {
    case blockIP = "block_ip"
    case blockHash = "block_hash"
    case blockDomain = "block_domain"
    case quarantineHost = "quarantine_host"
    case isolateSegment = "isolate_segment"
    case disableAccount = "disable_account"
    case resetCredentials = "reset_credentials"
    case createCase = "create_case"
    case enrich
    case escalate

    /// The entity kind the action targets, if it targets one.
    public var target: EntityKind? {
        switch self {
        case .blockIP: return .ip
        case .blockHash: return .fileHash
        case .blockDomain: return .domain
        case .quarantineHost, .isolateSegment: return .host
        case .disableAccount, .resetCredentials: return .user
        case .createCase, .enrich, .escalate: return nil
        }
    }
}
