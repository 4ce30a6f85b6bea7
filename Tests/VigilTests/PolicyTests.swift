import Foundation
import Testing
import Vigil

// Tier policy, playbook catalogue and `vigil policy check`: decisions, loader errors and
// warnings, matching precedence, blast radius, and the shipped example files.

/// The shipped configuration (package resources of the Vigil module).
private let examplePolicyPath = DefaultConfiguration.tierPolicyPath
private let examplePlaybooksPath = DefaultConfiguration.playbooksPath

private func at(_ text: String) -> Date { PolicyDate(text)!.start }
/// A fixed "today" for the examples: after approval (2026-11-16), before every review date.
private let today = at("2026-12-03T12:00:00Z")

/// Writes `text` to a fresh temporary file and returns its path.
private func tempFile(_ text: String, name: String = "policy.json") throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-policy-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
}

/// A policy document around `rules` (a JSON array body), with overridable header fields.
private func policyJSON(_ rules: String, header: String? = nil) -> String {
    """
    {
      \(header ?? #""version": "t-1", "owner": "soc", "approved_by": "ciso", "approved_at": "2026-11-01", "review_by": "2027-05-01","#)
      "rules": [\(rules)]
    }
    """
}

private func check(_ text: String, now: Date = today) -> ConfigurationLoad<TierPolicy> {
    TierPolicy.check(data: Data(text.utf8), file: "p.json", now: now)
}

/// The (location, reason) of every error, for assertions.
private func problems(_ d: ConfigurationDiagnostics) -> [(location: String, reason: String)] {
    d.errors.map { e in
        if case let .invalidConfiguration(_, location, reason) = e { return (location, reason) }
        return ("", e.description)
    }
}

private func expectError(_ text: String, location: String, containing fragment: String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
    let load = check(text)
    #expect(load.value == nil, sourceLocation: sourceLocation)
    let hit = problems(load.diagnostics).contains { $0.location == location && $0.reason.contains(fragment) }
    #expect(hit, "expected \(location): …\(fragment)…; got \(load.diagnostics.errors)", sourceLocation: sourceLocation)
}

private let workstation = Asset(hostname: "ws-017", criticality: 1, tags: ["workstation"], dependants: [])
private let fileServer = Asset(hostname: "fs-03", criticality: 3, tags: ["file-server"], dependants: ["finance-share"])
private let paymentServer = Asset(hostname: "ws-042", criticality: 4, tags: ["payment"],
                                  dependants: (1...12).map { "pos-\($0)" })
private let executiveLaptop = Asset(hostname: "lt-ceo-01", criticality: 3, tags: ["executive"], dependants: [])

// MARK: - Tier decisions (example policy)

struct TierDecisionTests {
    let policy: TierPolicy

    init() throws {
        policy = try TierPolicy(contentsOf: examplePolicyPath)
    }

    private func decide(_ action: ActionKind, _ confidence: Double, _ corroboration: Int = 0, _ asset: Asset?,
                        now: Date = today) -> TierDecision {
        policy.tier(for: TierRequest(action: action, confidence: confidence, corroboration: corroboration, asset: asset, now: now))
    }

    @Test func corroboratedIPIsAutoBlocked() {
        let d = decide(.blockIP, 0.95, 3, workstation)
        #expect(d.tier == .automated)
        #expect(d.ruleName == "auto-block-corroborated-indicator")
        #expect(d.policyVersion == "2026.11-1")
        #expect(!d.demotedForStaleness && !d.assetUnknown)
        #expect(d.reason.hasPrefix("rule 'auto-block-corroborated-indicator' yields Tier 1 (automated): "))
        #expect(d.reason.contains("confidence 0.95 >= 0.9"))
        #expect(d.reason.contains("corroboration 3 >= 3 validated feeds"))
        #expect(d.reason.contains("asset ws-017 criticality 1 <= 2"))
    }

    @Test func twoFeedsAreNotEnoughForAnIPBlock() {
        let d = decide(.blockIP, 0.95, 2, workstation)
        #expect(d.tier == .approval)
        #expect(d.ruleName == "block-indicator-with-approval")
    }

    @Test func knownMalwareHashIsAutoBlockedOnAFileServer() {
        let d = decide(.blockHash, 0.87, 2, fileServer)
        #expect(d.tier == .automated)
        #expect(d.ruleName == "auto-block-known-malware-hash")
    }

    @Test func lowConfidenceBlockIsHumanDriven() {
        let d = decide(.blockDomain, 0.4, 5, workstation)
        #expect(d.tier == .humanDriven)
        #expect(d.ruleName == nil)
        #expect(d.reason.contains("'block-indicator-with-approval': confidence 0.4 < 0.6"))
    }

    @Test func paymentServerIsNeverAutomatedOrQuarantinedUnattended() {
        let block = decide(.blockIP, 0.99, 6, paymentServer)
        #expect(block.tier == .approval)
        #expect(block.ruleName == "block-indicator-with-approval")
        #expect(block.reason.isEmpty == false)
        let quarantine = decide(.quarantineHost, 0.99, 6, paymentServer)
        #expect(quarantine.tier == .humanDriven)
        #expect(quarantine.ruleName == nil)
        #expect(quarantine.reason.contains("asset ws-042 criticality 4 > 3"))
        let isolate = decide(.isolateSegment, 0.99, 6, paymentServer)
        #expect(isolate.tier == .humanDriven)
    }

    @Test func executiveLaptopIsNeverQuarantinedWithoutAHuman() {
        let d = decide(.quarantineHost, 0.97, 0, executiveLaptop)
        #expect(d.tier == .humanDriven)
        #expect(d.reason.contains("asset lt-ceo-01 tagged executive (excluded)"))
        #expect(decide(.disableAccount, 0.97, 0, executiveLaptop).tier == .humanDriven)
        #expect(decide(.quarantineHost, 0.97, 0, workstation).tier == .approval)
    }

    @Test func harmlessActionsAreAutomatedEvenOnUnknownAssets() {
        let d = decide(.createCase, 0.1, 0, nil)
        #expect(d.tier == .automated)
        #expect(d.ruleName == "open-and-enrich-case")
        #expect(d.assetUnknown)
        #expect(d.reason.contains("asset not in the inventory"))
        #expect(decide(.enrich, 0.0, 0, paymentServer).tier == .automated)
    }

    @Test func escalationPagesOnlyAtHighConfidence() {
        #expect(decide(.escalate, 0.85, 0, nil).ruleName == "page-on-call-high-confidence")
        #expect(decide(.escalate, 0.85, 0, nil).tier == .automated)
        #expect(decide(.escalate, 0.5, 0, nil).tier == .approval)
    }

    @Test func unknownAssetNeverAutomatesABoundedRule() {
        // The Tier 1 rule bounds the asset, so it cannot match an asset it cannot see.
        let d = decide(.blockIP, 0.99, 5, nil)
        #expect(d.tier == .approval)
        #expect(d.ruleName == "block-indicator-with-approval")
        #expect(d.assetUnknown)
        // A Tier 2 rule with asset conditions below the worst case does not match either.
        let q = decide(.quarantineHost, 0.99, 0, nil)
        #expect(q.tier == .humanDriven)
        #expect(q.reason.contains("asset unknown, assumed criticality 4 > 3"))
        #expect(q.reason.contains("asset not in the inventory"))
    }

    @Test func staleRuleFallsToTierTwoAndSaysWhy() {
        let lastValid = at("2027-02-28T23:59:59Z")
        #expect(decide(.blockIP, 0.95, 3, workstation, now: lastValid).tier == .automated)
        let d = decide(.blockIP, 0.95, 3, workstation, now: at("2027-03-01T00:00:00Z"))
        #expect(d.tier == .approval)
        #expect(d.ruleTier == .automated)
        #expect(d.ruleName == "auto-block-corroborated-indicator")
        #expect(d.demotedForStaleness)
        #expect(d.reason.contains("rule 'auto-block-corroborated-indicator' is past its review date 2027-02-28; Tier 1 suspended until re-approved"))
        // The rule without its own review date still automates until the policy's date.
        #expect(decide(.blockHash, 0.87, 2, fileServer, now: at("2027-03-01")).tier == .automated)
    }

    @Test func stalePolicyAutomatesNothing() {
        let later = at("2027-06-01")
        let d = decide(.createCase, 0.9, 0, workstation, now: later)
        #expect(d.tier == .approval)
        #expect(d.demotedForStaleness)
        #expect(d.reason.contains("past its review date 2027-05-31"))
        // Tier 2 and 3 outcomes are unaffected by staleness.
        let q = decide(.quarantineHost, 0.9, 0, workstation, now: later)
        #expect(q.tier == .approval)
        #expect(!q.demotedForStaleness)
        #expect(decide(.quarantineHost, 0.9, 0, paymentServer, now: later).tier == .humanDriven)
    }

    @Test func nanConfidenceMeetsNoThreshold() {
        let d = decide(.blockIP, .nan, 9, workstation)
        #expect(d.tier == .humanDriven)
        #expect(d.reason.contains("confidence NaN < 0.9"))
    }
}

// MARK: - Tier decisions (hand-written policies)

struct TierRuleSemanticsTests {
    private func policy(_ rules: String) throws -> TierPolicy {
        try TierPolicy(data: Data(policyJSON(rules).utf8), file: "p.json")
    }

    private func request(_ action: ActionKind, _ c: Double = 0.9, _ corr: Int = 0, _ asset: Asset? = workstation) -> TierRequest {
        TierRequest(action: action, confidence: c, corroboration: corr, asset: asset, now: today)
    }

    @Test func firstMatchWins() throws {
        let a = #"{"name": "a", "actions": ["block_ip"], "min_confidence": 0.5, "max_asset_criticality": 2, "tier": 1}"#
        let b = #"{"name": "b", "actions": "*", "tier": 2}"#
        #expect(try policy("\(a), \(b)").tier(for: request(.blockIP)).ruleName == "a")
        #expect(try policy("\(b), \(a)").tier(for: request(.blockIP)).ruleName == "b")
        #expect(try policy("\(b), \(a)").tier(for: request(.blockIP)).tier == .approval)
    }

    @Test func unmatchedIsTierThree() throws {
        let p = try policy(#"{"name": "blocks", "actions": ["block_ip"], "tier": 2}"#)
        let d = p.tier(for: request(.disableAccount))
        #expect(d.tier == .humanDriven)
        #expect(d.ruleName == nil && d.ruleTier == nil)
        #expect(d.reason.hasPrefix("no rule matched disable_account (confidence 0.9, corroboration 0, asset ws-017 criticality 1)"))
        #expect(d.reason.hasSuffix("unmatched actions are Tier 3 (human-driven)"))
        #expect(try policy("").tier(for: request(.enrich)).tier == .humanDriven)
    }

    @Test func thresholdsAreInclusive() throws {
        let p = try policy(#"{"name": "r", "actions": ["block_ip"], "min_confidence": 0.9, "min_corroboration": 3, "max_asset_criticality": 2, "tier": 1}"#)
        #expect(p.tier(for: request(.blockIP, 0.9, 3, Asset(hostname: "h", criticality: 2))).tier == .automated)
        #expect(p.tier(for: request(.blockIP, 0.8999, 3, Asset(hostname: "h", criticality: 2))).tier == .humanDriven)
        #expect(p.tier(for: request(.blockIP, 0.9, 2, Asset(hostname: "h", criticality: 2))).tier == .humanDriven)
        #expect(p.tier(for: request(.blockIP, 0.9, 3, Asset(hostname: "h", criticality: 3))).tier == .humanDriven)
    }

    @Test func excludedTagsAreCaseInsensitive() throws {
        let p = try policy(#"{"name": "q", "actions": ["quarantine_host"], "exclude_asset_tags": ["Payment"], "tier": 2}"#)
        let d = p.tier(for: request(.quarantineHost, 0.99, 0, Asset(hostname: "pos-1", criticality: 2, tags: ["PAYMENT"])))
        #expect(d.tier == .humanDriven)
        #expect(d.reason.contains("tagged payment (excluded)"))
    }

    @Test func unknownAssetIsTheWorstCase() throws {
        let p = try policy("""
            {"name": "t1-any-criticality", "actions": ["block_ip"], "max_asset_criticality": 4, "tier": 1},
            {"name": "t2-excluding", "actions": ["block_ip"], "exclude_asset_tags": ["payment"], "tier": 2},
            {"name": "t2-worst", "actions": ["block_ip"], "max_asset_criticality": 4, "tier": 2},
            {"name": "t1-unbounded", "actions": ["block_hash"], "min_confidence": 0.5, "tier": 1}
            """)
        let d = p.tier(for: request(.blockIP, 0.99, 5, nil))
        #expect(d.ruleName == "t2-worst")
        #expect(d.tier == .approval)
        #expect(d.reason.contains("asset unknown, assumed criticality 4 <= 4"))
        #expect(p.tier(for: request(.blockIP, 0.99, 5, workstation)).ruleName == "t1-any-criticality")
        // A rule with no asset condition still matches, flagged.
        let h = p.tier(for: request(.blockHash, 0.99, 0, nil))
        #expect(h.tier == .automated && h.assetUnknown)
    }

    @Test func ownReviewDateCannotOutliveThePolicy() throws {
        let p = try policy(#"{"name": "r", "actions": ["enrich"], "tier": 1, "review_by": "2028-01-01"}"#)
        #expect(p.effectiveReviewDate(of: p.rules[0]).text == "2027-05-01")
        let d = p.tier(for: TierRequest(action: .enrich, confidence: 1, asset: nil, now: at("2027-06-01")))
        #expect(d.tier == .approval && d.demotedForStaleness)
        #expect(d.reason.contains("past its review date 2027-05-01"))
    }

    @Test func dateTimeReviewDatesAreInstants() throws {
        let p = try policy(#"{"name": "r", "actions": ["enrich"], "tier": 1, "review_by": "2027-01-10T12:00:00+02:00"}"#)
        let req = { (t: String) in TierRequest(action: .enrich, confidence: 1, asset: nil, now: at(t)) }
        #expect(p.tier(for: req("2027-01-10T09:59:59Z")).tier == .automated)
        #expect(p.tier(for: req("2027-01-10T10:00:00Z")).tier == .approval)
    }
}

// MARK: - Policy loader errors

struct PolicyLoaderErrorTests {
    @Test func unknownTopLevelField() {
        let text = policyJSON("", header: #""version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-01-01", "review_by": "2027-01-01", "reveiw_by": "x","#)
        expectError(text, location: "document", containing: #"unknown field "reveiw_by"; did you mean "review_by"?"#)
    }

    @Test func unknownRuleFieldNamesTheRule() {
        expectError(policyJSON(#"{"name": "isolate-critical", "actions": ["isolate_segment"], "min_confidance": 0.9, "tier": 2}"#),
                    location: "rules[0] 'isolate-critical'", containing: #"unknown field "min_confidance"; did you mean "min_confidence"?"#)
    }

    @Test func unknownAction() {
        let text = policyJSON("""
            {"name": "ok", "actions": ["enrich"], "tier": 1},
            {"name": "nuke", "actions": ["block_ip", "wipe_host"], "tier": 2}
            """)
        expectError(text, location: "rules[1] 'nuke'", containing: #"unknown action "wipe_host""#)
    }

    @Test func duplicateRuleNames() {
        let text = policyJSON("""
            {"name": "r", "actions": ["enrich"], "tier": 1},
            {"name": "r", "actions": ["escalate"], "tier": 2}
            """)
        expectError(text, location: "rules[1] 'r'", containing: "duplicate rule name 'r' (first used by rules[0])")
    }

    @Test(arguments: [
        (#""min_confidence": 1.5"#, "min_confidence 1.5 is outside 0...1"),
        (#""min_confidence": -0.1"#, "min_confidence -0.1 is outside 0...1"),
        (#""min_confidence": "NaN""#, "min_confidence must be a number in 0...1, found a string"),
        (#""min_confidence": true"#, "min_confidence must be a number in 0...1, found a boolean"),
        (#""max_asset_criticality": 5"#, "max_asset_criticality 5 is not an integer in 0...4"),
        (#""max_asset_criticality": 2.5"#, "max_asset_criticality must be an integer in 0...4, found 2.5"),
        (#""min_corroboration": -1"#, "min_corroboration -1 is not an integer >= 0"),
        (#""min_corroboration": 1.5"#, "min_corroboration must be an integer >= 0, found 1.5"),
        (#""exclude_asset_tags": "payment""#, "exclude_asset_tags must be an array of strings"),
        (#""exclude_asset_tags": ["payment", 3]"#, "exclude_asset_tags[1] must be a non-empty string, found 3"),
    ])
    func impossibleThresholds(field: String, message: String) {
        expectError(policyJSON(#"{"name": "bad", "actions": ["block_ip"], \#(field), "tier": 2}"#),
                    location: "rules[0] 'bad'", containing: message)
    }

    @Test(arguments: ["0", "4", "\"1\"", "1.5", "null"])
    func tierMustBeOneTwoOrThree(tier: String) {
        expectError(policyJSON(#"{"name": "t", "actions": ["enrich"], "tier": \#(tier)}"#),
                    location: "rules[0] 't'", containing: "tier must be 1, 2 or 3")
    }

    @Test func nanLiteralIsNotJSON() {
        expectError(policyJSON(#"{"name": "n", "actions": ["enrich"], "min_confidence": NaN, "tier": 1}"#),
                    location: "document", containing: "unexpected 'N' where a value was expected (NaN, Infinity and comments are not JSON) (line 3)")
    }

    @Test func missingRequiredFields() {
        let text = #"{"version": "1", "approved_by": "a", "approved_at": "2026-01-01", "review_by": "2027-01-01", "rules": [{"name": "x", "actions": ["enrich"]}, {"actions": ["enrich"], "tier": 1}]}"#
        expectError(text, location: "document", containing: #"missing required field "owner""#)
        expectError(text, location: "rules[0] 'x'", containing: #"missing required field "tier""#)
        expectError(text, location: "rules[1]", containing: #"missing required field "name""#)
    }

    @Test func actionsMustNameSomething() {
        expectError(policyJSON(#"{"name": "e", "actions": [], "tier": 1}"#), location: "rules[0] 'e'", containing: "actions is empty")
        expectError(policyJSON(#"{"name": "m", "actions": ["*", "enrich"], "tier": 1}"#), location: "rules[0] 'm'",
                    containing: #""*" cannot be combined"#)
        expectError(policyJSON(#"{"name": "s", "actions": "block_ip", "tier": 1}"#), location: "rules[0] 's'",
                    containing: #"actions must be "*" or an array"#)
    }

    @Test func reviewBeforeApproval() {
        let header = #""version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-11-16T09:00:00Z", "review_by": "2026-11-15","#
        expectError(policyJSON("", header: header), location: "review_by", containing: "review_by 2026-11-15 is before approved_at 2026-11-16T09:00:00Z")
        expectError(policyJSON(#"{"name": "old", "actions": ["enrich"], "tier": 1, "review_by": "2026-10-01"}"#),
                    location: "rules[0] 'old'", containing: "review_by 2026-10-01 is before the policy's approved_at 2026-11-01")
        // Reviewing on the day of approval is allowed (a date covers the whole day).
        let sameDay = #""version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-11-16T09:00:00Z", "review_by": "2026-11-16","#
        #expect(check(policyJSON("", header: sameDay)).diagnostics.errors.isEmpty)
    }

    @Test(arguments: [
        ("2026-02-30", "day 30 does not exist in month 2 of 2026"),
        ("next tuesday", "expected a digit"),
        ("2026-13-01", "month 13 does not exist"),
        ("2026-06-30T12:00:00", "a date-time needs a time zone"),
        ("2026-06-30T25:00:00Z", "does not exist"),
        ("30/06/2026", "expected a digit"),
    ])
    func unparseableDates(text: String, why: String) {
        let header = #""version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-01-01", "review_by": "\#(text)","#
        expectError(policyJSON("", header: header), location: "review_by", containing: "review_by \"\(text)\" is not an ISO-8601 date")
        expectError(policyJSON("", header: header), location: "review_by", containing: why)
    }

    @Test func leapDayIsADate() {
        let header = #""version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-01-01", "review_by": "2028-02-29","#
        #expect(check(policyJSON("", header: header)).value?.reviewBy.text == "2028-02-29")
    }

    @Test func malformedAndTruncatedJSON() {
        expectError("{\n  \"version\": \"1\",\n  \"rules\": [\n", location: "document", containing: "truncated")
        expectError("{\"version\": \"1\" \"owner\": \"o\"}", location: "document", containing: "expected ',' or '}'")
        expectError("", location: "document", containing: "unexpected end of file")
        expectError("[1, 2]", location: "document", containing: "expected an object, found an array")
        expectError(policyJSON(#"{"name": "t", "actions": ["enrich"], "tier": 1, "tier": 3}"#),
                    location: "document", containing: #"duplicate key "tier" in the same object (line 3)"#)
    }

    @Test func absurdSizesAndNesting() {
        let huge = Data(repeating: UInt8(ascii: " "), count: 5 << 20)
        let load = TierPolicy.check(data: huge, file: "p.json", now: today)
        #expect(problems(load.diagnostics).map(\.reason) == ["not valid JSON: file is 5242880 bytes; configuration files are limited to 4194304 bytes"])
        expectError(String(repeating: "[", count: 100_000), location: "document", containing: "nested more than 64 levels deep")
    }

    @Test func escapesAndUnicodeNames() throws {
        let p = try TierPolicy(data: Data(policyJSON(#"{"name": "bl\u00f6ck-\ud83d\udd12 \"quoted\"", "actions": ["enrich"], "tier": 1}"#).utf8), file: "p.json")
        #expect(p.rules[0].name == "blöck-🔒 \"quoted\"")
        expectError(policyJSON(#"{"name": "bad\ud83d", "actions": ["enrich"], "tier": 1}"#), location: "document", containing: "unpaired surrogate")
    }

    @Test func rulesMustBeAnArray() {
        let text = #"{"version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-01-01", "review_by": "2027-01-01", "rules": {}}"#
        expectError(text, location: "rules", containing: "rules must be an array of rule objects, found an object")
    }

    @Test func everyProblemIsReportedAtOnce() throws {
        let text = policyJSON("""
            {"name": "a", "actions": ["block_ip"], "min_confidence": 2, "tier": 1},
            {"name": "b", "actions": ["shutdown"], "tier": 2, "colour": "red"},
            {"name": "a", "actions": ["enrich"], "tier": 7}
            """, header: #""version": "1", "owner": "o", "approved_by": "a", "approved_at": "2026-01-01", "review_by": "someday","#)
        let load = check(text)
        let found = problems(load.diagnostics)
        #expect(found.count == 6, "\(found)")
        #expect(found.map(\.location) == ["review_by", "rules[0] 'a'", "rules[1] 'b'", "rules[1] 'b'", "rules[2] 'a'", "rules[2] 'a'"])
        // The throwing loader carries all of them in one message.
        let path = try tempFile(text)
        #expect {
            _ = try TierPolicy(contentsOf: path)
        } throws: { error in
            guard let e = error as? VigilError, case let .invalidConfiguration(file, location, reason) = e else { return false }
            return file == path && location == "review_by" && reason.contains("and 5 more problems")
                && reason.contains("rules[1] 'b': unknown action \"shutdown\"") && reason.contains("rules[2] 'a': tier must be 1, 2 or 3")
        }
    }

    @Test func unreadableFile() {
        #expect(throws: VigilError.io(path: "/nonexistent/policy.json", reason: "no such file")) {
            _ = try TierPolicy(contentsOf: "/nonexistent/policy.json")
        }
    }
}

// MARK: - Policy warnings

struct PolicyWarningTests {
    private func warnings(_ rules: String, now: Date = today) -> [ConfigurationWarning] {
        let load = check(policyJSON(rules), now: now)
        #expect(load.diagnostics.errors.isEmpty, "\(load.diagnostics.errors)")
        return load.diagnostics.warnings
    }

    @Test func shadowedRuleIsReported() {
        let w = warnings("""
            {"name": "broad", "actions": ["block_ip", "block_hash"], "min_confidence": 0.8, "max_asset_criticality": 3, "tier": 2},
            {"name": "narrow", "actions": ["block_ip"], "min_confidence": 0.9, "min_corroboration": 2, "max_asset_criticality": 2, "exclude_asset_tags": ["payment"], "tier": 1}
            """)
        #expect(w.contains { $0.location == "rules[1] 'narrow'" && $0.message.contains("shadowed by rules[0] 'broad'") && $0.message.contains("never fire") })
    }

    @Test func strictEarlierRuleDoesNotShadow() {
        let w = warnings("""
            {"name": "strict", "actions": ["block_ip"], "min_confidence": 0.95, "max_asset_criticality": 2, "tier": 1},
            {"name": "looser", "actions": ["block_ip"], "min_confidence": 0.9, "max_asset_criticality": 2, "tier": 2},
            {"name": "excluding", "actions": ["quarantine_host"], "exclude_asset_tags": ["payment"], "tier": 2},
            {"name": "not-excluding", "actions": ["quarantine_host"], "tier": 3}
            """)
        #expect(!w.contains { $0.message.contains("shadowed") }, "\(w)")
    }

    @Test func catchAllShadowsEverythingAfterIt() {
        let w = warnings("""
            {"name": "everything", "actions": "*", "tier": 3},
            {"name": "enrich", "actions": ["enrich"], "tier": 1}
            """)
        #expect(w.map(\.location) == ["rules[1] 'enrich'"])
    }

    @Test func boundedTierOneRuleDoesNotShadowUnknownAssets() {
        // 'first' cannot match an unknown asset (Tier 1 with asset bound), 'second' can.
        let w = warnings("""
            {"name": "first", "actions": ["block_ip"], "min_confidence": 0.5, "max_asset_criticality": 4, "tier": 1},
            {"name": "second", "actions": ["block_ip"], "min_confidence": 0.5, "max_asset_criticality": 4, "tier": 2}
            """)
        #expect(w.isEmpty, "\(w)")
    }

    @Test func automationWithoutABound() {
        let w = warnings("""
            {"name": "no-conf", "actions": ["block_ip"], "max_asset_criticality": 2, "tier": 1},
            {"name": "no-crit", "actions": ["quarantine_host"], "min_confidence": 0.99, "tier": 1},
            {"name": "harmless", "actions": ["enrich", "create_case", "escalate"], "tier": 1}
            """)
        #expect(w.map(\.location) == ["rules[0] 'no-conf'", "rules[1] 'no-crit'"])
        #expect(w[0].message == "Tier 1 rule without min_confidence: automates block_ip at any confidence")
        #expect(w[1].message == "Tier 1 rule without max_asset_criticality: automates quarantine_host on assets of any criticality")
    }

    @Test func pastReviewDates() {
        let w = warnings("""
            {"name": "expiring", "actions": ["enrich"], "tier": 1, "review_by": "2026-11-30"},
            {"name": "long", "actions": ["escalate"], "tier": 2, "review_by": "2030-01-01"}
            """)
        #expect(w.map(\.location) == ["rules[0] 'expiring'", "rules[1] 'long'"])
        #expect(w[0].message.contains("past its review date 2026-11-30: Tier 1 suspended"))
        #expect(w[1].message.contains("later than the policy's 2027-05-01"))
        let stale = warnings(#"{"name": "e", "actions": ["enrich"], "tier": 1}"#, now: at("2027-05-02"))
        #expect(stale.map(\.location) == ["review_by"])
        #expect(stale[0].message.hasPrefix("policy is past its review date 2027-05-01: no rule automates"))
    }

    @Test func actionListedTwiceAndEmptyPolicy() {
        #expect(warnings(#"{"name": "d", "actions": ["enrich", "enrich"], "tier": 1}"#).map(\.message) == ["action enrich is listed twice"])
        #expect(warnings("").map(\.message) == ["no rules: every action is Tier 3"])
    }
}

// MARK: - Playbook catalogue

private func alert(title: String = "Generic alert", techniques: [String] = [], analyticUID: String? = nil,
                   analyticName: String? = nil) -> Alert {
    Alert(uid: "a-1", title: title, timeMs: 0, severityID: 3, productName: "edr", schemaVersion: "1.8.0",
          analyticUID: analyticUID, analyticName: analyticName, techniques: techniques)
}

private func catalogue(_ families: String, extra: String = "") throws -> PlaybookCatalogue {
    try PlaybookCatalogue(data: Data(#"{"families": [\#(families)]\#(extra)}"#.utf8), file: "pb.json")
}

private func family(_ name: String, _ match: String, actions: String = #"[{"kind": "enrich", "reversible": true, "blast_radius": "none"}]"#) -> String {
    #"{"name": "\#(name)", "match": \#(match), "actions": \#(actions), "limitations": ["x"]}"#
}

private func catalogueErrors(_ text: String) -> [(location: String, reason: String)] {
    let load = PlaybookCatalogue.check(data: Data(text.utf8), file: "pb.json")
    if !load.diagnostics.errors.isEmpty { #expect(load.value == nil) }
    return problems(load.diagnostics)
}

struct PlaybookCatalogueTests {
    @Test func techniqueBeatsAnalyticBeatsTitleAndTiesGoToFileOrder() throws {
        let c = try catalogue([
            family("by-title", #"{"title_contains": ["beacon"]}"#),
            family("by-analytic", #"{"analytics": ["c2-rule"]}"#),
            family("by-technique-2", #"{"techniques": ["T1573"]}"#),
            family("by-technique-1", #"{"techniques": ["T1071"]}"#),
        ].joined(separator: ","))
        let a = alert(title: "Periodic BEACON to rare domain", techniques: ["T1071.001", "T1573.002"], analyticUID: "C2-RULE-7")
        #expect(c.families(for: a).map(\.family.name) == ["by-technique-2", "by-technique-1", "by-analytic", "by-title"])
        #expect(c.bestFamily(for: a).basis == .technique)
        #expect(c.bestFamily(for: a).matchedOn == "technique T1573.002 by T1573")
        #expect(c.bestFamily(for: alert(title: "beacon", analyticName: "Rare c2-rule hit")).family.name == "by-analytic")
        #expect(c.bestFamily(for: alert(title: "Beacon seen")).family.name == "by-title")
    }

    @Test func techniquePatterns() throws {
        let c = try catalogue([
            family("phishing", #"{"techniques": ["T1566.*"]}"#),
            family("powershell-only", #"{"techniques": ["T1059.001"]}"#),
            family("c2", #"{"techniques": ["t1071"]}"#),
        ].joined(separator: ","))
        #expect(c.bestFamily(for: alert(techniques: ["T1566"])).family.name == "phishing")
        #expect(c.bestFamily(for: alert(techniques: ["T1566.002"])).family.name == "phishing")
        #expect(c.bestFamily(for: alert(techniques: ["T15660"])).basis == .default)
        #expect(c.bestFamily(for: alert(techniques: ["T1059.001"])).family.name == "powershell-only")
        #expect(c.bestFamily(for: alert(techniques: ["T1059.003"])).basis == .default)
        #expect(c.bestFamily(for: alert(techniques: ["T1071.004"])).family.name == "c2")
    }

    @Test func defaultFamilyWhenNothingMatches() throws {
        let builtIn = try catalogue(family("x", #"{"techniques": ["T1003"]}"#))
        let best = builtIn.bestFamily(for: alert())
        #expect(best.basis == .default)
        #expect(best.family.actions.map(\.kind) == [.createCase, .enrich, .escalate])
        #expect(builtIn.families(for: alert()).isEmpty)
        let custom = try catalogue(family("x", #"{"techniques": ["T1003"]}"#),
                                   extra: #", "default": {"name": "triage", "actions": [{"kind": "create_case", "reversible": true, "rollback": "close_case", "blast_radius": "none"}], "limitations": ["generic"]}"#)
        #expect(custom.bestFamily(for: alert()).family.name == "triage")
    }

    @Test func validationErrors() {
        let enrich = #"{"kind": "enrich", "reversible": true, "blast_radius": "none"}"#
        let text = #"""
        {"families": [
          {"name": "a", "match": {"techniques": ["T1071"], "tactics": ["TA0011"]}, "actions": [\#(enrich)], "limitations": ["x"], "owner": "me"},
          {"name": "b", "match": {"techniques": ["1071", "T1071.1"]}, "actions": [{"kind": "nuke_site", "reversible": true, "blast_radius": "planet"}]},
          {"name": "a", "match": {"analytics": ["x"]}, "actions": []},
          {"name": "d", "match": {"analytics": ["x"]}, "actions": [{"kind": "reset_credentials", "reversible": false, "rollback": "restore_password", "blast_radius": "account"}, \#(enrich), \#(enrich)]},
          {"name": "e", "match": {"analytics": ["x"]}, "actions": [{"kind": "block_ip", "reversible": "yes", "rollback": "Unblock IP", "blast_radius": "entity", "cost": 3}]}
        ], "colour": "red"}
        """#
        let found = catalogueErrors(text)
        func has(_ location: String, _ fragment: String) -> Bool {
            found.contains { $0.location == location && $0.reason.contains(fragment) }
        }
        #expect(has("document", #"unknown field "colour""#))
        #expect(has("families[0] 'a'.match", #"unknown field "tactics""#))
        #expect(has("families[0] 'a'", #"unknown field "owner""#))
        #expect(has("families[1] 'b'.match", #"techniques[0] "1071" is not an ATT&CK technique pattern"#))
        #expect(has("families[1] 'b'.match", #"techniques[1] "T1071.1" is not"#))
        #expect(has("families[1] 'b'.actions[0]", #"unknown action "nuke_site""#))
        #expect(has("families[1] 'b'.actions[0]", #"unknown blast_radius "planet""#))
        #expect(has("families[2] 'a'", "duplicate family name 'a' (first used by families[0])"))
        #expect(has("families[2] 'a'", "actions is empty: a family must propose at least one action"))
        #expect(has("families[3] 'd'.actions[0]", "reversible is false but rollback names restore_password"))
        #expect(has("families[3] 'd'.actions[2]", "action enrich is listed twice"))
        #expect(has("families[4] 'e'.actions[0]", "reversible must be true or false, found a string"))
        #expect(has("families[4] 'e'.actions[0]", #"rollback must be an action name such as unblock_ip, or null; found "Unblock IP""#))
        #expect(has("families[4] 'e'.actions[0]", #"unknown field "cost""#))
        #expect(found.count == 14, "\(found)")
    }

    @Test func missingFieldsAndWarnings() throws {
        let errors = catalogueErrors(#"{"families": [{"name": "x", "actions": [{"kind": "enrich"}]}]}"#)
        #expect(errors.contains { $0.location == "families[0] 'x'" && $0.reason.contains(#"missing required field "match""#) })
        #expect(errors.contains { $0.location == "families[0] 'x'.actions[0]" && $0.reason.contains(#"missing required field "reversible""#) })
        #expect(errors.contains { $0.location == "families[0] 'x'.actions[0]" && $0.reason.contains(#"missing required field "blast_radius""#) })
        #expect(catalogueErrors("{}").map(\.reason) == [#"missing required field "families" (line 1)"#])

        let load = PlaybookCatalogue.check(data: Data(#"{"families": [{"name": "quiet", "match": {}, "actions": [{"kind": "block_ip", "reversible": true, "blast_radius": "entity"}]}]}"#.utf8), file: "pb.json")
        #expect(load.value != nil)
        #expect(load.diagnostics.warnings.map(\.message) == [
            "match lists no techniques, analytics or title substrings: the family can never match",
            "block_ip is marked reversible but names no rollback action",
            "no limitations listed: explanations for this detection type will name no known blind spots",
        ])
    }
}

// MARK: - Blast radius

struct BlastRadiusTests {
    @Test func quarantineOfAPaymentServer() {
        let e = PlaybookAction(kind: .quarantineHost, reversible: true, rollback: "release_host", blastRadius: .asset).blastRadius(on: paymentServer)
        #expect(e.level == 4)
        #expect(e.reason == "quarantine of ws-042 (criticality 4, payment; 12 dependants)")
        #expect(!e.assetUnknown)
    }

    @Test func unknownAssetIsAssumedCritical() {
        let e = BlastRadiusEstimate(action: .quarantineHost, radius: .asset, asset: nil)
        #expect(e.level == 4 && e.assetUnknown)
        #expect(e.reason.contains("unknown asset"))
        #expect(BlastRadiusEstimate(action: .blockIP, radius: .entity, asset: nil).level == 3)
        #expect(BlastRadiusEstimate(action: .enrich, radius: .none, asset: nil).level == 0)
    }

    @Test(arguments: [
        (BlastRadiusKind.none, 4, 50, 0),
        (.entity, 1, 0, 1), (.entity, 3, 0, 2),
        (.asset, 0, 0, 2), (.asset, 1, 10, 3), (.asset, 3, 9, 3), (.asset, 4, 0, 4),
        (.account, 2, 0, 2), (.account, 3, 12, 4),
        (.segment, 0, 0, 3), (.segment, 3, 0, 4),
    ])
    func levels(radius: BlastRadiusKind, criticality: Int, dependants: Int, level: Int) {
        let asset = Asset(hostname: "h", criticality: criticality, dependants: (0..<dependants).map { "d\($0)" })
        #expect(BlastRadiusEstimate(action: .quarantineHost, radius: radius, asset: asset).level == level)
    }

    @Test func entityReasonSaysTheHostKeepsRunning() {
        let e = BlastRadiusEstimate(action: .blockIP, radius: .entity, asset: Asset(hostname: "ws-017", criticality: 1, dependants: ["x"]))
        #expect(e.reason == "IP block for ws-017 (criticality 1; 1 dependant): one indicator blocked, the host keeps running")
    }
}

// MARK: - Example files and `vigil policy check`

struct PolicyExampleTests {
    @Test func examplePolicyLoadsCleanly() {
        let load = TierPolicy.check(contentsOf: examplePolicyPath, now: today)
        #expect(load.diagnostics.errors.isEmpty, "\(load.diagnostics.errors)")
        #expect(load.diagnostics.warnings.isEmpty, "\(load.diagnostics.warnings)")
        #expect(load.value?.rules.count == 9)
    }

    @Test func examplePlaybooksLoadCleanly() throws {
        let load = PlaybookCatalogue.check(contentsOf: examplePlaybooksPath)
        #expect(load.diagnostics.errors.isEmpty, "\(load.diagnostics.errors)")
        #expect(load.diagnostics.warnings.isEmpty, "\(load.diagnostics.warnings)")
        let c = try #require(load.value)
        #expect(c.families.map(\.name) == ["c2-beacon", "phishing", "credential-access", "malware-execution",
                                          "lateral-movement", "exfiltration", "vpn-anomaly"])
        #expect(c.families.allSatisfy { $0.limitations.count >= 4 })
        #expect(c.defaultFamily.name == "unclassified")
    }

    @Test func demoScenariosUnderTheExamples() throws {
        let policy = try TierPolicy(contentsOf: examplePolicyPath)
        let playbooks = try PlaybookCatalogue(contentsOf: examplePlaybooksPath)
        // C2 alert on a payment server: c2-beacon, quarantine is not automated (nor even approvable).
        let c2 = playbooks.bestFamily(for: alert(title: "Beacon to rare host", techniques: ["T1071.001"]))
        #expect(c2.family.name == "c2-beacon")
        let quarantine = try #require(c2.family.actions.first { $0.kind == .quarantineHost })
        #expect(quarantine.blastRadius(on: paymentServer).level == 4)
        #expect(policy.tier(for: TierRequest(action: .quarantineHost, confidence: 0.93, asset: paymentServer, now: today)).tier == .humanDriven)
        // Executive on a personal VPN while travelling: vpn-anomaly; never auto-contained.
        let vpn = playbooks.bestFamily(for: alert(title: "Impossible travel: sign-in from new country via VPN"))
        #expect(vpn.family.name == "vpn-anomaly" && vpn.basis == .title)
        for action in vpn.family.actions where action.kind.target != nil {
            #expect(policy.tier(for: TierRequest(action: action.kind, confidence: 0.99, asset: executiveLaptop, now: today)).tier != .automated)
        }
        // Phishing sub-technique.
        #expect(playbooks.bestFamily(for: alert(techniques: ["T1566.002"])).family.name == "phishing")
    }

    @Test func checkerReportForTheExamplePolicy() {
        let report = PolicyCheck.run(path: examplePolicyPath, now: today)
        #expect(report.kind == .tierPolicy)
        #expect(report.exitStatus() == 0 && report.exitStatus(strict: true) == 0)
        let t = report.text
        #expect(t.hasPrefix("Tier policy \(examplePolicyPath)\n"))
        #expect(t.contains("  version      2026.11-1\n"))
        #expect(t.contains("  owner        SOC Engineering <soc-engineering@example.com>\n"))
        #expect(t.contains("  approved     2026-11-16 by Dana Whitfield (CISO)\n"))
        #expect(t.contains("  review by    2027-05-31 (179 days left)\n"))
        #expect(t.contains("  rules        9 (first match wins; unmatched actions are Tier 3)\n"))
        #expect(t.contains("#  name"))
        let row = t.split(separator: "\n").first { $0.contains("auto-block-corroborated-indicator") }.map(String.init) ?? ""
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                == ["0", "auto-block-corroborated-indicator", "1", "block_ip,", "block_hash,", "block_domain", "0.9", "3", "2",
                    "domain-controller,", "executive,", "payment", "2027-02-28"])
        #expect(t.hasSuffix("errors (0)\nwarnings (0)\nresult: OK (exit 0)\n"))
    }

    @Test func checkerShowsStaleRulesAndWarnings() {
        let report = PolicyCheck.run(path: examplePolicyPath, now: at("2027-03-15"))
        #expect(report.exitStatus() == 0)
        #expect(report.exitStatus(strict: true) == 1)
        #expect(report.text.contains("1->2 (stale)"))
        #expect(report.text.contains("warnings (1)\n  rules[0] 'auto-block-corroborated-indicator': past its review date 2027-02-28"))
        #expect(report.text.hasSuffix("result: OK with 1 warning (exit 0; 1 under --strict)\n"))
        let late = PolicyCheck.run(path: examplePolicyPath, now: at("2027-06-01"))
        #expect(late.text.contains("  review by    2027-05-31 (PAST: nothing automates until re-approved)\n"))
    }

    @Test func checkerReportsErrorsWithExitTwo() throws {
        let path = try tempFile(policyJSON(#"{"name": "isolate-critical", "actions": ["isolate_segment"], "min_confidence": 1.2, "tier": 1}"#))
        let report = PolicyCheck.run(path: path, now: today)
        #expect(report.exitStatus() == 2)
        #expect(report.text.contains("errors (1)\n  rules[0] 'isolate-critical': min_confidence 1.2 is outside 0...1; impossible threshold (line 3)\n"))
        #expect(report.text.hasSuffix("result: INVALID, 1 error, 0 warnings (exit 2)\n"))
        let missing = PolicyCheck.run(path: "/nonexistent/p.json", now: today)
        #expect(missing.exitStatus() == 2)
        #expect(missing.text.contains("result: INVALID"))
    }

    @Test func checkerReportForThePlaybooks() {
        let report = PolicyCheck.run(path: examplePlaybooksPath, now: today)
        #expect(report.kind == .playbookCatalogue)
        #expect(report.exitStatus() == 0)
        #expect(report.text.hasPrefix("Playbook catalogue \(examplePlaybooksPath)\n"))
        #expect(report.text.contains("  families     7 (technique match beats analytic beats title; ties in file order)\n"))
        #expect(report.text.contains("  default      unclassified: create_case, enrich, escalate\n"))
        #expect(report.text.contains("  0  c2-beacon\n       match        techniques T1071, T1573, T1568, T1095; analytics \"beacon\""))
        #expect(report.text.contains("quarantine_host (asset, rollback release_host)"))
        #expect(report.text.contains("reset_credentials (account, irreversible)"))
        #expect(report.text.hasSuffix("result: OK (exit 0)\n"))
    }
}
