#if canImport(Glibc)
import Glibc
#endif
import VigilEngine

/// `topk_*`: exact k=10 cosine top-k through PrecedentIndex.nearest, into a reused result.
/// Compute-bound: 2 * Q * K * D flops judged against the sgemm peak measured in between.
func runTopK(_ benchmark: BenchmarkCase, _ config: HarnessConfig) throws {
    let (baseFile, queryFile): (DataFile, DataFile) =
        benchmark == .topk_q1e4_k1e5_d128
        ? (.base1e5x128, .queries1e4x128) : (.base1e6x128, .queries1e3x128)
    let k = 10
    note("\(benchmark.rawValue): loading \(baseFile.fileName), \(queryFile.fileName)")
    let base = try config.data.load(baseFile)
    let queries = try config.data.load(queryFile)
    var index = PrecedentIndex(dimension: base.columns)
    try index.append(base)

    var options = PrecedentIndex.SearchOptions()
    options.threads = config.threads
    // Tile-shape experiments: VIGIL_TILE_QUERIES / VIGIL_TILE_ROWS override the engine defaults.
    if let v = getenv("VIGIL_TILE_QUERIES").flatMap({ Int(String(cString: $0)) }), v > 0 { options.tileQueries = v }
    if let v = getenv("VIGIL_TILE_ROWS").flatMap({ Int(String(cString: $0)) }), v > 0 { options.tileRows = v }
    var result = try index.nearest(to: queries, k: k, options: options)
    for _ in 0..<max(config.warmups, 1) {
        try index.nearest(to: queries, k: k, options: options, into: &result)
    }

    let probe = SgemmPeakProbe(threads: config.threads)
    _ = probe.measure()  // warm the probe's pages and the BLAS thread pool
    var samples: [SgemmSample] = []
    note("\(benchmark.rawValue): \(config.runs) runs interleaved with sgemm peak measurements")
    let timing = try InterleavedTiming.measure(runs: config.runs, limit: {
        let s = probe.measure()
        samples.append(s)
        return s.best
    }) {
        try index.nearest(to: queries, k: k, options: options, into: &result)
    }

    let check = verifyTopK(base: base, queries: queries, result: result, k: k, sampleCount: 20)
    config.data.writeText("vigil_check_\(benchmark.rawValue).txt", check.sampleText)

    let q = queries.rows, kk = base.rows, d = base.columns
    let flops = 2 * Double(q) * Double(kk) * Double(d)
    let gflops = flops / timing.medianTime / 1e9
    emit(commonFields(benchmark, sizes: [("Q", .int(q)), ("K", .int(kk)), ("D", .int(d)), ("k", .int(k))],
                      threads: options.threads, timing: timing, events: Double(q))
        + [
            ("gflops", .number(gflops)),
            ("limit", .object([
                ("kind", .string("sgemm")),
                ("value", .number(timing.medianLimit)),
                ("blas_threaded", .number(median(samples.map { $0.blasThreaded ?? .nan }))),
                ("concurrent_single", .number(median(samples.map(\.concurrentSingle)))),
                ("samples", .int(samples.count)),
            ])),
            ("limit_fraction", .number(gflops / timing.medianLimit)),
            ("exact", .bool(check.exact)),
            ("checked_queries", .int(check.checked)),
            ("max_score_err", .number(check.maxScoreError)),
            ("tile_queries", .int(options.tileQueries)),
            ("tile_rows", .int(options.tileRows)),
        ] + environmentFields())
}

/// Outcome of the brute-force check of a sample of queries.
struct TopKCheck {
    var exact: Bool
    var checked: Int
    var maxScoreError: Double
    /// "query row1 row2 ..." lines, for peers.py to compare its indices with.
    var sampleText: String
}

/// Brute-force double-precision cosine top-k for `sampleCount` evenly spaced queries,
/// compared with `result` as index sets. A differing index is accepted only as a
/// near-tie: its exact score within 1e-5 of the reference k-th best.
func verifyTopK(base: FeatureMatrix, queries: FeatureMatrix, result: NearestNeighbors,
                k: Int, sampleCount: Int) -> TopKCheck {
    let d = base.columns
    let sample = (0..<min(sampleCount, queries.rows)).map { $0 * queries.rows / min(sampleCount, queries.rows) }
    let qs: [[Double]] = sample.map { i in
        let r = queries.row(i).map(Double.init)
        let norm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return r.map { $0 / norm }
    }
    // Best (k + 6) per sampled query, kept sorted by score descending, ties by lower row.
    let keep = k + 6
    var best = [[(score: Double, row: Int)]](repeating: [], count: qs.count)
    var exactScore = [[Int: Double]](repeating: [:], count: qs.count)
    var wanted = [Set<Int>](repeating: [], count: qs.count)
    for (s, qi) in sample.enumerated() {
        for j in 0..<k { wanted[s].insert(result.row(query: qi, rank: j)) }
    }
    for j in 0..<base.rows {
        let b = base.row(j)
        var bn = 0.0
        for c in 0..<d { bn += Double(b[c]) * Double(b[c]) }
        let inv = bn > 0 ? 1 / bn.squareRoot() : 0
        for s in 0..<qs.count {
            var dot = 0.0
            let q = qs[s]
            for c in 0..<d { dot += q[c] * Double(b[c]) }
            let score = dot * inv
            if wanted[s].contains(j) { exactScore[s][j] = score }
            if best[s].count < keep || score > best[s][keep - 1].score {
                var at = best[s].count
                while at > 0 && best[s][at - 1].score < score { at -= 1 }
                best[s].insert((score, j), at: at)
                if best[s].count > keep { best[s].removeLast() }
            }
        }
    }
    var exact = true
    var maxErr = 0.0
    var text = ""
    for (s, qi) in sample.enumerated() {
        let got = (0..<k).map { result.row(query: qi, rank: $0) }
        let gotScores = (0..<k).map { Double(result.score(query: qi, rank: $0)) }
        let reference = best[s].prefix(k).map(\.row)
        let kth = best[s][min(k, best[s].count) - 1].score
        for row in Set(got).subtracting(reference) {
            if let sc = exactScore[s][row], sc >= kth - 1e-5 { continue }
            exact = false
            note("top-k mismatch: query \(qi) row \(row) not in the reference top-\(k)")
        }
        if Set(got).count != k { exact = false }
        for (j, row) in got.enumerated() {
            if let sc = exactScore[s][row] { maxErr = max(maxErr, abs(sc - gotScores[j])) }
        }
        text += "\(qi) " + got.map(String.init).joined(separator: " ") + "\n"
    }
    return TopKCheck(exact: exact, checked: sample.count, maxScoreError: maxErr, sampleText: text)
}
