import Foundation

/// Renders the `unmapped.vigil` object of a finding update for a terminal.
enum ExplanationText {
    static func render(title: String, uid: String, vigil: [String: Any]) -> String {
        var out: [String] = []
        let e = vigil["explanation"] as? [String: Any] ?? [:]
        out.append("finding \(uid): \(title)")
        out.append("incident \(vigil["incident_id"] as? String ?? "?") (\(vigil["incident_alerts"] as? Int ?? 0) alerts), family \(vigil["family"] as? String ?? "?"), lowest tier \(vigil["tier"] as? Int ?? 3)")
        out.append("recommendations:")
        for r in vigil["recommendations"] as? [[String: Any]] ?? [] {
            let target = (r["target"] as? String).map { " \($0)" } ?? ""
            out.append("  - \(r["action"] as? String ?? "?")\(target): Tier \(r["tier"] as? Int ?? 3) — \(r["reason"] as? String ?? "")")
            out.append("    impact of acting: \(r["impact_of_acting"] as? String ?? "")")
        }
        out.append("(a) triggering indicators:")
        for i in e["indicators"] as? [[String: Any]] ?? [] {
            let c = (i["contribution"] as? NSNumber)?.doubleValue ?? 0
            out.append(String(format: "  %+.2f  %@", c, i["indicator"] as? String ?? ""))
        }
        let confidence = (e["confidence"] as? NSNumber)?.doubleValue ?? 0
        let logistic = (e["logistic_probability"] as? NSNumber)?.doubleValue ?? 0
        let vote = (e["precedent_vote"] as? NSNumber)?.doubleValue ?? 0
        out.append(String(format: "(b) confidence %.2f (logistic %.2f, precedent vote %.2f); model %@", confidence, logistic, vote, e["model_version"] as? String ?? "?"))
        out.append("(c) similar closed cases:")
        for p in e["precedents"] as? [[String: Any]] ?? [] {
            let sim = (p["similarity"] as? NSNumber)?.doubleValue ?? 0
            out.append(String(format: "  %.2f  %@  %@  action: %@", sim, p["incident_id"] as? String ?? "", p["verdict"] as? String ?? "", p["action_taken"] as? String ?? "none"))
        }
        out.append("(d) known limitations:")
        for l in e["limitations"] as? [String] ?? [] { out.append("  - \(l)") }
        out.append("(e) impact of not acting: \(e["impact_of_not_acting"] as? String ?? "") (risk \(e["risk_score"] as? Int ?? 0)/100)")
        return out.joined(separator: "\n")
    }
}
