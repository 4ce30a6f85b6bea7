extension FeatureMatrix {
    /// Rows generated per independently seeded block: the output depends only on `seed`,
    /// never on how many threads produced it.
    static let randomBlockRows = 4096

    /// A matrix of independent uniform values in `range`, reproducible from `seed`
    /// (SplitMix64 seeds per block of rows, 24-bit mantissas), generated on all cores.
    /// For tests, benchmarks and demo data.
    /// - Precondition: `rows >= 0`, `columns >= 0`, a finite range.
    /// - Complexity: O(rows × columns).
    public static func uniform(rows: Int, columns: Int, seed: UInt64, in range: ClosedRange<Float> = -1...1) -> FeatureMatrix {
        precondition(range.lowerBound.isFinite && range.upperBound.isFinite, "uniform: finite range required")
        let matrix = FeatureMatrix(rows: rows, columns: columns)
        let out = SharedPointer(base: matrix.storage.base)
        let blocks = (rows + randomBlockRows - 1) / randomBlockRows
        let low = range.lowerBound, width = range.upperBound - range.lowerBound
        Parallelism.forEachRange(count: blocks, threads: Parallelism.defaultThreads) { _, blockRange in
            for block in blockRange {
                // The block's start is a hash of (seed, block): SplitMix64 streams that start
                // a multiple of its increment apart would overlap, repeating rows.
                var mixer = seed ^ (UInt64(block) &* 0xD1B5_4A32_D192_ED03)
                var state = SplitMix64.next(&mixer)
                let first = block * randomBlockRows * columns
                let last = min(rows, (block + 1) * randomBlockRows) * columns
                for i in first..<last {
                    let r = SplitMix64.next(&state)
                    out.base[i] = low + width * (Float(r >> 40) * 0x1p-24)
                }
            }
        }
        return matrix
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a tiny, fast, well-mixed 64-bit generator.
public enum SplitMix64 {
    /// Advances `state` and returns the next 64 random bits.
    @inlinable
    public static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
