/// One entry of the asset inventory: what a host is worth and what depends on it.
public struct Asset: Sendable, Equatable {
    /// Host name (normalised lower-case), if known.
    public var hostname: String?
    /// IP addresses (canonical text).
    public var ips: [String]
    /// 0 (lab, disposable) … 4 (business-critical: payment processing, domain controllers).
    public var criticality: Int
    /// Free-form tags the policy can exclude, e.g. `payment`, `executive`, `domain-controller`.
    public var tags: Set<String>
    /// Owner (team or person), if known.
    public var owner: String?
    /// Names of systems or services that depend on this asset (its blast radius).
    public var dependants: [String]

    public init(hostname: String?, ips: [String] = [], criticality: Int, tags: Set<String> = [], owner: String? = nil, dependants: [String] = []) {
        self.hostname = hostname
        self.ips = ips
        self.criticality = criticality
        self.tags = tags
        self.owner = owner
        self.dependants = dependants
    }
}
