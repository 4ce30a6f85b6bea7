/// Reads a CSV IOC list: `type,value[,description]` per row (RFC 4180 quoting), with an
/// optional header row `type,value[,description]`. `type` is one of `ip`, `ipv4`, `ipv6`,
/// `domain`, `url`, `hash`, `file_hash`, `md5`, `sha1`, `sha256` (case-insensitive). A row
/// whose first field starts with `#` is a comment. A bad row (unknown type, bad address or
/// hash, wrong number of fields) is skipped and counted in the feed's report with its line.
enum IOCList {
    static let types = ["ip", "ipv4", "ipv6", "domain", "url", "hash", "file_hash", "md5", "sha1", "sha256"]

    /// The records of the list in `bytes`.
    ///
    /// - Throws: `VigilError.invalidConfiguration` naming `path` and the line when the file
    ///   is not CSV (unterminated quote) or its header names other columns.
    static func read(_ bytes: [UInt8], path: String, into report: inout FeedReport) throws(VigilError) -> [IntelRecord] {
        var rows: [CSVRecords.Record]
        do { rows = try CSVRecords.parse(bytes) } catch {
            throw .invalidConfiguration(file: path, location: "line \(error.line)", reason: "not valid CSV: \(error.reason)")
        }
        if let first = rows.first, first.fields.first?.trimmingCharacters(in: .whitespaces).lowercased() == "type" {
            let names = first.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard names == ["type", "value"] || names == ["type", "value", "description"] else {
                throw .invalidConfiguration(file: path, location: "line \(first.line)",
                                            reason: "header must be type,value or type,value,description, found \(first.fields.joined(separator: ","))")
            }
            rows.removeFirst()
        }
        var records: [IntelRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            let type = row.fields[0].trimmingCharacters(in: .whitespaces).lowercased()
            if type.hasPrefix("#") { report.ignoredObjects += 1; continue }
            let at = "line \(row.line)"
            guard row.fields.count == 2 || row.fields.count == 3 else {
                report.note(.malformed, "\(at): expected 2 or 3 fields (type,value[,description]), found \(row.fields.count)")
                continue
            }
            let value = row.fields[1].trimmingCharacters(in: .whitespacesAndNewlines)
            switch entity(type: type, value: value) {
            case let .success(key):
                let description = row.fields.count == 3 ? row.fields[2].trimmingCharacters(in: .whitespaces) : ""
                records.append(IntelRecord(reference: .line(row.line), title: description.isEmpty ? nil : description, entities: [key]))
            case let .failure(problem):
                report.note(.malformed, "\(at): \(problem.reason)")
            }
        }
        return records
    }

    struct Problem: Error { var reason: String }

    static func entity(type: String, value: String) -> Result<EntityKey, Problem> {
        guard !value.isEmpty else { return .failure(Problem(reason: "empty value")) }
        switch type {
        case "ip", "ipv4", "ipv6":
            guard let c = IPAddressText.canonical(value) else {
                return .failure(Problem(reason: IPAddressText.isRange(value)
                    ? "'\(value)' is an address range (not supported; list addresses)" : "'\(value)' is not an IP address"))
            }
            if type == "ipv4" && c.family != .v4 || type == "ipv6" && c.family != .v6 {
                return .failure(Problem(reason: "'\(value)' is not an \(type == "ipv4" ? "IPv4" : "IPv6") address"))
            }
            return .success(EntityKey(.ip, c.text)!)
        case "domain":
            guard let k = EntityKey(.domain, value), !k.value.contains(where: { $0.isWhitespace || $0 == "/" || $0 == ":" }) else {
                return .failure(Problem(reason: "'\(value)' is not a domain name"))
            }
            return .success(k)
        case "url":
            return .success(EntityKey(.url, value)!)
        case "hash", "file_hash", "md5", "sha1", "sha256":
            let hex = value.lowercased()
            let lengths = type == "md5" ? [32] : type == "sha1" ? [40] : type == "sha256" ? [64] : [32, 40, 64, 128]
            guard lengths.contains(hex.utf8.count), hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                return .failure(Problem(reason: "'\(value)' is not a \(type) hash (\(lengths.map(String.init).joined(separator: "/")) hex digits)"))
            }
            return .success(EntityKey(.fileHash, hex)!)
        default:
            return .failure(Problem(reason: "unknown type '\(type)' (known: \(types.joined(separator: ", ")))"))
        }
    }
}
