import Foundation

/// Playbook matches per detection (rule uid and name, title, techniques), kept for the life
/// of a `Recommender` and shared by its threads: a day's alerts come from a few dozen
/// detections, and matching one compares every family's patterns case-insensitively,
/// which would otherwise dominate recommendation time.
///
/// Thread-safe. Bounded: past `capacity` detections (titles that embed an address, say)
/// the memo starts over rather than grow without limit.
final class FamilyMemo: @unchecked Sendable {
    /// Distinct detections kept before the memo starts over.
    static let capacity = 4096

    /// What `DetectionFamily.match` looks at in an alert.
    private struct Detection: Hashable {
        var analyticUID: String?
        var analyticName: String?
        var title: String
        var techniques: [String]
    }

    private let lock = NSLock()
    private var byDetection: [Detection: FamilyMatch] = [:]  // guarded by `lock`

    /// The family of an incident: the strongest match over its alerts (the first of equally
    /// strong ones, in time order).
    /// - Complexity: one lookup per run of alerts of the same detection, up to the first
    ///   technique match; O(families × patterns) for a detection not seen before.
    func family(of incident: Incident, in playbooks: PlaybookCatalogue) -> FamilyMatch {
        // Alerts are read in place: copying one retains a dozen strings and arrays.
        incident.alerts.withUnsafeBufferPointer { alerts in
            var best = match(alerts, 0, in: playbooks)
            var last = 0
            var j = 1
            // Nothing beats the strongest basis: the rest of the alerts cannot change the answer.
            while j < alerts.count && best.basis < Self.strongest {
                if !Self.sameDetection(alerts, last, j) {
                    last = j
                    let match = match(alerts, j, in: playbooks)
                    if match.basis > best.basis { best = match }
                }
                j += 1
            }
            return best
        }
    }

    private static let strongest = FamilyMatch.Basis.allCases.max()!

    /// Whether alerts `i` and `j` are of one detection: cheaper than a lookup, and an
    /// incident's alerts usually share their detection (and its interned strings).
    private static func sameDetection(_ alerts: UnsafeBufferPointer<Alert>, _ i: Int, _ j: Int) -> Bool {
        alerts[i].title == alerts[j].title && alerts[i].analyticUID == alerts[j].analyticUID
            && alerts[i].analyticName == alerts[j].analyticName && alerts[i].techniques == alerts[j].techniques
    }

    /// The best family for alert `j`'s detection.
    private func match(_ alerts: UnsafeBufferPointer<Alert>, _ j: Int, in playbooks: PlaybookCatalogue) -> FamilyMatch {
        let detection = Detection(analyticUID: alerts[j].analyticUID, analyticName: alerts[j].analyticName,
                                  title: alerts[j].title, techniques: alerts[j].techniques)
        if let hit = lock.withLock({ byDetection[detection] }) { return hit }
        let match = playbooks.bestFamily(for: alerts[j])
        lock.withLock {
            if byDetection.count >= Self.capacity { byDetection.removeAll(keepingCapacity: true) }
            byDetection[detection] = match
        }
        return match
    }
}
