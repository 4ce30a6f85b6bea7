import Foundation

/// One proposed action to be tiered: what it is, how sure the model is, how well threat
/// intel corroborates it, and what it would touch.
public struct TierRequest: Sendable, Equatable {
    /// The proposed action.
    public var action: ActionKind
    /// The recommendation's calibrated confidence, 0...1. NaN satisfies no threshold.
    public var confidence: Double
    /// Number of distinct *validated* threat-intel feeds that list the action's target.
    public var corroboration: Int
    /// The asset the action would touch (or the alert's device), nil when not in the
    /// inventory. An unknown asset is assumed to be the worst case; see `TierPolicy`.
    public var asset: Asset?
    /// The time of the decision; rules past their review date at `now` cannot automate.
    public var now: Date

    public init(action: ActionKind, confidence: Double, corroboration: Int = 0, asset: Asset?, now: Date) {
        self.action = action
        self.confidence = confidence
        self.corroboration = corroboration
        self.asset = asset
        self.now = now
    }
}
