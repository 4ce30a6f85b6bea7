/// What a `Correlator` remembers per entity: when it was last seen, in which incident,
/// under which detection, and how often in its current window.
///
/// An open-addressing table over one array of slots: one hash of the entity per lookup, a
/// 32-bit tag compared before the key, everything about an entity in one place (one cache
/// miss, not one per field), and each slot's full hash kept so that growing and sweeping
/// never hash a string again. Entries last seen before a closing watermark
/// are forgotten lazily: an entry updated before the latest prune and last seen before
/// that prune's watermark reads as absent (watermarks only rise, so that is exactly
/// "removed at some prune since its update"), and dead slots are swept out once they
/// could outnumber the live ones.
struct EntityActivity: Sendable {
    enum State: UInt8 {
        /// No record (never seen, or forgotten).
        case absent
        case seen
        /// Exceeded the fan-out limit: never links again.
        case saturated
    }

    struct Entry {
        var timeMs: Int64
        var windowStart: Int64
        /// A node of the incident it last joined (see `IncidentForest`).
        var incident: Int
        var count: Int
        /// `prunes` when last updated.
        var epoch: Int
        var state: State
        /// Whether the entity is in the correlator's `commonEntities`.
        var isCommon: Bool
    }

    private struct Slot {
        var hash: Int
        /// nil: a free slot.
        var key: EntityKey?
        var entry: Entry
        /// The detection (rule) of the last alert that named the entity.
        var rule: String
    }

    /// Power-of-two table of `slot + 1` (0: empty) in the low 32 bits and the hash's top
    /// 32 bits above.
    private var buckets: [UInt64] = Array(repeating: 0, count: 1024)
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []
    private var prunes = 0
    private var pruneWatermark: Int64 = .min
    /// Slot count at which a prune sweeps.
    private var sweepAt = 4096
    /// Hashes of the common entities: most entities are not, and this settles it without
    /// a second hash.
    private var commonHashes: Set<Int> = []

    /// The slot of `entity`, created (absent, its common flag taken from `common`) if new.
    /// - Complexity: one hash of `entity`; O(1) expected.
    mutating func slot(for entity: EntityKey, common: Set<EntityKey>) -> Int {
        let hash = Self.hash(entity)
        let tag = UInt64(UInt(bitPattern: hash) >> 32) << 32
        let mask = buckets.count - 1
        var i = hash & mask
        while true {
            let b = buckets[i]
            if b == 0 { break }
            if b & 0xFFFF_FFFF_0000_0000 == tag {
                let slot = Int(truncatingIfNeeded: b & 0xFFFF_FFFF) - 1
                if slots[slot].key == entity { return slot }
            }
            i = (i + 1) & mask
        }
        let isCommon = !commonHashes.isEmpty && commonHashes.contains(hash) && common.contains(entity)
        let entry = Entry(timeMs: 0, windowStart: 0, incident: 0, count: 0, epoch: 0, state: .absent, isCommon: isCommon)
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            slots[slot] = Slot(hash: hash, key: entity, entry: entry, rule: "")
        } else {
            slot = slots.count
            slots.append(Slot(hash: hash, key: entity, entry: entry, rule: ""))
        }
        buckets[i] = tag | UInt64(slot + 1)
        if (slots.count - freeSlots.count) * 4 > buckets.count * 3 { rebuildBuckets(count: buckets.count * 2) }
        return slot
    }

    /// The record of `slot`.
    func entry(_ slot: Int) -> Entry { slots[slot].entry }

    /// Whether the last alert that named the entity of `slot` came from detection `rule`.
    func lastRule(of slot: Int, is rule: String) -> Bool { slots[slot].rule == rule }

    /// `EntityKey.hashValue` hashes the kind's raw-value string as well as the value; the
    /// kind's bit is enough to tell kinds apart.
    private static func hash(_ entity: EntityKey) -> Int {
        var hasher = Hasher()
        hasher.combine(Correlator.bit(entity.kind))
        entity.value.hash(into: &hasher)
        return hasher.finalize()
    }

    /// Whether `entry` holds a live record (seen, and not forgotten by a prune since).
    func isSeen(_ entry: Entry) -> Bool {
        entry.state == .seen && !(entry.epoch < prunes && entry.timeMs < pruneWatermark)
    }

    /// Stores the record of `slot` as updated now.
    mutating func update(_ slot: Int, _ entry: Entry, rule: String) {
        var e = entry
        e.state = .seen
        e.epoch = prunes
        slots[slot].entry = e
        if slots[slot].rule != rule { slots[slot].rule = rule }
    }

    mutating func saturate(_ slot: Int) {
        slots[slot].entry.state = .saturated
    }

    /// Forgets every record last seen before `watermark` (`watermark` never decreases).
    mutating func prune(before watermark: Int64) {
        prunes += 1
        pruneWatermark = watermark
        if slots.count - freeSlots.count >= sweepAt { sweep(keepingSeen: true) }
    }

    /// Forgets every record except saturation.
    mutating func removeAll() { sweep(keepingSeen: false) }

    /// Sets each entity's common flag from `common`.
    mutating func refreshCommon(_ common: Set<EntityKey>) {
        commonHashes = Set(common.map(Self.hash))
        for slot in slots.indices {
            guard let key = slots[slot].key else { continue }
            slots[slot].entry.isCommon = common.contains(key)
        }
    }

    /// Frees the slots whose record is gone (keeping saturation, and live records if
    /// `keepingSeen`), and rebuilds the table.
    private mutating func sweep(keepingSeen: Bool) {
        var live = 0
        for slot in slots.indices where slots[slot].key != nil {
            let e = slots[slot].entry
            if e.state == .saturated || (keepingSeen && isSeen(e)) {
                live += 1
            } else {
                slots[slot].key = nil
                slots[slot].rule = ""
                freeSlots.append(slot)
            }
        }
        // Lowest slots first, to keep the arrays dense.
        freeSlots.sort(by: >)
        sweepAt = max(4096, 2 * live)
        var count = 1024
        while live * 2 > count { count *= 2 }
        rebuildBuckets(count: count)
    }

    private mutating func rebuildBuckets(count: Int) {
        var table = [UInt64](repeating: 0, count: count)
        let mask = count - 1
        for slot in slots.indices where slots[slot].key != nil {
            let hash = slots[slot].hash
            var i = hash & mask
            while table[i] != 0 { i = (i + 1) & mask }
            table[i] = UInt64(UInt(bitPattern: hash) >> 32) << 32 | UInt64(slot + 1)
        }
        buckets = table
    }
}
