import Foundation

/// Renders an incident record (`IncidentRecordWriter`) for a terminal: the five parts of the
/// explanation, and every proposed action with its tier and the policy's reason.
enum ExplanationText {
    static func render(finding: (title: String, uid: String)?, incident r: [String: Any]) -> String {
        var out: [String] = []
        let e = r["explanation"] as? [String: Any] ?? [:]
        func number(_ any: Any?) -> Double { (any as? NSNumber)?.doubleValue ?? 0 }
        if let finding { out.append("finding \(finding.uid): \(finding.title)") }
        let family = r["family"] as? [String: Any] ?? [:]
        let members = r["finding_uids"] as? [String] ?? []
        out.append("incident \(r["incident_uid"] as? String ?? "?") (\(members.count) alert\(members.count == 1 ? "" : "s")), family \(family["name"] as? String ?? "?") (\(family["matched_on"] as? String ?? "default")), lowest tier \(r["tier"] as? Int ?? 3)")
        if let linked = r["linked_by"] as? [String], !linked.isEmpty { out.append("linked by " + linked.prefix(6).joined(separator: ", ")) }
        out.append("recommendations:")
        for rec in r["recommendations"] as? [[String: Any]] ?? [] {
            let target = (rec["target"] as? String).map { " \($0)" } ?? ""
            out.append("  - \(rec["action"] as? String ?? "?")\(target): Tier \(rec["tier"] as? Int ?? 3) — \(rec["reason"] as? String ?? "")")
            out.append("    impact of acting: \(rec["impact_of_acting"] as? String ?? "")")
        }
        out.append("(a) triggering indicators:")
        for i in e["indicators"] as? [[String: Any]] ?? [] {
            out.append(String(format: "  %+.2f  %@", number(i["contribution"]), i["indicator"] as? String ?? ""))
        }
        out.append(String(format: "(b) confidence %.2f (logistic %.2f, precedent vote %.2f); model %@", number(e["confidence"]),
                          number(e["logistic_probability"]), number(e["precedent_vote"]), e["model_version"] as? String ?? "?"))
        out.append("(c) similar closed cases:")
        for p in e["precedents"] as? [[String: Any]] ?? [] {
            out.append(String(format: "  %.2f  %@  %@  action: %@  (%@)", number(p["similarity"]), p["incident_uid"] as? String ?? "",
                              p["verdict"] as? String ?? "", p["action_taken"] as? String ?? "none", p["title"] as? String ?? ""))
        }
        out.append("(d) known limitations:")
        for l in e["limitations"] as? [[String: Any]] ?? [] { out.append("  - \(l["text"] as? String ?? "")") }
        out.append("(e) impact of not acting: \(e["impact_of_not_acting"] as? String ?? "") (risk \(e["risk_score"] as? Int ?? 0)/100)")
        return out.joined(separator: "\n")
    }
}
