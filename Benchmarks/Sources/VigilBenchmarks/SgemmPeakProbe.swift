import CMachineLimits

/// One sgemm-peak measurement, GFLOP/s.
struct SgemmSample {
    /// One cblas_sgemm with the BLAS's own `threads` threads (OpenBLAS only).
    var blasThreaded: Double?
    /// `threads` concurrent single-threaded cblas_sgemm calls, each on its share of M.
    var concurrentSingle: Double
    /// The machine limit a compute-bound case is judged against: the better of the two.
    var best: Double { max(blasThreaded ?? 0, concurrentSingle) }
}

/// sgemm peak through the system BLAS: C = A * B with M = N = K = `size` (2 * size^3 flops).
final class SgemmPeakProbe {
    let size: Int
    let threads: Int
    private let a: FloatBuffer
    private let b: FloatBuffer
    private let c: FloatBuffer
    /// Whether the library has openblas_set_num_threads (netlib does not).
    let blasHasThreadControl: Bool

    init(size: Int = 4096, threads: Int) {
        self.size = size
        self.threads = threads
        a = FloatBuffer(count: size * size, fill: 0.5, threads: threads)
        b = FloatBuffer(count: size * size, fill: 0.25, threads: threads)
        c = FloatBuffer(count: size * size, fill: 0, threads: threads)
        let before = vml_blas_threads()
        blasHasThreadControl = vml_blas_set_threads(before) == 1
    }

    var flops: Double { 2 * Double(size) * Double(size) * Double(size) }

    /// Measures both variants once. After the BLAS-threaded call it sleeps `settle` seconds:
    /// OpenBLAS workers spin for a while after a call and slow any thread started meanwhile.
    /// The BLAS thread count in force before the call is restored afterwards.
    func measure(settle: Double = 1.0) -> SgemmSample {
        let n = Int32(size)
        let before = vml_blas_threads()
        var threaded: Double?
        if blasHasThreadControl && threads > 1 {
            _ = vml_blas_set_threads(Int32(threads))
            let t = timed { vml_sgemm(a.pointer, b.pointer, c.pointer, n, n, n) }
            threaded = flops / t / 1e9
            _ = vml_blas_set_threads(1)
            pause(seconds: settle)
        }
        _ = vml_blas_set_threads(1)
        let threads = threads
        let pa = a.shared, pb = b.shared, pc = c.shared
        let size = size
        let t = timed {
            parallelFor(threads) { t in
                let rows = slice(t, of: threads, count: size)
                vml_sgemm(pa.base + rows.lowerBound * size, pb.base,
                          pc.base + rows.lowerBound * size, Int32(rows.count), n, n)
            }
        }
        _ = vml_blas_set_threads(before)
        return SgemmSample(blasThreaded: threaded, concurrentSingle: flops / t / 1e9)
    }
}
