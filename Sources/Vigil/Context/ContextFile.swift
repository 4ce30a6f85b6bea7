import Foundation

/// Reading the context files (inventories, feeds files, intel feeds) whole into memory,
/// with the errors an operator can act on. These files are configuration-sized (at most a
/// few hundred MB of intel), so one read beats streaming here.
enum ContextFile {
    /// The bytes of `path`, checked to be UTF-8 (a leading byte-order mark is dropped).
    ///
    /// - Throws: `VigilError.io` when the file is missing or unreadable,
    ///   `VigilError.invalidConfiguration` when it is not UTF-8 text.
    static func bytes(_ path: String) throws(VigilError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .io(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .io(path: path, reason: "is a directory, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, reason: "cannot be read (permissions?)")
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if !isASCII(bytes), String(validating: bytes, as: UTF8.self) == nil {
            let line = 1 + bytes.prefix(firstInvalidUTF8(bytes)).count(where: { $0 == 0x0A })
            throw .invalidConfiguration(file: path, location: "line \(line)", reason: "not valid UTF-8 text")
        }
        return bytes
    }

    /// Whether every byte is below 0x80 (then the text is UTF-8 without building a String).
    private static func isASCII(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var i = 0
            let n = raw.count
            while i + 8 <= n {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
            while i < n { if raw[i] >= 0x80 { return false }; i += 1 }
            return true
        }
    }

    /// The offset of the first byte that starts an invalid UTF-8 sequence (for messages only).
    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var lo = 0, hi = bytes.count
        // Binary search on the longest valid prefix; a cut inside a valid multi-byte
        // sequence also fails, so this lands within 3 bytes of the culprit: close enough
        // to name the line.
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if String(validating: bytes[0..<mid], as: UTF8.self) != nil { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// `path` resolved against `directory` when relative; `~` is not expanded (a feeds
    /// file is read by services that have no home directory).
    static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        let base = directory.isEmpty ? "." : directory
        return (base as NSString).appendingPathComponent(path)
    }

    /// The folder that holds `path` ("." for a bare file name).
    static func directory(of path: String) -> String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }
}

/// Collects the problems found in one configuration file so that the operator sees all of
/// them (up to `limit`) in one error, rather than fixing them one run at a time.
struct ProblemList {
    private(set) var items: [(location: String, reason: String)] = []
    private(set) var total = 0
    let limit: Int

    init(limit: Int = 20) { self.limit = limit }

    var isEmpty: Bool { total == 0 }

    mutating func add(_ location: String, _ reason: String) {
        total += 1
        if items.count < limit { items.append((location, reason)) }
    }

    /// One `invalidConfiguration` error naming the first problem's location; the reason
    /// lists every other problem, and how many were left out past `limit`.
    func error(file: String) -> VigilError? {
        guard let first = items.first else { return nil }
        var reason = first.reason
        if total > 1 {
            reason += " (and \(total - 1) more problem\(total == 2 ? "" : "s"):"
            for item in items.dropFirst() { reason += "\n  \(item.location): \(item.reason)" }
            if total > items.count { reason += "\n  … \(total - items.count) more not shown" }
            reason += ")"
        }
        return .invalidConfiguration(file: file, location: first.location, reason: reason)
    }
}

/// Fast paths for normalising lookup keys. Lookups run once per alert, and Foundation's
/// `trimmingCharacters` (which `EntityKey.init` calls) costs microseconds on Linux; most
/// keys arrive already clean, so check for that first.
enum LookupText {
    /// `text` without surrounding spaces and tabs.
    static func trimmed(_ text: String) -> String {
        guard let first = text.utf8.first, let last = text.utf8.last else { return text }
        if first > 0x20 && last > 0x20 { return text }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A host name as `EntityKey(.host, _)` normalises it (lower-case, trimmed, no trailing
    /// dot), without Foundation when it is already plain lower-case ASCII.
    static func hostname(_ text: String) -> String? {
        var clean = !text.isEmpty
        for b in text.utf8 where b <= 0x20 || b >= 0x80 || (0x41...0x5A).contains(b) {
            clean = false
            break
        }
        if clean && text.utf8.last != UInt8(ascii: ".") { return text }
        return EntityKey(.host, text)?.value
    }
}
