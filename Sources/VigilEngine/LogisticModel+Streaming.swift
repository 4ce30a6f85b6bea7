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
    /// Scores a 2-D float32 `.npy` file of any length in fixed batches, so memory stays flat.
    /// Each thread reads its slice of a batch (pread into a reused buffer that stays in
    /// cache), checks it for NaN and infinity, and scores it, in one pass per batch.
    /// Probabilities go to `outputPath` as a 1-D `.npy` (if given) as each batch completes.
    /// - Parameters:
    ///   - batchRows: rows per batch; memory use is about `batchRows × (columns + 1) × 4` bytes.
    ///   - threshold: probability at or above which a row counts as flagged.
    /// - Throws: `.io`, `.npyFormat`, `.nonFinite` (naming the file row and column; batches
    ///   before it were scored and written), `.shapeMismatch` if the file's width differs
    ///   from `dimension`.
    public func scoreNpyFile(at path: String, writingScoresTo outputPath: String? = nil, batchRows: Int = 16_384,
                             threshold: Float = 0.5, threads: Int = Parallelism.defaultThreads) throws(EngineError) -> StreamingScoreSummary {
        guard batchRows >= 1 else { throw .invalidArgument(name: "batchRows", reason: "must be >= 1, got \(batchRows)") }
        guard threads >= 1 else { throw .invalidArgument(name: "threads", reason: "must be >= 1, got \(threads)") }
        EngineSetup.ready()
        let reader = try NpyMatrixReader(path: path)
        guard reader.columns == dimension else {
            throw .shapeMismatch(what: path, expected: "N x \(dimension) (model \(featureSchemaID))", actual: "\(reader.rows) x \(reader.columns)")
        }
        let writer = try outputPath.map { (p) throws(EngineError) in try NpyVectorWriter(path: p, count: reader.rows) }
        let batch = FeatureMatrix(rows: min(batchRows, max(reader.rows, 1)), columns: dimension)
        var scores = [Float](repeating: 0, count: batch.rows)
        var sum = 0.0, flagged = 0
        let d = dimension, b = bias
        let input = SharedPointer(base: batch.storage.base)
        let minimum = max(1, Self.rowsPerThreadMinimum / 4)
        try weights.withUnsafeBufferPointer { (w) throws(EngineError) in
            let wp = SharedConstPointer(base: w.baseAddress!)
            for start in stride(from: 0, to: reader.rows, by: batchRows) {
                let n = min(batchRows, reader.rows - start)
                try scores.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
                    let out = SharedPointer(base: buffer.baseAddress!)
                    let failures = FailureSlots(count: Parallelism.partition(count: n, threads: threads, minimum: minimum).count)
                    Parallelism.forEachRange(count: n, threads: threads, minimum: minimum) { part, r in
                        let x = input.base + r.lowerBound * d
                        do {
                            try reader.read(rows: (start + r.lowerBound)..<(start + r.upperBound), into: x)
                            vk_logistic_scores(x, r.count, d, d, wp.base, b, out.base + r.lowerBound)
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
            }
        }
        try writer?.finish()
        return StreamingScoreSummary(rows: reader.rows, meanScore: reader.rows == 0 ? 0 : sum / Double(reader.rows), flagged: flagged)
    }
}
