/// One candidate action of a detection family: what it does, whether it can be undone,
/// and how far its effect reaches.
public struct PlaybookAction: Sendable, Equatable {
    public var kind: ActionKind
    /// Whether a wrong execution can be undone.
    public var reversible: Bool
    /// The action that undoes this one (an `ActionKind` raw value or a connector action
    /// such as `unblock_ip`), nil when there is none.
    public var rollback: String?
    public var blastRadius: BlastRadiusKind

    public init(kind: ActionKind, reversible: Bool, rollback: String?, blastRadius: BlastRadiusKind) {
        self.kind = kind
        self.reversible = reversible
        self.rollback = rollback
        self.blastRadius = blastRadius
    }

    /// The blast radius of this action on `asset` (nil: not in the inventory).
    /// See `BlastRadiusEstimate.init(action:radius:asset:)`.
    public func blastRadius(on asset: Asset?) -> BlastRadiusEstimate {
        BlastRadiusEstimate(action: kind, radius: blastRadius, asset: asset)
    }
}
