/// The versioned layout of an incident's indicator vector: what each of the `width`
/// float32 columns means, in words an analyst reads in an explanation.
///
/// Layout: `numeric` named columns first, then hashed blocks for categorical values
/// (ATT&CK techniques, tactics, detection rules, products), each sized from what is left.
/// A model records the schema `id` it was trained on; a different id means the columns
/// mean different things and the model must not score those vectors.
public struct FeatureSchema: Sendable, Equatable {
    /// A named numeric indicator.
    public enum Numeric: String, Sendable, CaseIterable {
        case maxSeverity = "highest severity"
        case alertCount = "number of alerts"
        case techniqueCount = "distinct ATT&CK techniques"
        case tacticCount = "distinct ATT&CK tactics"
        case hostCount = "hosts involved"
        case userCount = "users involved"
        case timeSpan = "time span of the activity"
        case detectorConfidence = "detector confidence"
        case validatedFeeds = "validated threat-intel feeds listing an entity"
        case unvalidatedIntelHit = "entity listed only by unvalidated feeds"
        case entitiesWithIntel = "entities with threat-intel hits"
        case assetCriticality = "asset criticality"
        case unknownAsset = "asset not in the inventory"
        case paymentAsset = "payment-processing asset"
        case executiveAsset = "executive's device"
        case domainControllerAsset = "domain controller"
        case missingFields = "missing recommended fields"
        case productCount = "distinct detection products"
        case criticalSeverity = "critical severity"
        case offHours = "activity outside business hours (UTC 07–19)"
        case entityCount = "entities named"
        case fileHashPresent = "file hash observed"
        case externalIP = "external IP address involved"
    }

    /// A block of columns holding hashed categorical values.
    public enum Block: String, Sendable, CaseIterable {
        case technique = "ATT&CK technique"
        case tactic = "ATT&CK tactic"
        case analytic = "detection rule"
        case product = "detection product"

        /// Position in `allCases`.
        var ordinal: Int {
            switch self {
            case .technique: return 0
            case .tactic: return 1
            case .analytic: return 2
            case .product: return 3
            }
        }
    }

    /// Schema version; bump when any column's meaning changes.
    public static let version = 1

    /// `vigil-incident-v<version>-w<width>`.
    public let id: String
    /// Number of columns.
    public let width: Int
    /// Column range of each hashed block.
    public let blocks: [Block: Range<Int>]
    /// `blocks` by `Block.ordinal`, read per categorical value without hashing.
    private let blockRanges: [Range<Int>]

    /// The default layout at `width` columns.
    /// - Throws: `.invalidConfiguration` if `width` leaves fewer than 4 columns per block.
    public init(width: Int = 128) throws(VigilError) {
        let numeric = Numeric.allCases.count
        let free = width - numeric
        guard free >= 4 * Block.allCases.count else {
            throw .invalidConfiguration(file: "feature schema", location: "width", reason: "\(width) columns leave \(free) for \(Block.allCases.count) hashed blocks; need at least \(numeric + 16)")
        }
        // Techniques are the richest signal: they get 3/8 of the hashed space.
        let sizes: [(Block, Int)] = [(.technique, free * 3 / 8), (.tactic, free / 8), (.analytic, free * 3 / 8)]
        var start = numeric
        var blocks: [Block: Range<Int>] = [:]
        for (block, size) in sizes {
            blocks[block] = start..<(start + size)
            start += size
        }
        blocks[.product] = start..<width
        self.blocks = blocks
        blockRanges = Block.allCases.map { blocks[$0]! }
        self.width = width
        id = "vigil-incident-v\(Self.version)-w\(width)"
    }

    /// Column of a named indicator.
    public func column(_ numeric: Numeric) -> Int { Self.numericColumns.firstIndex(of: numeric)! }

    /// `Numeric.allCases`, built once (the synthesized property builds a new array per call).
    private static let numericColumns = Numeric.allCases

    /// Column a categorical value hashes to in `block` (FNV-1a of the UTF-8 bytes).
    public func column(_ block: Block, value: String) -> Int {
        let range = blockRanges[block.ordinal]
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in value.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return range.lowerBound + Int(h % UInt64(range.count))
    }

    /// What column `index` means, without reference to an incident ("detection rule
    /// (bucket 3)").
    public func name(ofColumn index: Int) -> String {
        if index < Numeric.allCases.count { return Numeric.allCases[index].rawValue }
        for (block, range) in blocks where range.contains(index) {
            return "\(block.rawValue) (bucket \(index - range.lowerBound))"
        }
        return "column \(index)"
    }
}
