/// The scenario's deterministic random numbers: xoshiro256** seeded through SplitMix64, so
/// one seed gives the same stream on every machine and every run (Swift's
/// `SystemRandomNumberGenerator` and `Hasher` are deliberately not used anywhere in the
/// generator). Separate streams (`stream:`) keep the history, today's background and each
/// time slice independent, so changing one count does not reshuffle everything else.
struct ScenarioRandom: RandomNumberGenerator {
    private var s0, s1, s2, s3: UInt64

    /// A generator for `seed` and a stream label (any integer: a slice number, a tag).
    init(seed: UInt64, stream: UInt64 = 0) {
        var x = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
        s0 = Self.splitMix(&x); s1 = Self.splitMix(&x); s2 = Self.splitMix(&x); s3 = Self.splitMix(&x)
    }

    /// SplitMix64 step: also used as a stateless mixing function (`mix`).
    @inline(__always)
    static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A well-mixed 64-bit value of `(a, b, c)`: how fixed identifiers (hashes, UUIDs,
    /// device ids) are derived from the seed without storing tables.
    @inline(__always)
    static func mix(_ a: UInt64, _ b: UInt64, _ c: UInt64 = 0) -> UInt64 {
        var x = a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ (c &* 0xC2B2_AE3D_27D4_EB4F)
        _ = splitMix(&x)
        return splitMix(&x)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `0..<n` (n > 0); the tiny modulo bias is irrelevant here.
    @inline(__always)
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// Uniform in `range`.
    @inline(__always)
    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability `p`.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Approximately normal (sum of three uniforms), clamped to `range`.
    @inline(__always)
    mutating func around(_ mean: Double, _ spread: Double, in range: ClosedRange<Int>) -> Int {
        let z = (unit() + unit() + unit() - 1.5) * 2.0
        let v = Int((mean + z * spread).rounded())
        return min(max(v, range.lowerBound), range.upperBound)
    }

    /// An index into `weights` drawn proportionally to them.
    mutating func pick(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights { total += w }
        var u = unit() * total
        for (k, w) in weights.enumerated() {
            if u < w { return k }
            u -= w
        }
        return weights.count - 1
    }
}
