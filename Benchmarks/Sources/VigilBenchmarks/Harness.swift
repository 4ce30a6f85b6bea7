import CMachineLimits
import VigilEngine

/// Settings shared by every case.
struct HarnessConfig {
    var runs: Int
    var warmups: Int
    var threads: Int
    var data: DataSet
}

/// Timed runs of a case interleaved with measurements of the machine limit that judges it:
/// limit, run, limit, run, ..., limit. The machine drifts by +-30% over minutes, so each
/// run is compared with limits measured around it rather than once at start-up.
struct InterleavedTiming {
    var times: [Double] = []
    var limits: [Double] = []

    static func measure(runs: Int, limit: () -> Double,
                        _ body: () throws -> Void) rethrows -> InterleavedTiming {
        var result = InterleavedTiming()
        result.limits.append(limit())
        for _ in 0..<runs {
            result.times.append(try timed(body))
            result.limits.append(limit())
        }
        return result
    }

    var medianTime: Double { median(times) }
    var minTime: Double { times.min() ?? .nan }
    var medianLimit: Double { median(limits) }
}

/// The fields every result line starts with.
func commonFields(_ benchmark: BenchmarkCase, sizes: [(String, JSON)], threads: Int,
                  timing: InterleavedTiming, events: Double) -> [(String, JSON)] {
    [
        ("impl", .string("vigil")),
        ("case", .string(benchmark.rawValue)),
        ("sizes", .object(sizes)),
        ("threads", .int(threads)),
        ("runs", .int(timing.times.count)),
        ("median_s", .number(timing.medianTime)),
        ("min_s", .number(timing.minTime)),
        ("events_per_s", .number(events / timing.medianTime)),
    ]
}

/// What the binary runs on, for the record.
func environmentFields() -> [(String, JSON)] {
    [
        ("isa", .string(KernelISA.active.rawValue)),
        ("blas", .string(BLASLibrary.name)),
        ("blas_core", .string(String(cString: vml_blas_core()))),
    ]
}
