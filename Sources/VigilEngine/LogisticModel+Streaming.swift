internal import CKernels

/// What streaming scoring of a file saw.
public struct StreamingScoreSummary: Sendable, Equatable {
    /// Rows scored.
    public var rows: Int
    /// Mean probability over all rows (0 when there are none).
    public var meanScore: Double
    /// Rows whose probability is at least the threshold given to the call.
    public var flagged: Int
}

extension LogisticModel {
    /// Scored pages are given back in runs of at least this many bytes: each release is a
    /// TLB shootdown across threads, so releasing per small batch would cost more than it saves.
    static let releaseBytes = 16 << 20
    /// Rows a thread checks and then scores while they are still in its L2 cache.
    static let cacheRows = 4096

    /// Scores a 2-D float32 `.npy` file of any length in fixed batches, so memory stays flat.
    /// The file is mapped read-only (madvise SEQUENTIAL, so the kernel reads ahead); each
    /// thread takes half of a batch and, in cache-sized pieces, checks it for NaN and
    /// infinity and scores it straight from the page cache with no copy. Pages already
    /// scored are released (MADV_DONTNEED), so resident memory stays near one batch.
    /// Probabilities go to `outputPath` as a 1-D `.npy` (if given) as each batch completes.
    /// - Parameters:
    ///   - batchRows: rows per batch; resident memory is about
    ///     `batchRows × (columns + 1) × 4` bytes plus 16 MiB of not yet released pages.
    ///   - threshold: probability at or above which a row counts as flagged.
    /// - Throws: `.io`, `.npyFormat`, `.nonFinite` (naming the file row and column; batches
    ///   before it were scored and written), `.shapeMismatch` if the file's width differs
    ///   from `dimension`.
    public func scoreNpyFile(at path: String, writingScoresTo outputPath: String? = nil, batchRows: Int = 65_536,
                             threshold: Float = 0.5, threads: Int = Parallelism.defaultThreads) throws(EngineError) -> StreamingScoreSummary {
        guard batchRows >= 1 else { throw .invalidArgument(name: "batchRows", reason: "must be >= 1, got \(batchRows)") }
        guard threads >= 1 else { throw .invalidArgument(name: "threads", reason: "must be >= 1, got \(threads)") }
        EngineSetup.ready()
        let file = try MappedNpyMatrix(path: path)
        guard file.columns == dimension else {
            throw .shapeMismatch(what: path, expected: "N x \(dimension) (model \(featureSchemaID))", actual: "\(file.rows) x \(file.columns)")
        }
        let writer = try outputPath.map { (p) throws(EngineError) in try NpyVectorWriter(path: p, count: file.rows) }
        var scores = [Float](repeating: 0, count: min(batchRows, max(file.rows, 1)))
        var sum = 0.0, flagged = 0, released = 0
        let d = dimension, b = bias
        let minimum = max(1, Self.rowsPerThreadMinimum / 4)
        try weights.withUnsafeBufferPointer { (w) throws(EngineError) in
            let wp = SharedConstPointer(base: w.baseAddress!)
            for start in stride(from: 0, to: file.rows, by: batchRows) {
                let n = min(batchRows, file.rows - start)
                try scores.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
                    let out = SharedPointer(base: buffer.baseAddress!)
                    let failures = FailureSlots(count: Parallelism.partition(count: n, threads: threads, minimum: minimum).count)
                    Parallelism.forEachRange(count: n, threads: threads, minimum: minimum) { part, range in
                        do {
                            for piece in stride(from: range.lowerBound, to: range.upperBound, by: Self.cacheRows) {
                                let count = min(Self.cacheRows, range.upperBound - piece)
                                let x = file.pointer(row: start + piece)
                                try FeatureMatrix.checkFinite(x, rows: count, columns: d, what: path, firstRow: start + piece)
                                vk_logistic_scores(x, count, d, d, wp.base, b, out.base + piece)
                            }
                        } catch {
                            failures.record(error, at: part)
                        }
                    }
                    if let error = failures.first { throw error }
                    var batchSum: Float = 0
                    for i in 0..<n {
                        batchSum += buffer[i]
                        flagged += buffer[i] >= threshold ? 1 : 0
                    }
                    sum += Double(batchSum)
                    try writer?.append(UnsafeBufferPointer(rebasing: buffer[0..<n]))
                }
                if (start + n - released) * d * 4 >= Self.releaseBytes {
                    file.release(rowsBefore: start + n)
                    released = start + n
                }
            }
        }
        try writer?.finish()
        return StreamingScoreSummary(rows: file.rows, meanScore: file.rows == 0 ? 0 : sum / Double(file.rows), flagged: flagged)
    }
}
