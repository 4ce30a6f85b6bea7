/// One OCSF Detection Finding (class 2004, or a mapped 2001 Security Finding) as Vigil
/// reads it. Produced by `AlertReader`; every field has been validated.
public struct Alert: Sendable, Equatable {
    /// `finding_info.uid` (or `finding.uid` for OCSF 1.0 Security Findings).
    public var uid: String
    /// `finding_info.title`.
    public var title: String
    /// `time`, normalised to milliseconds since the Unix epoch.
    public var timeMs: Int64
    /// `class_uid` as received (2004, or 2001 when mapped from a Security Finding).
    public var classUID: Int
    /// `activity_id` (1 Create, 2 Update, 3 Close, 99 Other).
    public var activityID: Int
    /// `severity_id` 0...6 or 99 (derived from `risk_level_id` when missing).
    public var severityID: Int
    /// `metadata.product.name`.
    public var productName: String
    /// `metadata.version` as sent.
    public var schemaVersion: String
    /// `metadata.tenant_uid`, if any.
    public var tenantUID: String?
    /// `finding_info.analytic.uid` / `.name` (the detection rule), if any.
    public var analyticUID: String?
    public var analyticName: String?
    /// ATT&CK technique ids (`T1234` or `T1234.001`) and tactic ids (`TA0001`).
    public var techniques: [String]
    public var tactics: [String]
    /// `confidence_id` (0 Unknown, 1 Low, 2 Medium, 3 High, 99 Other), if sent.
    public var confidenceID: Int?
    /// `confidence_score` (or a bare `confidence`), if sent.
    public var confidenceScore: Int?
    /// Entities named by `observables[]`, `device`, `actor.user`, endpoints, evidences.
    public var entities: [EntityKey]
    /// The primary device's host name and IP, when known (for asset lookup).
    public var deviceHostname: String?
    public var deviceIP: String?
    /// `actor.user.name` (or `uid`), when known.
    public var userName: String?
    /// Incident-profile `verdict_id` on closed cases (2 TP; 1 FP, 5 benign; others), if any.
    public var verdictID: Int?
    /// Which of the recommended-but-optional fields were missing (e.g. `observables`),
    /// for the explanation's "missing fields" limitation.
    public var missingFields: [String]
    /// 1-based line (or array element) number in its source.
    public var sourceLine: Int

    public init(uid: String, title: String, timeMs: Int64, classUID: Int = 2004, activityID: Int = 1, severityID: Int,
                productName: String, schemaVersion: String, tenantUID: String? = nil, analyticUID: String? = nil,
                analyticName: String? = nil, techniques: [String] = [], tactics: [String] = [], confidenceID: Int? = nil,
                confidenceScore: Int? = nil, entities: [EntityKey] = [], deviceHostname: String? = nil, deviceIP: String? = nil,
                userName: String? = nil, verdictID: Int? = nil, missingFields: [String] = [], sourceLine: Int = 0) {
        self.uid = uid
        self.title = title
        self.timeMs = timeMs
        self.classUID = classUID
        self.activityID = activityID
        self.severityID = severityID
        self.productName = productName
        self.schemaVersion = schemaVersion
        self.tenantUID = tenantUID
        self.analyticUID = analyticUID
        self.analyticName = analyticName
        self.techniques = techniques
        self.tactics = tactics
        self.confidenceID = confidenceID
        self.confidenceScore = confidenceScore
        self.entities = entities
        self.deviceHostname = deviceHostname
        self.deviceIP = deviceIP
        self.userName = userName
        self.verdictID = verdictID
        self.missingFields = missingFields
        self.sourceLine = sourceLine
    }
}
