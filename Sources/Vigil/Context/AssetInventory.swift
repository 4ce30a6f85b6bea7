/// The organisation's asset inventory: what each host is worth (criticality 0-4), its tags
/// (`payment`, `executive`, `domain-controller`, …), owner and dependants, looked up by host
/// name or IP address for every alert.
///
/// An inventory is configuration: one bad row fails the whole load, because a silently
/// missing payment server would look like an unknown, low-criticality host to the tier
/// policy. The error lists every bad row (up to 20) so the operator fixes them in one go.
///
/// Files (chosen by extension `.csv` / `.json`, else by the first character):
/// - CSV (RFC 4180) with a header row naming any of the columns `hostname`, `ip`,
///   `criticality`, `tags`, `owner`, `dependants` (case-insensitive; `criticality` and one
///   of `hostname` / `ip` required; unknown columns rejected). `ip` holds one or several
///   addresses separated by `;` or spaces; `tags` and `dependants` are `;`-separated.
/// - JSON: an array of objects with the same keys; `ip`, `tags`, `dependants` may be a
///   string (separated as in CSV) or an array of strings; unknown keys rejected.
///
/// Host names are matched case-insensitively; a short name matches a fully qualified one
/// (`ws-042` ↔ `ws-042.corp.example`) when exactly one inventory entry fits. IPs match
/// after canonicalisation (`2001:DB8::0:1` = `2001:db8::1`).
public struct AssetInventory: Sendable {
    /// The assets in file order.
    public let assets: [Asset]
    /// The file the inventory came from ("-" when built in code).
    public let source: String

    private let byName: [String: Int]
    private let byShortName: [String: [Int]]
    private let byIP: [String: Int]

    /// The column names (CSV) and keys (JSON) an inventory may use.
    public static let fields = ["hostname", "ip", "criticality", "tags", "owner", "dependants"]

    /// An inventory with no assets (every lookup misses).
    public static let empty = AssetInventory(checked: [], source: "-")

    /// Loads the inventory at `path`: CSV or JSON (by extension, else by first character).
    ///
    /// - Throws: `VigilError.io` when the file cannot be read; `VigilError.invalidConfiguration`
    ///   naming the file, the first bad row and field (e.g. `line 7, column criticality`) and
    ///   the reason, followed by every other problem found (up to 20).
    /// - Complexity: O(n) in the file size.
    public static func load(contentsOf path: String) throws(VigilError) -> AssetInventory {
        let bytes = try ContextFile.bytes(path)
        let lower = path.lowercased()
        let isJSON: Bool
        if lower.hasSuffix(".json") { isJSON = true } else if lower.hasSuffix(".csv") { isJSON = false } else {
            let first = bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) })
            isJSON = first == UInt8(ascii: "[") || first == UInt8(ascii: "{")
        }
        return isJSON ? try AssetInventory(json: bytes, source: path) : try AssetInventory(csv: bytes, source: path)
    }

    /// Parses a CSV inventory (see the type's documentation for the columns).
    ///
    /// - Parameters:
    ///   - csv: the file's UTF-8 bytes.
    ///   - source: the file name used in messages.
    /// - Throws: `VigilError.invalidConfiguration` listing every bad row.
    public init(csv: [UInt8], source: String) throws(VigilError) {
        let records: [CSVRecords.Record]
        do { records = try CSVRecords.parse(csv) } catch {
            throw .invalidConfiguration(file: source, location: "line \(error.line)", reason: error.reason)
        }
        guard let header = records.first else {
            throw .invalidConfiguration(file: source, location: "line 1", reason: "empty file, expected a header row naming the columns (\(Self.fields.joined(separator: ", ")))")
        }
        var columns: [String] = []
        var problems = ProblemList()
        for (k, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if !Self.fields.contains(name) {
                problems.add("line \(header.line), column \(k + 1)", "unknown column '\(raw)' (known columns: \(Self.fields.joined(separator: ", ")))")
            } else if columns.contains(name) {
                problems.add("line \(header.line), column \(k + 1)", "column '\(name)' appears twice")
            }
            columns.append(name)
        }
        if !columns.contains("criticality") { problems.add("line \(header.line)", "missing required column 'criticality'") }
        if !columns.contains("hostname") && !columns.contains("ip") {
            problems.add("line \(header.line)", "needs a 'hostname' or an 'ip' column")
        }
        if let error = problems.error(file: source) { throw error }

        var rows: [(location: String, fields: AssetRow)] = []
        for record in records.dropFirst() {
            let location = "line \(record.line)"
            guard record.fields.count == columns.count else {
                problems.add(location, "expected \(columns.count) fields (as in the header), found \(record.fields.count)")
                continue
            }
            var row = AssetRow()
            for (name, value) in zip(columns, record.fields) {
                row.set(name, .text(value), at: "\(location), column \(name)", problems: &problems)
            }
            row.checkRequired(at: location, problems: &problems)
            rows.append((location, row))
        }
        try self.init(rows: rows, problems: problems, source: source)
    }

    /// Parses a JSON inventory: an array of objects (see the type's documentation).
    ///
    /// - Throws: `VigilError.invalidConfiguration` naming the element (`[6].criticality`)
    ///   for wrong types, unknown keys and bad values, listing every bad element.
    public init(json: [UInt8], source: String) throws(VigilError) {
        let tree: JSONTree
        do { tree = try JSONTree.parse(json) } catch {
            throw .invalidConfiguration(file: source, location: error.location, reason: "not valid JSON: \(error.reason)")
        }
        guard case let .array(elements) = tree else {
            throw .invalidConfiguration(file: source, location: "top level", reason: "expected an array of asset objects, found \(tree.typeName)")
        }
        var problems = ProblemList()
        var rows: [(location: String, fields: AssetRow)] = []
        for (k, element) in elements.enumerated() {
            let location = "[\(k)]"
            guard case let .object(members) = element else {
                problems.add(location, "expected an object, found \(element.typeName)")
                continue
            }
            var row = AssetRow()
            var seen: Set<String> = []
            for (key, value) in members {
                let at = "\(location).\(key)"
                guard Self.fields.contains(key) else {
                    problems.add(at, "unknown key '\(key)' (known keys: \(Self.fields.joined(separator: ", ")))")
                    continue
                }
                guard seen.insert(key).inserted else { problems.add(at, "key appears twice"); continue }
                row.set(key, .json(value), at: at, problems: &problems)
            }
            row.checkRequired(at: location, problems: &problems)
            rows.append((location, row))
        }
        try self.init(rows: rows, problems: problems, source: source)
    }

    /// An inventory of `assets` built in code. Host names and IPs are normalised.
    ///
    /// - Throws: `VigilError.invalidConfiguration` when a criticality is outside 0-4, an
    ///   asset has neither host name nor IP, an IP does not parse, or two assets share a
    ///   host name or an IP.
    public init(assets: [Asset], source: String = "-") throws(VigilError) {
        var problems = ProblemList()
        var rows: [(location: String, fields: AssetRow)] = []
        for (k, a) in assets.enumerated() {
            var row = AssetRow()
            let at = "assets[\(k)]"
            if let h = a.hostname { row.set("hostname", .text(h), at: "\(at).hostname", problems: &problems) }
            row.set("ip", .json(.array(a.ips.map { .string($0) })), at: "\(at).ip", problems: &problems)
            row.set("criticality", .json(.number(Double(a.criticality), isInteger: true)), at: "\(at).criticality", problems: &problems)
            row.tags = a.tags.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
            row.owner = a.owner
            row.dependants = a.dependants
            row.checkRequired(at: at, problems: &problems)
            rows.append((at, row))
        }
        try self.init(rows: rows, problems: problems, source: source)
    }

    private init(rows: [(location: String, fields: AssetRow)], problems: ProblemList, source: String) throws(VigilError) {
        var problems = problems
        var assets: [Asset] = []
        var firstSeenName: [String: String] = [:]
        var firstSeenIP: [String: String] = [:]
        for (location, row) in rows {
            if let h = row.hostname {
                if let other = firstSeenName[h] {
                    problems.add("\(location), hostname", "host name '\(h)' already used at \(other)")
                } else { firstSeenName[h] = location }
            }
            for ip in row.ips {
                if let other = firstSeenIP[ip] {
                    problems.add("\(location), ip", "IP \(ip) already used at \(other)")
                } else { firstSeenIP[ip] = location }
            }
            guard let criticality = row.criticality, row.hostname != nil || !row.ips.isEmpty else { continue }
            assets.append(Asset(hostname: row.hostname, ips: row.ips, criticality: criticality, tags: Set(row.tags),
                                owner: row.owner, dependants: row.dependants))
        }
        if let error = problems.error(file: source) { throw error }
        self.init(checked: assets, source: source)
    }

    private init(checked assets: [Asset], source: String) {
        self.assets = assets
        self.source = source
        var byName: [String: Int] = [:], byShort: [String: [Int]] = [:], byIP: [String: Int] = [:]
        for (k, a) in assets.enumerated() {
            if let h = a.hostname {
                byName[h] = k
                if let dot = h.firstIndex(of: ".") { byShort[String(h[..<dot]), default: []].append(k) }
            }
            for ip in a.ips { byIP[ip] = k }
        }
        self.byName = byName
        byShortName = byShort
        self.byIP = byIP
    }

    /// The number of assets.
    public var count: Int { assets.count }

    /// The asset for a host name and/or IP; the host name wins when both match different
    /// assets (addresses move with DHCP, names do not).
    ///
    /// A host name matches case-insensitively and ignoring a trailing dot; a short name
    /// (`ws-042`) matches a fully qualified inventory entry (`ws-042.corp.example`), and a
    /// fully qualified name matches a short inventory entry, but only when exactly one entry
    /// fits (see `candidates(hostname:)` for the ambiguous case). An IP matches after
    /// canonicalisation.
    ///
    /// - Complexity: O(1) expected (dictionary lookups).
    public func asset(hostname: String?, ip: String?) -> Asset? {
        if let hostname, let k = index(hostname: hostname) { return assets[k] }
        if let ip, let c = IPAddressText.canonical(LookupText.trimmed(ip)), let k = byIP[c.text] {
            return assets[k]
        }
        return nil
    }

    /// The asset named by a `.host` or `.ip` entity key; nil for other kinds or no match.
    ///
    /// - Complexity: O(1) expected.
    public func asset(for key: EntityKey) -> Asset? {
        switch key.kind {
        case .host: return asset(hostname: key.value, ip: nil)
        case .ip: return asset(hostname: nil, ip: key.value)
        default: return nil
        }
    }

    /// Every inventory entry a host name could mean: one for an exact match, several when a
    /// short name is ambiguous (`ws-042` with `ws-042.corp.example` and `ws-042.lab.example`),
    /// none when nothing fits. Lets an explanation say why no asset was found.
    ///
    /// - Complexity: O(k) for k candidates.
    public func candidates(hostname: String) -> [Asset] {
        guard let name = EntityKey(.host, hostname)?.value else { return [] }
        if let k = byName[name] { return [assets[k]] }
        if let dot = name.firstIndex(of: ".") {
            let short = String(name[..<dot])
            if let k = byName[short] { return [assets[k]] + (byShortName[short] ?? []).map { assets[$0] } }
            return []
        }
        return (byShortName[name] ?? []).map { assets[$0] }
    }

    private func index(hostname: String) -> Int? {
        guard let name = LookupText.hostname(hostname) else { return nil }
        if let k = byName[name] { return k }
        if let dot = name.firstIndex(of: ".") {
            // FQDN asked, short name listed: only when no other listed FQDN shares the short
            // name (that would make the short entry ambiguous).
            let short = String(name[..<dot])
            guard byShortName[short] == nil else { return nil }
            return byName[short]
        }
        guard let ks = byShortName[name], ks.count == 1 else { return nil }
        return ks[0]
    }
}
