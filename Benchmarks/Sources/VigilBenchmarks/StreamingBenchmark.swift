import VigilEngine

/// `stream_npy_1e7x64`: LogisticModel.scoreNpyFile over the 10,000,000 x 64 .npy file in
/// fixed batches. Reports rows/s, GB/s and the process's peak RSS.
///
/// Run it in a process of its own (run.sh does): the peak RSS is read from VmHWM after
/// the first full pass, before the bandwidth probe allocates its arrays, so it belongs to
/// the streaming pass alone (plus the process's own baseline, reported beside it).
func runStreaming(_ benchmark: BenchmarkCase, _ config: HarnessConfig) throws {
    let file = DataFile.x1e7x64
    let path = config.data.path(file)
    guard config.data.exists(file) else {
        throw BenchmarkError(description:
            "\(path) is missing: run `VigilBenchmarks --generate` first (the streaming case never generates data, so its peak RSS stays its own)")
    }
    let threads = config.threads
    let w = try config.data.weights(.w64)
    let model = try LogisticModel(weights: w, bias: DataFile.bias, featureSchemaID: "bench-d64")

    let rssBefore = procStatusMiB("VmRSS") ?? .nan
    var summary = try model.scoreNpyFile(at: path, writingScoresTo: nil, threads: threads)
    let peakRSS = procStatusMiB("VmHWM") ?? .nan
    note("\(benchmark.rawValue): peak RSS \(String(format6: peakRSS)) MiB after one pass (baseline \(String(format6: rssBefore)) MiB)")
    for _ in 1..<max(config.warmups, 1) {
        summary = try model.scoreNpyFile(at: path, writingScoresTo: nil, threads: threads)
    }

    let probe = MemoryBandwidthProbe(threads: threads)
    _ = probe.measure()
    var samples: [BandwidthSample] = []
    note("\(benchmark.rawValue): \(config.runs) runs interleaved with bandwidth measurements")
    let timing = try InterleavedTiming.measure(runs: config.runs, limit: {
        let s = probe.measure()
        samples.append(s)
        return s.best
    }) {
        summary = try model.scoreNpyFile(at: path, writingScoresTo: nil, threads: threads)
    }

    let n = Int(summary.rows)
    let d = 64
    config.data.writeText("vigil_check_\(benchmark.rawValue).txt",
                          "rows \(n)\nmean_score \(Double(summary.meanScore))\nflagged \(summary.flagged)\n")
    let bytes = Double(n) * Double(d) * 4
    let gbps = bytes / timing.medianTime / 1e9
    emit(commonFields(benchmark, sizes: [("N", .int(n)), ("D", .int(d))],
                      threads: threads, timing: timing, events: Double(n))
        + [
            ("rows_per_s", .number(Double(n) / timing.medianTime)),
            ("gbps", .number(gbps)),
            ("peak_rss_mib", .number(peakRSS)),
            ("rss_before_mib", .number(rssBefore)),
            ("mean_score", .number(Double(summary.meanScore))),
            ("limit", .object([
                ("kind", .string("membw")),
                ("value", .number(timing.medianLimit)),
                ("samples", .int(samples.count)),
            ])),
            ("limit_fraction", .number(gbps / timing.medianLimit)),
        ] + environmentFields())
}
