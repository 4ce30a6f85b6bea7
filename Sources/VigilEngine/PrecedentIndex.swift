internal import CKernels

/// Past cases as unit vectors, searched exactly for the most cosine-similar.
///
/// Vectors are L2-normalised on entry (`vk_l2_normalize_rows`), so inner product is cosine
/// similarity. Search (`vk_topk_scan`) computes similarities tile by tile with
/// `cblas_sgemm` into a per-thread workspace and selects each tile's candidates before
/// the next, so the queries × precedents matrix never exists.
public struct PrecedentIndex: Sendable {
    /// Length of every vector.
    public let dimension: Int
    /// Unit-norm vectors, one row per precedent (a zero vector stays zero).
    public internal(set) var vectors: FeatureMatrix
    /// Caller-chosen identifiers, one per precedent (e.g. a finding uid).
    public internal(set) var ids: [String]
    /// Caller-chosen labels, one per precedent (e.g. an OCSF verdict id).
    public internal(set) var labels: [Int32]

    /// How a search is split and blocked.
    public struct SearchOptions: Sendable, Equatable {
        /// Queries per tile (rows of the sgemm's A block).
        public var tileQueries: Int
        /// Precedents per tile (rows of the sgemm's B block).
        public var tileRows: Int
        /// Threads; each gets its own queries (or, for few queries, its own precedents).
        public var threads: Int

        /// Defaults measured on a 2-core Zen machine with OpenBLAS (Benchmarks/run.sh):
        /// 1024 × 512 tiles (a 2 MiB score tile per thread) amortise sgemm's packing over
        /// D=128 better than 512 × 512 and select fast enough from L2/L3.
        public init(tileQueries: Int = 1024, tileRows: Int = 512, threads: Int = Parallelism.defaultThreads) {
            self.tileQueries = tileQueries
            self.tileRows = tileRows
            self.threads = threads
        }
    }

    /// An empty index of `dimension`-long vectors. - Precondition: `dimension >= 1`.
    public init(dimension: Int) {
        precondition(dimension >= 1, "PrecedentIndex dimension must be >= 1")
        self.dimension = dimension
        vectors = FeatureMatrix(rows: 0, columns: dimension)
        ids = []
        labels = []
    }

    /// Number of precedents.
    public var count: Int { vectors.rows }

    /// Adds precedents. `ids` default to the decimal row number, `labels` to 0.
    /// - Throws: `.shapeMismatch` if `vectors.columns != dimension` or `ids`/`labels`
    ///   counts differ from `vectors.rows`.
    /// - Complexity: O(rows × dimension) amortised.
    public mutating func append(_ newVectors: FeatureMatrix, ids newIDs: [String]? = nil, labels newLabels: [Int32]? = nil) throws(EngineError) {
        guard newVectors.columns == dimension else {
            throw .shapeMismatch(what: "precedent vectors", expected: "N x \(dimension)", actual: "\(newVectors.rows) x \(newVectors.columns)")
        }
        if let newIDs, newIDs.count != newVectors.rows {
            throw .shapeMismatch(what: "precedent ids", expected: "\(newVectors.rows)", actual: "\(newIDs.count)")
        }
        if let newLabels, newLabels.count != newVectors.rows {
            throw .shapeMismatch(what: "precedent labels", expected: "\(newVectors.rows)", actual: "\(newLabels.count)")
        }
        EngineSetup.ready()
        let first = count
        try vectors.append(rowsOf: newVectors)
        Self.normalize(vectors.storage.base + first * dimension, rows: newVectors.rows, columns: dimension)
        ids += newIDs ?? (first..<(first + newVectors.rows)).map(String.init)
        labels += newLabels ?? [Int32](repeating: 0, count: newVectors.rows)
    }

    /// The `k` precedents most similar to each query row, best first (ties: lower row).
    /// Queries are normalised internally; `queries` is not changed.
    /// - Throws: `.shapeMismatch` if `queries.columns != dimension`; `.invalidArgument` for
    ///   `k < 1` or non-positive options.
    /// - Complexity: 2·Q·N·D flops (sgemm) plus O(Q·N) compares.
    public func nearest(to queries: FeatureMatrix, k: Int, options: SearchOptions = .init()) throws(EngineError) -> NearestNeighbors {
        var result = NearestNeighbors(queries: 0, k: k)
        try nearest(to: queries, k: k, options: options, into: &result)
        return result
    }

    /// As `nearest(to:k:options:)`, writing into `result` and reusing its storage.
    public func nearest(to queries: FeatureMatrix, k: Int, options: SearchOptions = .init(), into result: inout NearestNeighbors) throws(EngineError) {
        guard queries.columns == dimension else {
            throw .shapeMismatch(what: "queries", expected: "Q x \(dimension)", actual: "\(queries.rows) x \(queries.columns)")
        }
        guard k >= 1 else { throw .invalidArgument(name: "k", reason: "must be >= 1, got \(k)") }
        guard options.tileQueries >= 1, options.tileRows >= 1, options.threads >= 1 else {
            throw .invalidArgument(name: "options", reason: "tileQueries, tileRows and threads must be >= 1, got \(options)")
        }
        EngineSetup.ready()
        var unit = queries
        unit.makeUnique()
        Self.normalize(unit.storage.base, rows: unit.rows, columns: dimension)
        result.reset(queries: queries.rows, k: k)
        let q = queries.rows
        if q == 0 { return }
        let scores = SharedPointer(base: result.scoreStorage.base)
        let indices = SharedPointer(base: result.indexStorage.base)
        let qp = SharedConstPointer(base: unit.storage.base), base = SharedConstPointer(base: vectors.storage.base)
        let d = dimension, n = count
        let splitQueries = options.threads == 1 || n < options.threads * options.tileRows
            || q >= options.threads * options.tileQueries
        if splitQueries {
            // Each thread owns a block of queries and scans every precedent.
            Parallelism.forEachRange(count: q, threads: options.threads) { _, r in
                let tq = min(options.tileQueries, r.count), tn = max(1, min(options.tileRows, n))
                var tile = [Float](repeating: 0, count: vk_topk_workspace_floats(tq, tn))
                let s = scores.base + r.lowerBound * k, ix = indices.base + r.lowerBound * k
                vk_topk_reset(s, ix, r.count, k)
                tile.withUnsafeMutableBufferPointer { t in
                    vk_topk_scan(qp.base + r.lowerBound * d, r.count, d, base.base, n, d, d, 0, k, s, ix, t.baseAddress!, tq, tn)
                }
                vk_topk_finish(s, ix, r.count, k)
            }
        } else {
            // Fewer queries than a full tile per thread: each thread takes every query (so its
            // sgemm calls keep full-height tiles) and its own slice of precedents; the
            // per-thread lists are merged.
            let parts = Parallelism.partition(count: n, threads: options.threads, minimum: options.tileRows)
            let partial = SharedPointer(base: UnsafeMutablePointer<Float>.allocate(capacity: parts.count * q * k))
            let partialIx = SharedPointer(base: UnsafeMutablePointer<Int64>.allocate(capacity: parts.count * q * k))
            defer { partial.base.deallocate(); partialIx.base.deallocate() }
            Parallelism.forEachRange(count: n, threads: options.threads, minimum: options.tileRows) { part, r in
                let tq = min(options.tileQueries, q), tn = min(options.tileRows, r.count)
                var tile = [Float](repeating: 0, count: vk_topk_workspace_floats(tq, tn))
                let s = partial.base + part * q * k, ix = partialIx.base + part * q * k
                vk_topk_reset(s, ix, q, k)
                tile.withUnsafeMutableBufferPointer { t in
                    vk_topk_scan(qp.base, q, d, base.base + r.lowerBound * d, r.count, d, d, Int64(r.lowerBound), k, s, ix, t.baseAddress!, tq, tn)
                }
            }
            vk_topk_reset(scores.base, indices.base, q, k)
            for part in 0..<parts.count {
                vk_topk_merge(scores.base, indices.base, partial.base + part * q * k, partialIx.base + part * q * k, q, k)
            }
            vk_topk_finish(scores.base, indices.base, q, k)
        }
    }

    /// The `k` precedents most similar to one vector, with their ids and labels.
    /// - Throws: as `nearest(to:k:options:)`; `.shapeMismatch` for a wrong length,
    ///   `.nonFinite` for a NaN or infinite component.
    public func nearest(to vector: [Float], k: Int) throws(EngineError) -> [Neighbor] {
        let query = try FeatureMatrix(rows: 1, columns: vector.count, values: vector)
        let found = try nearest(to: query, k: k, options: SearchOptions(threads: count >= 65_536 ? Parallelism.defaultThreads : 1))
        return neighbors(in: found, query: 0)
    }

    /// The neighbours of query `query` in `result`, with ids and labels; at most `k`, fewer
    /// when the index holds fewer precedents.
    public func neighbors(in result: NearestNeighbors, query: Int) -> [Neighbor] {
        (0..<result.k).compactMap { j in
            let row = result.row(query: query, rank: j)
            guard row >= 0 else { return nil }
            return Neighbor(row: row, id: ids[row], label: labels[row], similarity: result.score(query: query, rank: j))
        }
    }

    static func normalize(_ base: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        let p = SharedPointer(base: base)
        Parallelism.forEachRange(count: rows, threads: Parallelism.defaultThreads, minimum: 16_384) { _, r in
            vk_l2_normalize_rows(p.base + r.lowerBound * columns, r.count, columns, columns, nil)
        }
    }
}

/// One precedent found by a search.
public struct Neighbor: Sendable, Equatable {
    /// Row in the index.
    public let row: Int
    /// The precedent's id.
    public let id: String
    /// The precedent's label.
    public let label: Int32
    /// Cosine similarity to the query, in [-1, 1].
    public let similarity: Float

    public init(row: Int, id: String, label: Int32, similarity: Float) {
        self.row = row
        self.id = id
        self.label = label
        self.similarity = similarity
    }
}
