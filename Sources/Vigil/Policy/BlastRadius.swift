/// How far the effect of an action reaches, as the playbook catalogue declares it.
public enum BlastRadiusKind: String, Sendable, Hashable, CaseIterable {
    /// Changes nothing outside Vigil (open a case, enrich, escalate).
    case none
    /// One indicator (an IP, a hash, a domain) is blocked; the asset keeps running.
    case entity
    /// One host is taken out of service (quarantine).
    case asset
    /// A network segment is cut off: every host on it and what depends on them.
    case segment
    /// A user account is disabled or its credentials reset: everything the user runs.
    case account
}

/// An estimate of the damage a wrong action would do: a level and a one-line reason.
public struct BlastRadiusEstimate: Sendable, Equatable, CustomStringConvertible {
    /// 0 (nothing outside Vigil) … 4 (business-critical service interrupted or unknown).
    public var level: Int
    /// One line naming the action, the asset, its criticality, tags and dependants, e.g.
    /// `quarantine of ws-042 (criticality 4, payment; 12 dependants)`.
    public var reason: String
    /// True when the asset was not in the inventory, so the estimate assumes the worst.
    public var assetUnknown: Bool

    public var description: String { "blast radius " + String(level) + "/4: " + reason }

    /// Dependant count from which a host's outage reaches one level further.
    public static let manyDependants = 10

    /// Estimates the blast radius of `action` with reach `radius` on `asset`.
    ///
    /// Levels: `none` → 0. `entity` → 1, or 2 when the asset's criticality is 3 or more
    /// (a block can cut a critical system off a dependency). `asset` and `account` →
    /// max(2, criticality), plus 1 with `manyDependants` or more dependants. `segment` →
    /// max(3, criticality + 1). All capped at 4. An unknown asset (nil) is the worst case:
    /// 4 for `asset`, `account` and `segment`, 3 for `entity`, flagged "unknown asset".
    public init(action: ActionKind, radius: BlastRadiusKind, asset: Asset?) {
        let verb = Self.verb(action)
        guard radius != .none else {
            level = 0
            reason = "\(verb) changes nothing outside Vigil"
            assetUnknown = asset == nil
            return
        }
        guard let asset else {
            assetUnknown = true
            level = radius == .entity ? 3 : 4
            reason = "\(verb) on an unknown asset (not in the inventory): assumed critical"
            return
        }
        assetUnknown = false
        let c = max(0, min(4, asset.criticality))
        let n = asset.dependants.count
        switch radius {
        case .none:
            level = 0
        case .entity:
            level = c >= 3 ? 2 : 1
        case .asset, .account:
            level = min(4, max(2, c) + (n >= Self.manyDependants ? 1 : 0))
        case .segment:
            level = min(4, max(3, c + 1))
        }
        // Built by appending into one buffer: this runs for every proposed action.
        var text = ""
        text.reserveCapacity(160)
        text += verb
        text += radius == .entity ? " for " : " of "
        text += TierRule.label(asset)
        text += " (criticality "
        text += String(asset.criticality)
        if asset.tags.count == 1 {
            text += ", "
            text += asset.tags.first!
        } else if !asset.tags.isEmpty {
            text += ", "
            text += asset.tags.sorted().joined(separator: ", ")
        }
        text += "; "
        text += String(n)
        text += n == 1 ? " dependant)" : " dependants)"
        if radius == .entity { text += ": one indicator blocked, the host keeps running" }
        reason = text
    }

    static func verb(_ action: ActionKind) -> String {
        switch action {
        case .blockIP: return "IP block"
        case .blockHash: return "hash block"
        case .blockDomain: return "domain block"
        case .quarantineHost: return "quarantine"
        case .isolateSegment: return "segment isolation"
        case .disableAccount: return "account disable"
        case .resetCredentials: return "credential reset"
        case .createCase: return "case creation"
        case .enrich: return "enrichment"
        case .escalate: return "escalation"
        }
    }
}
