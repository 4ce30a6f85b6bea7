extension AssetInventory: AssetLookup {}

extension ThreatIntel: IntelLookup {
    /// Whether any feed, validated or not, lists `entity`.
    public func isListed(_ entity: EntityKey) -> Bool { !hits(for: entity).isEmpty }
}
