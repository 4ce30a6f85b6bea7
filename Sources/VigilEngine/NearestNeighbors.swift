/// Search results: for each of `queries` queries, `k` (similarity, row) pairs, best first;
/// row -1 (similarity -infinity) where the index held fewer than `k` precedents.
public struct NearestNeighbors: Sendable {
    /// Number of queries.
    public private(set) var queries: Int
    /// Results per query.
    public private(set) var k: Int
    var scoreStorage: FeatureStorage
    var indexStorage: IndexStorage

    public init(queries: Int, k: Int) {
        self.queries = queries
        self.k = k
        scoreStorage = FeatureStorage(capacity: queries * k)
        indexStorage = IndexStorage(capacity: queries * k)
    }

    /// Similarities, queries × k, row-major. A fresh copy on every access (O(queries × k));
    /// loops should use `score(query:rank:)`.
    public var scores: [Float] { Array(UnsafeBufferPointer(start: scoreStorage.base, count: queries * k)) }
    /// Precedent rows, queries × k, row-major. A fresh copy on every access (O(queries × k));
    /// loops should use `row(query:rank:)`.
    public var rows: [Int] { (0..<(queries * k)).map { Int(indexStorage.base[$0]) } }

    /// Similarity of the `rank`-th result (0 = best) of `query`.
    public func score(query: Int, rank: Int) -> Float {
        precondition(query < queries && rank < k)
        return scoreStorage.base[query * k + rank]
    }

    /// Row of the `rank`-th result of `query` (-1 if none).
    public func row(query: Int, rank: Int) -> Int {
        precondition(query < queries && rank < k)
        return Int(indexStorage.base[query * k + rank])
    }

    mutating func reset(queries q: Int, k newK: Int) {
        if q * newK > scoreStorage.capacity || !isKnownUniquelyReferenced(&scoreStorage) {
            scoreStorage = FeatureStorage(capacity: q * newK)
        }
        if q * newK > indexStorage.capacity || !isKnownUniquelyReferenced(&indexStorage) {
            indexStorage = IndexStorage(capacity: q * newK)
        }
        queries = q
        k = newK
    }
}

/// Owned Int64 storage for result indices.
final class IndexStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<Int64>
    let capacity: Int
    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: max(capacity, 1))
        base.initialize(repeating: -1, count: max(capacity, 1))
    }
    deinit { base.deallocate() }
}
