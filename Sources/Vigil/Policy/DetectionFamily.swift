/// A family of detections (C2 beaconing, phishing, …) with the actions that answer it and
/// what Vigil is known to miss for it.
public struct DetectionFamily: Sendable, Equatable {
    /// Unique name, e.g. `c2-beacon`.
    public var name: String
    public var description: String?
    /// ATT&CK technique patterns: `T1071` matches T1071 and its sub-techniques
    /// (`T1071.001`); `T1566.*` is the same, written explicitly; `T1059.001` matches only
    /// that sub-technique. Upper-cased.
    public var techniques: [String]
    /// Case-insensitive substrings of the alert's analytic (detection rule) uid or name.
    public var analytics: [String]
    /// Case-insensitive substrings of the alert's title.
    public var titleContains: [String]
    /// Candidate actions, in the order they are proposed.
    public var actions: [PlaybookAction]
    /// Known blind spots of this detection type, quoted in every explanation.
    public var limitations: [String]

    public init(name: String, description: String? = nil, techniques: [String] = [], analytics: [String] = [],
                titleContains: [String] = [], actions: [PlaybookAction], limitations: [String] = []) {
        self.name = name
        self.description = description
        self.techniques = techniques.map { $0.uppercased() }
        self.analytics = analytics
        self.titleContains = titleContains
        self.actions = actions
        self.limitations = limitations
    }

    /// The strongest way this family matches `alert`, nil when it does not.
    /// Technique beats analytic beats title. Complexity: O(patterns × alert techniques).
    public func match(_ alert: Alert) -> FamilyMatch? {
        for pattern in techniques {
            let base = pattern.hasSuffix(".*") ? String(pattern.dropLast(2)) : pattern
            if let t = alert.techniques.first(where: { $0.uppercased() == base || $0.uppercased().hasPrefix(base + ".") }) {
                return FamilyMatch(family: self, basis: .technique, matchedOn: "technique \(t) by \(pattern)")
            }
        }
        let analytic = [alert.analyticUID, alert.analyticName].compactMap { $0?.lowercased() }
        for pattern in analytics {
            let p = pattern.lowercased()
            if analytic.contains(where: { $0.contains(p) }) {
                return FamilyMatch(family: self, basis: .analytic, matchedOn: "analytic contains \"\(pattern)\"")
            }
        }
        let title = alert.title.lowercased()
        for pattern in titleContains where title.contains(pattern.lowercased()) {
            return FamilyMatch(family: self, basis: .title, matchedOn: "title contains \"\(pattern)\"")
        }
        return nil
    }
}

/// How a detection family was chosen for an alert.
public struct FamilyMatch: Sendable, Equatable, CustomStringConvertible {
    /// What matched, strongest last so `Comparable` order is precedence order.
    public enum Basis: Int, Sendable, Comparable, CaseIterable {
        /// Nothing matched; the catalogue's default family applies.
        case `default` = 0
        case title = 1
        case analytic = 2
        case technique = 3

        public static func < (a: Basis, b: Basis) -> Bool { a.rawValue < b.rawValue }
    }

    public var family: DetectionFamily
    public var basis: Basis
    /// What matched, e.g. `technique T1071.001 by T1071`.
    public var matchedOn: String

    public init(family: DetectionFamily, basis: Basis, matchedOn: String) {
        self.family = family
        self.basis = basis
        self.matchedOn = matchedOn
    }

    public var description: String { "\(family.name) (\(matchedOn))" }
}
