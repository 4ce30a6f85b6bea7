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
    /// Scores a 2-D float32 `.npy` file of any length in fixed batches, so memory stays flat:
    /// each thread reads its slice of a batch (pread), checks it for NaN/infinity while it
    /// is still in cache, and scores it. Probabilities go to `outputPath` as a 1-D `.npy`
    /// (if given) as each batch completes.
    /// - Parameters:
    ///   - batchRows: rows per batch; memory use is about `batchRows × columns × 4` bytes
    ///     plus `batchRows × 4`.
    ///   - threshold: probability at or above which a row counts as flagged.
    /// - Throws: `.io`, `.npyFormat`, `.nonFinite` (naming the file row and column; rows
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
        var batch = FeatureMatrix(rows: batchRows, columns: dimension)
        var scores = [Float](repeating: 0, count: batchRows)
        var sum = 0.0, flagged = 0
        while true {
            let n = try reader.next(into: &batch, maxRows: batchRows, threads: threads)
            if n == 0 { break }
            try scores.withUnsafeMutableBufferPointer { (buffer) throws(EngineError) in
                score(batch.storage.base, rows: n, into: buffer.baseAddress!, threads: threads)
                var batchSum: Float = 0
                for i in 0..<n {
                    batchSum += buffer[i]
                    flagged += buffer[i] >= threshold ? 1 : 0
                }
                sum += Double(batchSum)
                try writer?.append(UnsafeBufferPointer(rebasing: buffer[0..<n]))
            }
        }
        try writer?.finish()
        return StreamingScoreSummary(rows: reader.rows, meanScore: reader.rows == 0 ? 0 : sum / Double(reader.rows), flagged: flagged)
    }
}
