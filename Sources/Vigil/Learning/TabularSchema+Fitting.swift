import Foundation

extension TabularSchema {
    /// Training folds used for hashed columns' label rates: each training row's rate is
    /// computed from the other folds only.
    static let labelRateFolds = 5

    /// Fits a schema to the training split.
    ///
    /// Roles: a column named in `options.ignored` is ignored; one named in
    /// `options.numeric` is numeric; one in `options.categorical` is categorical. Otherwise a
    /// column is numeric when every non-empty cell reads as a number (NaN and infinity
    /// count as numbers here, and their rows are then rejected naming the column),
    /// categorical when it has non-numbers, and ignored when every cell is empty or when
    /// nearly every value is unique (an identifier: at least 200 values, 95% distinct). A
    /// categorical column with at most `options.vocabularyLimit` distinct values gets one
    /// indicator per value; a larger one is hashed. Scaling parameters, vocabularies, counts
    /// and label rates are fitted on the rows whose numeric cells are all finite numbers or
    /// empty (the rows the featurizer will accept).
    ///
    /// Width: numeric columns take 2 features, categorical ones their vocabulary + 2,
    /// hashed ones 3 + their buckets; what is left of the width is shared among the hashed
    /// columns, each wanting 4 buckets per value seen at least twice (so about one such
    /// value in five shares a bucket), the columns with fewer values served first.
    ///
    /// - Parameters:
    ///   - header: column names of the training file.
    ///   - rows: the training split, each row's fields in header order (every row has
    ///     `header.count` fields).
    ///   - labels: each row's label, 0 or 1.
    ///   - folds: each row's fold, `0..<labelRateFolds`.
    ///   - source: the file, for messages.
    /// - Returns: the schema, and the per-fold statistics a training featurizer needs.
    /// - Throws: `.invalidConfiguration` for a repeated or empty header name, a column in
    ///   `options` that is not in the header (or in two of its sets), no feature columns
    ///   left, or an explicit width too small for the columns (naming the width needed).
    /// - Complexity: O(cells) time; O(distinct values) memory per categorical column.
    static func fitted(header: [String], rows: [[String]], labels: [Float], folds: [Int], labelColumn: String, options: TabularOptions,
                       source: String) throws(VigilError) -> (schema: TabularSchema, training: TabularFeaturizer.TrainingStatistics) {
        precondition(rows.count == labels.count && rows.count == folds.count, "TabularSchema.fitted: rows, labels and folds differ in length")
        func fail(_ location: String, _ reason: String) -> VigilError { .invalidConfiguration(file: source, location: location, reason: reason) }
        let names = header.map(TabularFeaturizer.trimmed)
        var seen: Set<String> = []
        for name in names {
            guard !name.isEmpty else { throw fail("header", "a column has no name") }
            guard seen.insert(name).inserted else { throw fail("header", "column '\(name)' appears twice") }
        }
        guard seen.contains(labelColumn) else { throw fail("header", "no label column '\(labelColumn)' (columns: \(names.joined(separator: ", ")))") }
        for (set, option) in [(options.categorical, "--categorical"), (options.numeric, "--numeric"), (options.ignored, "--ignore")] {
            if let unknown = set.subtracting(seen).sorted().first { throw fail(option, "no column '\(unknown)' in the header") }
            if set.contains(labelColumn) { throw fail(option, "'\(labelColumn)' is the label column") }
        }
        if let both = options.categorical.intersection(options.numeric).union(options.ignored.intersection(options.categorical.union(options.numeric))).sorted().first {
            throw fail("options", "column '\(both)' is given two roles")
        }

        // Roles from what the cells hold.
        var columns: [TabularColumn] = []
        var positions: [Int] = []
        for (j, name) in names.enumerated() where name != labelColumn {
            positions.append(j)
            if options.ignored.contains(name) {
                columns.append(TabularColumn(name: name, role: .ignored, distinctValues: 0, missingRows: 0))
                continue
            }
            var allNumbers = true, nonEmpty = false
            if !options.categorical.contains(name) {
                for row in rows {
                    let text = TabularFeaturizer.trimmed(row[j])
                    if text.isEmpty { continue }
                    nonEmpty = true
                    if Double(text) == nil { allNumbers = false; break }
                }
            }
            let role: TabularColumn.Role
            if options.numeric.contains(name) { role = .numeric }
            else if options.categorical.contains(name) { role = .categorical }
            else if !nonEmpty && allNumbers { role = .ignored }  // every cell empty
            else { role = allNumbers ? .numeric : .categorical }
            columns.append(TabularColumn(name: name, role: role, distinctValues: 0, missingRows: 0))
        }

        // Rows the featurizer will accept: numeric cells finite numbers or empty.
        let numericPositions = zip(columns, positions).filter { $0.0.role == .numeric }.map(\.1)
        let usable = rows.indices.filter { r in
            numericPositions.allSatisfy { j in
                let text = TabularFeaturizer.trimmed(rows[r][j])
                return text.isEmpty || Double(text).map(\.isFinite) ?? false
            }
        }
        let prior = min(max(usable.reduce(0.0) { $0 + Double(labels[$1]) } / Double(max(usable.count, 1)), 1e-6), 1 - 1e-6)

        // Parameters.
        var training = TabularFeaturizer.TrainingStatistics()
        for (i, j) in positions.enumerated() where columns[i].role != .ignored {
            var missing = 0
            if columns[i].role == .numeric {
                var sum = 0.0, sumSquares = 0.0, n = 0
                var distinct: Set<Double> = []
                for r in usable {
                    guard let x = Double(TabularFeaturizer.trimmed(rows[r][j])) else { missing += 1; continue }
                    distinct.insert(x)
                    let v = TabularColumn.signedLog(x)
                    sum += v; sumSquares += v * v; n += 1
                }
                (columns[i].mean, columns[i].sd) = Self.meanAndSD(sum: sum, sumSquares: sumSquares, count: n)
                columns[i].distinctValues = distinct.count
                columns[i].missingRows = missing
                continue
            }
            var counts: [String: Int] = [:], positives: [String: Int] = [:]
            for r in usable {
                let text = TabularFeaturizer.trimmed(rows[r][j])
                if text.isEmpty { missing += 1; continue }
                counts[text, default: 0] += 1
                if labels[r] == 1 { positives[text, default: 0] += 1 }
            }
            columns[i].distinctValues = counts.count
            columns[i].missingRows = missing
            let nonEmpty = usable.count - missing
            if !options.categorical.contains(columns[i].name), nonEmpty >= 200, Double(counts.count) >= 0.95 * Double(nonEmpty) {
                columns[i].role = .ignored
                continue
            }
            let byFrequency = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            if counts.count <= options.vocabularyLimit {
                columns[i].role = .categorical
                columns[i].vocabulary = byFrequency.map(\.key)
                continue
            }
            columns[i].role = .hashed
            let kept = Dictionary(uniqueKeysWithValues: byFrequency.prefix { $0.value >= 2 }.prefix(options.countsLimit).map { ($0.key, $0.value) })
            columns[i].counts = kept
            columns[i].positives = positives.filter { kept[$0.key] != nil }
            columns[i].prior = prior
            // Per-fold statistics of kept values, for training rows' out-of-fold label rates.
            var perFold = [[String: TabularFeaturizer.ValueStatistics]](repeating: [:], count: labelRateFolds)
            for r in usable {
                let text = TabularFeaturizer.trimmed(rows[r][j])
                guard kept[text] != nil else { continue }
                perFold[folds[r]][text, default: .init()].count += 1
                if labels[r] == 1 { perFold[folds[r]][text, default: .init()].positives += 1 }
            }
            training.folds[columns[i].name] = perFold
            // Frequency of each training row's value, leaving that row out (as the featurizer does).
            var sum = 0.0, sumSquares = 0.0, n = 0
            for (value, count) in counts {
                let v = log1p(Double(max((kept[value] ?? 0) - 1, 0)))
                sum += v * Double(count); sumSquares += v * v * Double(count); n += count
            }
            (columns[i].rarityMean, columns[i].raritySD) = Self.meanAndSD(sum: sum, sumSquares: sumSquares, count: n)
        }

        // Layout.
        let hashed = columns.indices.filter { columns[$0].role == .hashed }
        var fixed = 0
        for c in columns {
            switch c.role {
            case .numeric: fixed += 2
            case .categorical: fixed += (c.vocabulary?.count ?? 0) + 2
            case .hashed: fixed += TabularColumn.hashedFixedWidth
            case .ignored: break
            }
        }
        guard fixed > 0 else { throw fail("columns", "no feature columns: every column besides '\(labelColumn)' is ignored, empty or an identifier") }
        let needed = fixed + hashed.count * TabularOptions.minimumBuckets
        let width: Int
        if let requested = options.width {
            guard requested >= needed else {
                throw fail("--width", "\(requested) features are too few for these columns: they need at least \(needed) (\(fixed) fixed + \(TabularOptions.minimumBuckets) buckets for each of \(hashed.count) hashed columns)")
            }
            width = requested
        } else {
            width = max(TabularOptions.defaultWidth, needed)
        }
        var left = width - fixed
        var buckets: [Int: Int] = [:]
        let demand = { (i: Int) in columns[i].counts?.count ?? 0 }
        let byDemand = hashed.sorted { (demand($0), $0) < (demand($1), $1) }
        for (n, i) in byDemand.enumerated() {
            let share = left / (byDemand.count - n)
            buckets[i] = n == byDemand.count - 1 ? left : max(TabularOptions.minimumBuckets, min(share, 4 * demand(i)))
            left -= buckets[i]!
        }
        // Without a hashed column to absorb the rest, the width is what the columns use.
        let finalWidth = hashed.isEmpty ? fixed : width
        var offset = 0
        for i in columns.indices {
            columns[i].offset = offset
            switch columns[i].role {
            case .numeric: columns[i].width = 2
            case .categorical: columns[i].width = (columns[i].vocabulary?.count ?? 0) + 2
            case .hashed: columns[i].width = TabularColumn.hashedFixedWidth + buckets[i]!
            case .ignored: columns[i].width = 0; columns[i].offset = 0
            }
            offset += columns[i].width
        }
        for i in hashed { measureCollisions(&columns[i]) }
        return (TabularSchema(width: finalWidth, labelColumn: labelColumn, columns: columns), training)
    }

    private static func meanAndSD(sum: Double, sumSquares: Double, count n: Int) -> (Double, Double) {
        let mean = n > 0 ? sum / Double(n) : 0
        let variance = n > 0 ? max(sumSquares / Double(n) - mean * mean, 0) : 0
        return (mean, variance > 1e-12 ? variance.squareRoot() : 1)
    }

    /// Counts the kept values of a hashed column that share a bucket, and the training rows
    /// holding them (what the hashing width costs).
    private static func measureCollisions(_ column: inout TabularColumn) {
        let kept = column.counts ?? [:]
        let seed = TabularColumn.hashSeed(column: column.name)
        var values = [Int](repeating: 0, count: column.buckets), rowsIn = [Int](repeating: 0, count: column.buckets)
        for (value, count) in kept {
            let b = TabularColumn.bucket(seed: seed, value: value, buckets: column.buckets).bucket
            values[b] += 1
            rowsIn[b] += count
        }
        column.collidingValues = values.filter { $0 > 1 }.reduce(0, +)
        column.collidingRows = zip(values, rowsIn).filter { $0.0 > 1 }.map(\.1).reduce(0, +)
    }
}
