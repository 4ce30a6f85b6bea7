import Foundation
import Vigil

/// `vigil explain UID [--findings F] [--incidents F]`: the full explanation Vigil wrote for
/// one finding (by `finding_info.uid`) or incident (by `incident_uid`). A finding's update
/// names its incident; the incident record holds the explanation in full.
enum ExplainCommand {
    static func run(_ words: [String]) throws {
        guard let uid = words.first else { throw CommandError.usage("usage: vigil explain UID [--findings FILE] [--incidents FILE]") }
        var a = try Arguments(Array(words.dropFirst()))
        let findingsPath = a.take("--findings") ?? "vigil-demo/findings.ndjson"
        let incidentsPath = a.take("--incidents") ?? "vigil-demo/incidents.ndjson"
        try a.finish()

        var finding: (title: String, uid: String)?
        var incidentUID = uid
        if let record = try firstObject(in: incidentsPath, containing: uid, where: { $0["incident_uid"] as? String == uid }) {
            Swift.print(ExplanationText.render(finding: nil, incident: record))
            return
        }
        guard let update = try firstObject(in: findingsPath, containing: uid, where: { object in
            (object["finding_info"] as? [String: Any])?["uid"] as? String == uid
        }) else {
            throw VigilError.invalidRecord(source: findingsPath, line: 0, field: "finding_info.uid",
                                           reason: "no finding or incident '\(uid)' in \(findingsPath) or \(incidentsPath)")
        }
        let info = update["finding_info"] as? [String: Any] ?? [:]
        finding = (info["title"] as? String ?? "", uid)
        guard let vigil = (update["unmapped"] as? [String: Any])?["vigil"] as? [String: Any],
              let named = vigil["incident_uid"] as? String else {
            throw VigilError.invalidRecord(source: findingsPath, line: 0, field: "unmapped.vigil.incident_uid",
                                           reason: "finding '\(uid)' carries no Vigil assessment")
        }
        incidentUID = named
        guard let record = try firstObject(in: incidentsPath, containing: incidentUID, where: { $0["incident_uid"] as? String == incidentUID }) else {
            throw VigilError.invalidRecord(source: incidentsPath, line: 0, field: "incident_uid",
                                           reason: "no record of incident '\(incidentUID)' (finding '\(uid)' names it)")
        }
        Swift.print(ExplanationText.render(finding: finding, incident: record))
    }

    /// The first JSON object on a line of `path` that contains `needle` and satisfies
    /// `matches`. Reads line by line (getline), so a findings file of any size is fine.
    /// - Throws: `.io` when the file cannot be opened.
    static func firstObject(in path: String, containing needle: String, where matches: ([String: Any]) -> Bool) throws -> [String: Any]? {
        guard let file = fopen(path, "r") else {
            throw VigilError.io(path: path, reason: "cannot read (run vigil triage or vigil demo first): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        let quoted = Array("\"\(needle)\"".utf8)
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while true {
            let n = getline(&line, &capacity, file)
            if n < 0 { return nil }
            let bytes = UnsafeRawBufferPointer(start: line, count: n)
            guard contains(bytes, quoted) else { continue }
            if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any], matches(object) { return object }
        }
    }

    private static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
