#if canImport(Glibc)
import Glibc
#endif

/// A fixed-size cache that hands out one shared `String` (or `EntityKey`) for byte strings
/// seen before, so alerts that repeat a product name, rule, technique, host or user share
/// storage instead of allocating a copy each. Direct-mapped: a collision simply replaces
/// the slot, so memory is bounded (`slotCount` entries) whatever the input.
/// Not thread-safe: one per reader.
final class StringInterner {
    private static let slotCount = 4096 // power of two
    // Parallel arrays: the hash is checked first without touching (retaining) any String.
    private var stringHashes: [UInt64]
    private var stringValues: [String]
    private var keyHashes: [UInt64]
    private var keyRaws: [String]
    private var keyValues: [EntityKey?]

    init() {
        stringHashes = Array(repeating: 0, count: Self.slotCount)
        stringValues = Array(repeating: "", count: Self.slotCount)
        keyHashes = Array(repeating: 0, count: Self.slotCount)
        keyRaws = Array(repeating: "", count: Self.slotCount)
        keyValues = Array(repeating: nil, count: Self.slotCount)
    }

    /// The string for `bytes` (valid UTF-8), shared with earlier equal inputs. O(bytes.count).
    func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count <= 15 { return String(decoding: bytes, as: UTF8.self) } // small strings are inline: no allocation
        let h = ByteHash.hash(bytes, seed: 0) | 1 // never 0, the empty slot's hash
        let slot = Int(truncatingIfNeeded: h >> 7) & (Self.slotCount - 1)
        if stringHashes[slot] == h, Self.equal(stringValues[slot], bytes) { return stringValues[slot] }
        let s = String(decoding: bytes, as: UTF8.self)
        stringHashes[slot] = h
        stringValues[slot] = s
        return s
    }

    /// `EntityKey(kind, text)` for `bytes`, shared with earlier equal inputs of that kind
    /// (`index` is the kind's number; nil when the value normalises to empty). O(bytes.count).
    func entity(_ kind: EntityKind, index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> EntityKey? {
        let h = ByteHash.hash(bytes, seed: UInt64(index) &+ 1) | 1
        let slot = Int(truncatingIfNeeded: h >> 7) & (Self.slotCount - 1)
        if keyHashes[slot] == h, keyValues[slot]?.kind == kind, Self.equal(keyRaws[slot], bytes) { return keyValues[slot] }
        let raw = String(decoding: bytes, as: UTF8.self)
        let key = EntityKey(kind, raw)
        keyHashes[slot] = h
        keyRaws[slot] = raw
        keyValues[slot] = key
        return key
    }

    private static func equal(_ s: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        s.utf8.withContiguousStorageIfAvailable { stored in
            stored.count == bytes.count && (bytes.count == 0 || memcmp(stored.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        } ?? s.utf8.elementsEqual(bytes)
    }
}
