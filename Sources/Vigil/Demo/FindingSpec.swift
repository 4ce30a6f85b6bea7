/// What one generated finding says, as indices into the world's tables; `OCSFWriter`
/// turns it into an OCSF line. Small and allocation-free, so millions can be made per second.
struct FindingSpec: Sendable {
    /// A domain the finding names.
    enum Domain: Sendable, Equatable { case none, benign(Int), malicious(Int), partner, campaign }
    /// A file (and its SHA-256) the finding names.
    enum File: Sendable, Equatable { case none, benign(Int), malicious(Int) }

    var rule: Int
    var timeMs: Int64
    var severity: Int
    /// Detector confidence_score 0…100 (confidence_id derives from it).
    var confidence: Int
    /// Device the detection fired on (index into `ScenarioWorld.hosts`), -1 for none.
    var host: Int
    /// Actor user (index into `ScenarioWorld.users`), -1 for none.
    var user: Int
    /// Internal source host (lateral movement), -1 for none.
    var srcHost = -1
    /// External source address (sign-ins, brute force), 0 for none.
    var srcIP: UInt32 = 0
    /// Index into `OCSFWriter.countries` for the source's geolocation, -1 for none.
    var srcCountry = -1
    /// Destination address, 0 for none.
    var dstIP: UInt32 = 0
    var dstPort = 443
    var domain: Domain = .none
    /// Whether a URL on `domain` is named (phishing links).
    var hasURL = false
    /// Whether an email sender on `domain` is named.
    var hasSender = false
    var file: File = .none
    var bytesOut = 0
    /// Ground truth.
    var malicious: Bool
}

/// How a closed case ended (history only): the Incident profile's verdict and what was done.
struct ClosedCase: Sendable {
    var verdict: Int
    var action: ActionKind?
    var closeDelayMs: Int64
    var analyst: Int
}
