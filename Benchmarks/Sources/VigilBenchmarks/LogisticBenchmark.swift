#if canImport(Glibc)
import Glibc
#endif
import VigilEngine

/// `logistic_*`: LogisticModel.scores into a reused, pre-touched output array.
/// Memory-bound: N * D * 4 bytes judged against the memory bandwidth measured in between.
func runLogistic(_ benchmark: BenchmarkCase, _ config: HarnessConfig) throws {
    let (xFile, wFile): (DataFile, DataFile) =
        benchmark == .logistic_1e7x64 ? (.x1e7x64, .w64) : (.x1e6x128, .w128)
    let threads = config.threads
    note("\(benchmark.rawValue): loading \(xFile.fileName)")
    let x = try config.data.load(xFile)
    let w = try config.data.weights(wFile)
    let n = x.rows, d = x.columns
    let model = try LogisticModel(weights: w, bias: DataFile.bias, featureSchemaID: "bench-d\(d)")

    // Reused output, written once here so no timed run pays for first touch.
    var out = [Float](repeating: 0, count: n)
    for _ in 0..<max(config.warmups, 1) {
        try model.scores(x, into: &out, threads: threads)
    }

    let probe = MemoryBandwidthProbe(threads: threads)
    _ = probe.measure()  // warm the probe's own code and pages
    var samples: [BandwidthSample] = []
    note("\(benchmark.rawValue): \(config.runs) runs interleaved with bandwidth measurements")
    let timing = try InterleavedTiming.measure(runs: config.runs, limit: {
        let s = probe.measure()
        samples.append(s)
        return s.best
    }) {
        try model.scores(x, into: &out, threads: threads)
    }

    // Accuracy on a sample of rows against a double-precision reference; the sample is
    // also written for peers.py to compare its own scores with.
    let sampleCount = min(1000, n)
    var maxError = 0.0
    var check = ""
    for s in 0..<sampleCount {
        let i = s * n / sampleCount
        let row = x.row(i)
        var z = Double(DataFile.bias)
        for j in 0..<d { z += Double(row[j]) * Double(w[j]) }
        let p = 1 / (1 + exp(-z))
        maxError = max(maxError, abs(p - Double(out[i])))
        check += "\(i) \(out[i])\n"
    }
    config.data.writeText("vigil_check_\(benchmark.rawValue).txt", check)

    let bytes = Double(n) * Double(d) * 4
    let gbps = bytes / timing.medianTime / 1e9
    emit(commonFields(benchmark, sizes: [("N", .int(n)), ("D", .int(d))], threads: threads,
                      timing: timing, events: Double(n))
        + [
            ("gbps", .number(gbps)),
            ("limit", .object([
                ("kind", .string("membw")),
                ("value", .number(timing.medianLimit)),
                ("read", .number(median(samples.map(\.read)))),
                ("copy", .number(median(samples.map(\.copy)))),
                ("triad", .number(median(samples.map(\.triad)))),
                ("samples", .int(samples.count)),
            ])),
            ("limit_fraction", .number(gbps / timing.medianLimit)),
            ("max_abs_err", .number(maxError)),
        ] + environmentFields())
}
