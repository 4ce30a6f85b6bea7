/// A fast, non-cryptographic hash of a byte string, for in-memory caches and shortcuts where
/// a collision only costs a miss (`StringInterner`'s slots, `IncidentForest`'s repeat
/// check). Not stable across versions: never store it.
enum ByteHash {
    /// `bytes` hashed 8 bytes at a time with multiply-xorshift mixing; `seed` separates
    /// kinds of strings that may share bytes.
    /// - Complexity: O(`bytes.count`).
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &* (seed &+ UInt64(bytes.count))
        let raw = UnsafeRawBufferPointer(bytes)
        var i = 0
        while i + 8 <= raw.count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < raw.count {
            tail |= UInt64(raw[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }
}
