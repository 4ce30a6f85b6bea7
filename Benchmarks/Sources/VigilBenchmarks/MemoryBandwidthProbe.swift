import CMachineLimits

/// One STREAM-like measurement: the best GB/s of several repetitions of each kernel.
struct BandwidthSample {
    var read: Double
    var copy: Double
    var triad: Double
    /// The machine limit a memory-bound case is judged against: the best of the three.
    var best: Double { max(read, copy, triad) }
}

/// STREAM-like memory bandwidth (read-only sum, copy, triad) over three arrays far larger
/// than the 32 MiB L3, each thread on its own contiguous slice.
///
/// Bytes counted are bytes read plus bytes written (no write-allocate), as STREAM does:
/// read 4n, copy 8n, triad 12n.
final class MemoryBandwidthProbe {
    let threads: Int
    /// Elements per array.
    let elements: Int
    /// One allocation holding a, b, c back to back, so the read kernel can sweep all three.
    private let storage: FloatBuffer
    private let repetitions: Int

    /// Allocates and pre-touches 3 x `arrayMiB` MiB.
    init(threads: Int, arrayMiB: Int = 512, repetitions: Int = 2) {
        self.threads = threads
        self.repetitions = repetitions
        elements = arrayMiB * 1024 * 1024 / MemoryLayout<Float>.stride
        storage = FloatBuffer(count: 3 * elements, fill: 1, threads: threads)
    }

    /// Measures read, copy and triad once each (best of `repetitions`), in GB/s.
    func measure() -> BandwidthSample {
        let n = elements
        let threads = threads
        let a = storage.shared.base
        let b = a + n
        let c = b + n
        let pa = SharedFloats(base: a), pb = SharedFloats(base: b), pc = SharedFloats(base: c)
        let sums = FloatBuffer(count: threads, fill: 0, threads: 1)
        let ps = sums.shared

        var read = 0.0, copy = 0.0, triad = 0.0
        for _ in 0..<repetitions {
            let tr = timed {
                parallelFor(threads) { t in
                    let r = slice(t, of: threads, count: 3 * n)
                    ps.base[t] = vml_read_sum(pa.base + r.lowerBound, r.count)
                }
            }
            read = max(read, Double(3 * n * 4) / tr / 1e9)
            let tc = timed {
                parallelFor(threads) { t in
                    let r = slice(t, of: threads, count: n)
                    vml_copy(pc.base + r.lowerBound, pa.base + r.lowerBound, r.count)
                }
            }
            copy = max(copy, Double(2 * n * 4) / tc / 1e9)
            let tt = timed {
                parallelFor(threads) { t in
                    let r = slice(t, of: threads, count: n)
                    vml_triad(pa.base + r.lowerBound, pb.base + r.lowerBound,
                              pc.base + r.lowerBound, 0.5, r.count)
                }
            }
            triad = max(triad, Double(3 * n * 4) / tt / 1e9)
        }
        blackHole(sums.pointer[0])
        return BandwidthSample(read: read, copy: copy, triad: triad)
    }
}
