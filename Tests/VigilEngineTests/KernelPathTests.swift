import Testing
import VigilEngine
import _VigilTestSupport

/// Every kernel against the double-precision reference, on both instruction-set paths.
/// Serialized: the selected path is process-wide, and only this suite changes it.
@Suite(.serialized)
struct KernelPathTests {
    static let isas = KernelISA.allCases.filter(\.isSupported)

    private func on<T>(_ isa: KernelISA, _ body: () throws -> T) rethrows -> T {
        #expect(KernelISA.select(isa))
        defer { KernelISA.select(.best) }
        let result = try body()
        #expect(KernelISA.active == isa, "another test changed the kernel path")
        return result
    }

    @Test(arguments: isas)
    func sigmoidIsWithin1e6OverTheWholeFloatRange(isa: KernelISA) throws {
        // Every 2^13-th bit pattern of both signs, plus the special values.
        var values: [Float] = [0, -0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
                               .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 88, -88, 87.3, -87.3, 104, -104, 16.6, -16.6]
        var bits: UInt32 = 0
        while bits < 0x7F80_0000 {
            values.append(Float(bitPattern: bits))
            values.append(-Float(bitPattern: bits))
            bits += 1 << 13
        }
        let finite = values.filter(\.isFinite)
        let model = try LogisticModel(weights: [1], bias: 0, featureSchemaID: "sigmoid")
        let x = try FeatureMatrix(rows: finite.count, columns: 1, values: finite)
        let p = try on(isa) { try model.scores(x) }
        var worst = 0.0
        for (v, got) in zip(finite, p) {
            worst = max(worst, abs(Double(got) - Reference.sigmoid(Double(v))))
        }
        #expect(worst <= 1e-6, "max abs error \(worst)")
        // Saturation is exact far out, and ±infinity (through the multi-head path, which
        // runs the in-place sigmoid on sgemm output) gives exactly 1 and 0.
        #expect(p[finite.firstIndex(of: .greatestFiniteMagnitude)!] == 1)
        #expect(p[finite.firstIndex(of: -.greatestFiniteMagnitude)!] == 0)
        let heads = try MultiHeadLogisticModel(weights: FeatureMatrix(rows: 2, columns: 1, values: [Float.greatestFiniteMagnitude, -.greatestFiniteMagnitude]), biases: [0, 0])
        let saturated = try on(isa) { try heads.scores(FeatureMatrix(rows: 1, columns: 1, values: [4])) }
        #expect(saturated[0, 0] == 1)
        #expect(saturated[0, 1] == 0)
    }

    @Test(arguments: isas, TestSizes.columns)
    func logisticScoresMatchReference(isa: KernelISA, columns: Int) throws {
        var random = TestRandom(seed: UInt64(columns))
        let weights = random.floats(columns, -2, 2)
        let model = try LogisticModel(weights: weights, bias: 0.3, featureSchemaID: "t")
        for rows in TestSizes.rows + [40_000] {  // 40,000 rows: split over threads
            let values = random.floats(rows * columns, -3, 3)
            let x = try FeatureMatrix(rows: rows, columns: columns, values: values)
            let p = try on(isa) { try model.scores(x) }
            let expected = Reference.logistic(values, rows: rows, columns: columns, weights: weights, bias: 0.3)
            #expect(p.count == rows)
            for i in 0..<rows {
                let tolerance = 1e-6 + 2e-7 * expected[i].magnitude
                #expect(abs(Double(p[i]) - expected[i].p) <= tolerance, "row \(i) of \(rows) x \(columns): \(p[i]) vs \(expected[i].p)")
            }
        }
    }

    @Test(arguments: isas)
    func multiHeadScoresMatchReference(isa: KernelISA) throws {
        var random = TestRandom(seed: 11)
        for (rows, columns, heads) in [(0, 5, 3), (1, 1, 1), (9, 7, 3), (31, 64, 8), (1000, 9, 5)] {
            let w = random.floats(heads * columns)
            let biases = random.floats(heads)
            let values = random.floats(rows * columns, -2, 2)
            let model = try MultiHeadLogisticModel(weights: FeatureMatrix(rows: heads, columns: columns, values: w), biases: biases)
            let p = try on(isa) { try model.scores(FeatureMatrix(rows: rows, columns: columns, values: values)) }
            #expect(p.rows == rows && p.columns == heads)
            for h in 0..<heads {
                let expected = Reference.logistic(values, rows: rows, columns: columns, weights: Array(w[(h * columns)..<((h + 1) * columns)]), bias: biases[h])
                for i in 0..<rows {
                    #expect(abs(Double(p[i, h]) - expected[i].p) <= 1e-6 + 2e-7 * expected[i].magnitude, "row \(i) head \(h)")
                }
            }
        }
    }

    @Test(arguments: isas, TestSizes.columns)
    func contributionsAreExactAndRankedByMagnitude(isa: KernelISA, columns: Int) throws {
        var random = TestRandom(seed: 100 + UInt64(columns))
        // Small integers make exact ties in magnitude (including +c and -c).
        let weights = (0..<columns).map { _ in Float(random.int(-3..<4)) }
        let model = try LogisticModel(weights: weights, bias: 0, featureSchemaID: "t")
        for rows in TestSizes.rows {
            let values = (0..<(rows * columns)).map { _ in Float(random.int(-4..<5)) * 0.5 }
            let x = try FeatureMatrix(rows: rows, columns: columns, values: values)
            for top in [1, 5, columns + 3] {
                let got = try on(isa) { try model.contributions(x, top: top) }
                #expect(got.count == rows)
                for i in 0..<rows {
                    let row = Array(values[(i * columns)..<((i + 1) * columns)])
                    #expect(got[i] == Reference.contributions(row, weights: weights, top: top), "row \(i), top \(top)")
                }
            }
        }
    }

    @Test(arguments: isas, TestSizes.columns)
    func normalisedRowsHaveUnitNorm(isa: KernelISA, columns: Int) throws {
        var random = TestRandom(seed: 200 + UInt64(columns))
        for rows in TestSizes.rows {
            var values = random.floats(rows * columns, -5, 5)
            if rows > 3 { for j in 0..<columns { values[3 * columns + j] = 0 } }  // a zero row
            var index = PrecedentIndex(dimension: columns)
            try on(isa) { try index.append(FeatureMatrix(rows: rows, columns: columns, values: values)) }
            for i in 0..<rows {
                let expected = Reference.normalized(Array(values[(i * columns)..<((i + 1) * columns)]))
                let got = index.vectors.row(i)
                for j in 0..<columns {
                    #expect(abs(Double(got[j]) - expected[j]) <= 1e-6, "row \(i) column \(j)")
                }
            }
        }
    }

    @Test(arguments: isas, [1, 7, 8, 9, 31, 128])
    func topKMatchesBruteForce(isa: KernelISA, dimension: Int) throws {
        var random = TestRandom(seed: 300 + UInt64(dimension))
        for (queries, baseRows, k) in [(1, 1, 1), (7, 9, 3), (9, 31, 10), (31, 1000, 10), (64, 1000, 1), (3, 5, 8)] {
            let base = (0..<baseRows).map { _ in random.floats(dimension) }
            let query = (0..<queries).map { _ in random.floats(dimension) }
            var index = PrecedentIndex(dimension: dimension)
            try index.append(FeatureMatrix(rows: base))
            let reference = Reference.cosine(query, base)
            // Small tiles so that scans cross many tile edges; both split strategies.
            for options in [PrecedentIndex.SearchOptions(tileQueries: 4, tileRows: 13, threads: 2),
                            PrecedentIndex.SearchOptions(tileQueries: 512, tileRows: 512, threads: 1),
                            PrecedentIndex.SearchOptions(tileQueries: 3, tileRows: 8, threads: 2)] {
                let found = try on(isa) { try index.nearest(to: FeatureMatrix(rows: query), k: k, options: options) }
                for q in 0..<queries {
                    try expectTopK(found, query: q, reference: reference[q], k: k)
                }
            }
        }
    }

    @Test(arguments: isas)
    func topKBreaksExactTiesByLowerRowAndPadsShortLists(isa: KernelISA) throws {
        // One-hot rows: every similarity is exactly 0 or 1 whatever the summation order.
        let d = 4, n = 23
        var index = PrecedentIndex(dimension: d)
        try index.append(FeatureMatrix(rows: (0..<n).map { i in (0..<d).map { $0 == i % d ? 1 : 0 } }))
        let queries = try FeatureMatrix(rows: (0..<d).map { q in (0..<d).map { $0 == q ? 1 : 0 } })
        for options in [PrecedentIndex.SearchOptions(tileQueries: 2, tileRows: 5, threads: 2),
                        PrecedentIndex.SearchOptions(tileQueries: 1, tileRows: 3, threads: 1)] {
            let found = try on(isa) { try index.nearest(to: queries, k: 30, options: options) }
            for q in 0..<d {
                let ones = (0..<n).filter { $0 % d == q }, zeros = (0..<n).filter { $0 % d != q }
                let rows = (0..<30).map { found.row(query: q, rank: $0) }
                #expect(rows == ones + zeros + [Int](repeating: -1, count: 30 - n))
                #expect(found.score(query: q, rank: 0) == 1)
                #expect(found.score(query: q, rank: n) == -.infinity)
            }
        }
    }

    @Test(arguments: isas)
    func lossAndGradientMatchReference(isa: KernelISA) throws {
        var random = TestRandom(seed: 400)
        for (rows, columns) in [(1, 1), (7, 8), (9, 9), (31, 31), (1000, 64)] {
            let values = random.floats(rows * columns)
            let labels = (0..<rows).map { _ in Float(random.int(0..<2)) }
            let sampleWeights = random.floats(rows, 0, 2)
            let weights = random.floats(columns)
            let model = try LogisticModel(weights: weights, bias: -0.2, featureSchemaID: "t")
            let learner = try OnlineLearner(model: model, learningRate: 0.1, l2: 0.01)
            let x = try FeatureMatrix(rows: rows, columns: columns, values: values)
            for sw in [nil, sampleWeights] {
                let got = try on(isa) { try learner.lossAndGradient(batch: x, labels: labels, sampleWeights: sw) }
                let expected = Reference.lossAndGradient(values, rows: rows, columns: columns, labels: labels, sampleWeights: sw, weights: weights, bias: -0.2, l2: 0.01)
                #expect(abs(got.loss - expected.loss) <= 1e-5 * max(1, expected.loss))
                #expect(abs(Double(got.bias) - expected.gradBias) <= 1e-5)
                for j in 0..<columns { #expect(abs(Double(got.weights[j]) - expected.grad[j]) <= 1e-5, "feature \(j)") }
            }
        }
    }

    @Test(arguments: isas)
    func histogramAndPSIMatchReference(isa: KernelISA) throws {
        var random = TestRandom(seed: 500)
        for count in TestSizes.rows {
            var values = random.floats(count, -2, 2)
            if count > 5 { values[2] = .nan; values[4] = 0.5 }  // a NaN and a value on an edge
            let edges: [Float] = [-1, 0, 0.5, 1.5]
            var histogram = try FeatureHistogram(edges: edges)
            on(isa) { histogram.add(values) }
            let expected = Reference.histogram(values, edges: edges)
            #expect(histogram.counts == expected.counts)
            #expect(histogram.nanCount == expected.nan)
            var shifted = try FeatureHistogram(edges: edges)
            on(isa) { shifted.add(values.map { $0 + 0.7 }) }
            let psi = try shifted.populationStability(against: histogram)
            #expect(abs(psi - Reference.psi(reference: histogram.counts, current: shifted.counts, epsilon: 1e-4)) <= 1e-12)
        }
    }
}

/// Checks one query's results against double-precision similarities: the returned rows are
/// distinct, in descending order, each with the right similarity, and no row left out is
/// better than the worst returned one (beyond float rounding).
func expectTopK(_ found: NearestNeighbors, query q: Int, reference: [Double], k: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let expectedCount = min(k, reference.count)
    let rows = (0..<k).map { found.row(query: q, rank: $0) }
    #expect(Set(rows.prefix(expectedCount)).count == expectedCount, "duplicate rows \(rows)", sourceLocation: sourceLocation)
    #expect(rows.dropFirst(expectedCount).allSatisfy { $0 == -1 }, sourceLocation: sourceLocation)
    var previous = Float.infinity
    for rank in 0..<expectedCount {
        let row = rows[rank], score = found.score(query: q, rank: rank)
        #expect(score <= previous, "not sorted at rank \(rank)", sourceLocation: sourceLocation)
        previous = score
        #expect(abs(Double(score) - reference[row]) <= 1e-5, "row \(row): \(score) vs \(reference[row])", sourceLocation: sourceLocation)
    }
    let chosen = Set(rows)
    let worstChosen = rows.prefix(expectedCount).map { reference[$0] }.min() ?? .infinity
    let bestLeft = reference.indices.filter { !chosen.contains($0) }.map { reference[$0] }.max() ?? -.infinity
    #expect(bestLeft <= worstChosen + 1e-5, "row with similarity \(bestLeft) left out, worst kept \(worstChosen)", sourceLocation: sourceLocation)
}

extension KernelPathTests {
    @Test(arguments: isas, TestSizes.columns)
    func firstNonFiniteValueIsFoundExactly(isa: KernelISA, columns: Int) throws {
        for rows in [1, 7, 31, 1000] {
            let clean = FeatureMatrix.uniform(rows: rows, columns: columns, seed: 600).values
            #expect(throws: Never.self) { try on(isa) { _ = try FeatureMatrix(rows: rows, columns: columns, values: clean) } }
            for position in Set([0, columns - 1, rows * columns / 2, rows * columns - 1]) {
                for bad: Float in [.nan, .infinity, -.infinity] {
                    var values = clean
                    values[position] = bad
                    if position > 0 { values[position - 1] = .greatestFiniteMagnitude }  // finite, exponent not all ones
                    #expect(throws: EngineError.nonFinite(what: "values", row: position / columns, column: position % columns, value: bad)) {
                        try on(isa) { _ = try FeatureMatrix(rows: rows, columns: columns, values: values) }
                    }
                }
            }
        }
    }
}
