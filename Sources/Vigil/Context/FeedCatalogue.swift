import Foundation

/// One threat-intelligence feed as the feeds file declares it.
public struct ThreatFeed: Sendable, Equatable {
    /// How a feed file is written.
    public enum Format: String, Sendable, CaseIterable {
        /// A STIX 2.1 bundle (JSON), e.g. a MISP or TAXII export.
        case stix
        /// A CSV IOC list: `type,value[,description]`.
        case csv
    }

    /// Unique name, shown in explanations ("on 3 validated feeds: a, b, c").
    public var name: String
    /// The feed file, resolved against the feeds file's folder when it was relative.
    public var path: String
    public var format: Format
    /// Whether the organisation has vetted this feed; only validated feeds count towards
    /// corroboration (and so towards Tier 1 automation).
    public var validated: Bool
    /// The organisation's estimate that a listing on this feed is right, 0.0 … 1.0.
    public var reliability: Double

    public init(name: String, path: String, format: Format, validated: Bool, reliability: Double) {
        self.name = name
        self.path = path
        self.format = format
        self.validated = validated
        self.reliability = reliability
    }
}

/// The feeds file: which intel feeds to load and how far to trust each.
///
/// ```json
/// {"feeds": [
///   {"name": "abuse-ch", "path": "feeds/abuse.json", "format": "stix", "validated": true, "reliability": 0.9},
///   {"name": "team-list", "path": "/etc/vigil/iocs.csv", "format": "csv", "validated": false, "reliability": 0.5}
/// ]}
/// ```
/// Every key shown is required (`format` may be left out when the path ends in `.json` or
/// `.csv`); unknown keys are rejected naming the feed (`feeds[1].url`); feed names must be
/// unique; a relative `path` is resolved against the feeds file's folder and must exist.
public struct FeedCatalogue: Sendable, Equatable {
    /// The feeds file ("-" when built in code).
    public let file: String
    /// The feeds in file order.
    public let feeds: [ThreatFeed]

    static let keys = ["name", "path", "format", "validated", "reliability"]

    /// A catalogue built in code (paths used as given).
    public init(feeds: [ThreatFeed], file: String = "-") {
        self.file = file
        self.feeds = feeds
    }

    /// Loads and checks the feeds file at `path`.
    ///
    /// - Throws: `VigilError.io` when it cannot be read; `VigilError.invalidConfiguration`
    ///   naming the feed and key (`feeds[2].reliability`) and the reason, listing every
    ///   problem found (up to 20).
    public static func load(contentsOf path: String) throws(VigilError) -> FeedCatalogue {
        try FeedCatalogue(json: try ContextFile.bytes(path), file: path)
    }

    /// Parses a feeds file's bytes; relative feed paths are resolved against the folder of
    /// `file`.
    ///
    /// - Throws: `VigilError.invalidConfiguration` as for `load(contentsOf:)`.
    public init(json: [UInt8], file: String) throws(VigilError) {
        let tree: JSONTree
        do { tree = try JSONTree.parse(json) } catch {
            throw .invalidConfiguration(file: file, location: error.location, reason: "not valid JSON: \(error.reason)")
        }
        guard case let .object(top) = tree else {
            throw .invalidConfiguration(file: file, location: "top level", reason: "expected an object {\"feeds\": [...]}, found \(tree.typeName)")
        }
        var problems = ProblemList()
        for (key, _) in top where key != "feeds" { problems.add(key, "unknown key '\(key)' (expected only 'feeds')") }
        guard let list = tree["feeds"] else {
            throw .invalidConfiguration(file: file, location: "feeds", reason: "missing: expected an array of feeds")
        }
        guard case let .array(entries) = list else {
            throw .invalidConfiguration(file: file, location: "feeds", reason: "expected an array of feeds, found \(list.typeName)")
        }
        let directory = ContextFile.directory(of: file)
        var feeds: [ThreatFeed] = []
        var firstIndexOfName: [String: Int] = [:]
        for (k, entry) in entries.enumerated() {
            let at = "feeds[\(k)]"
            guard case let .object(members) = entry else {
                problems.add(at, "expected an object, found \(entry.typeName)")
                continue
            }
            for (key, _) in members where !Self.keys.contains(key) {
                problems.add("\(at).\(key)", "unknown key '\(key)' (known keys: \(Self.keys.joined(separator: ", ")))")
            }
            func string(_ key: String) -> String? {
                switch entry[key] {
                case let .string(s)? where !s.trimmingCharacters(in: .whitespaces).isEmpty:
                    return s.trimmingCharacters(in: .whitespaces)
                case .string?: problems.add("\(at).\(key)", "must not be empty")
                case nil: if key != "format" { problems.add("\(at).\(key)", "missing (required)") }
                case let other?: problems.add("\(at).\(key)", "expected a string, found \(other.typeName)")
                }
                return nil
            }
            let name = string("name")
            let rawPath = string("path")
            var format: ThreatFeed.Format?
            if let f = string("format") {
                format = ThreatFeed.Format(rawValue: f.lowercased())
                if format == nil { problems.add("\(at).format", "unknown format '\(f)' (expected stix or csv)") }
            } else if entry["format"] == nil, let p = rawPath?.lowercased() {
                format = p.hasSuffix(".json") ? .stix : p.hasSuffix(".csv") ? .csv : nil
                if format == nil { problems.add("\(at).format", "missing, and the path's extension does not say (stix or csv)") }
            }
            var validated: Bool?
            switch entry["validated"] {
            case let .bool(b)?: validated = b
            case nil: problems.add("\(at).validated", "missing (required: true or false)")
            case let other?: problems.add("\(at).validated", "expected true or false, found \(other.shortText)")
            }
            var reliability: Double?
            switch entry["reliability"] {
            case let .number(r, _)? where (0...1).contains(r): reliability = r
            case nil: problems.add("\(at).reliability", "missing (required: a number 0.0-1.0)")
            case let other?: problems.add("\(at).reliability", "must be a number 0.0-1.0, got \(other.shortText)")
            }
            var path: String?
            if let rawPath {
                let resolved = ContextFile.resolve(rawPath, against: directory)
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) {
                    problems.add("\(at).path", "no such file: \(resolved)")
                } else if isDirectory.boolValue {
                    problems.add("\(at).path", "is a directory, expected a file: \(resolved)")
                } else {
                    path = resolved
                }
            }
            if let name {
                if let other = firstIndexOfName[name] {
                    problems.add("\(at).name", "feed name '\(name)' already used by feeds[\(other)]")
                } else {
                    firstIndexOfName[name] = k
                }
            }
            if let name, let path, let format, let validated, let reliability {
                feeds.append(ThreatFeed(name: name, path: path, format: format, validated: validated, reliability: reliability))
            }
        }
        if let error = problems.error(file: file) { throw error }
        self.file = file
        self.feeds = feeds
    }
}
