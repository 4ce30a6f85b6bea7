#if canImport(Glibc)
import Glibc
#endif
import Foundation
import VigilEngine

/// Learns from any labelled CSV: reads it (bad rows rejected with their line, column and
/// reason), splits it, fits a `TabularSchema` on the training split, fits the logistic
/// model with L-BFGS, indexes training rows as precedents, and fits and measures the
/// confidence blend as `CaseTrainer` does for closed cases: logistic alone, k-NN alone and
/// the calibrated combination, on held-out rows never used to fit them (or on a separate
/// test file).
///
/// The split is by a hash of each row's text: stable across runs and machines, and
/// duplicate rows always land on the same side.
public struct TabularTrainer: Sendable {
    /// The label column's header name.
    public var labelColumn: String
    /// How the schema is fitted.
    public var options: TabularOptions
    /// Share of rows held out of the logistic fit and the precedents.
    public var heldOutFraction: Double = 0.2
    /// L2 penalty of the logistic fit (on standardised features).
    public var l2: Float = 1e-4
    /// Precedents consulted per row.
    public var k: Int = 5
    /// The most training rows kept as precedents (an even stride through the split): the
    /// k-NN search and the model's size grow with it.
    public var maxPrecedents: Int = 20_000

    public init(labelColumn: String, options: TabularOptions = TabularOptions()) {
        self.labelColumn = labelColumn
        self.options = options
    }

    /// Time taken by one stage of training.
    public struct Stage: Sendable, Equatable {
        /// What the stage did.
        public var name: String
        /// Wall-clock seconds.
        public var seconds: Double
    }

    /// Everything a training run produced.
    public struct Result: Sendable {
        /// The columns' roles and scaling, fitted on the training split.
        public var schema: TabularSchema
        /// The logistic model with its calibrated k-NN blend.
        public var model: ConfidenceModel
        /// Training rows kept as precedents (labels 2 positive, 1 negative, as verdicts).
        public var precedents: PrecedentIndex
        /// Logistic alone, k-NN alone and the combination, measured where `measuredOn` says.
        public var report: ComparisonReport
        /// What L-BFGS did.
        public var optimiser: LogisticTrainer.Report
        /// Rows that fitted the logistic model (and supplied the precedents).
        public var trainingRows: Int
        /// Rows that fitted the blend (and, without a test file, measured it).
        public var heldOutRows: Int
        /// Labelled rows of the test file (0 without one).
        public var testRows: Int
        /// Rows rejected from the training and test files.
        public var rejectedRows: Int
        /// The first few of them.
        public var rejectExamples: [RejectedRecord]
        /// SHA-256 of the training file's bytes.
        public var dataSHA256: String
        /// SHA-256 of the test file's bytes, when there was one.
        public var testSHA256: String?
        /// Where the report was measured: "held-out split" or "test file <path>".
        public var measuredOn: String
        /// What `vigil score` uses by default: the combination when it lowered the measured
        /// log loss by at least 1% (it costs a precedent search per row), else logistic.
        public var scoringSignal: ScoringSignal
        /// Time per stage, in order.
        public var stages: [Stage]
        /// Total time.
        public var seconds: Double
    }

    /// Trains on the labelled CSV at `path`; measures on `testPath` when given.
    /// - Throws: `.io`; `.invalidRecord`/`.invalidConfiguration` for an unusable header,
    ///   schema option or split (fewer than 50 training rows, one class); `.engine`.
    public func train(csv path: String, test testPath: String? = nil, rejects writer: RejectWriter) throws(VigilError) -> Result {
        let rejects = RejectSample(writer, inLineOrder: true)
        defer { try? rejects.finish() }  // rejects are kept even when training fails
        let clock = ContinuousClock()
        let start = clock.now
        var stages: [Stage] = []
        var mark = start
        func stage(_ name: String) {
            let now = clock.now
            stages.append(Stage(name: name, seconds: (now - mark).seconds))
            mark = now
        }

        let data = try LabelledCSV(path: path, labelColumn: labelColumn, rejects: rejects)
        let test = try testPath.map { (p) throws(VigilError) in try LabelledCSV(path: p, labelColumn: labelColumn, rejects: rejects) }
        let dataHash = try Self.fileSHA256(path)
        let testHash = try testPath.map { (p) throws(VigilError) in try Self.fileSHA256(p) }
        stage("read and parse")

        var trainIndices: [Int] = [], heldOutIndices: [Int] = []
        for i in data.rows.indices {
            if Self.stableFraction(data.texts[i]) < heldOutFraction { heldOutIndices.append(i) } else { trainIndices.append(i) }
        }
        let folds = trainIndices.map { Int(Self.stableFraction("fold|" + data.texts[$0]) * Double(TabularSchema.labelRateFolds)) }
        let (schema, statistics) = try TabularSchema.fitted(header: data.header, rows: trainIndices.map { data.rows[$0] },
                                                            labels: trainIndices.map { data.labels[$0] }, folds: folds,
                                                            labelColumn: labelColumn, options: options, source: path)
        stage("fit the schema")

        var rejected = data.rejected + (test?.rejected ?? 0)
        let featurizer = try TabularFeaturizer(schema: schema, header: data.header, source: path, training: statistics)
        let train = try Self.vectors(data, trainIndices, featurizer, folds: folds, rejects: rejects, rejected: &rejected)
        let heldOut = try Self.vectors(data, heldOutIndices, featurizer, folds: nil, rejects: rejects, rejected: &rejected)
        let tested = try test.map { (t) throws(VigilError) in
            try Self.vectors(t, Array(t.rows.indices), TabularFeaturizer(schema: schema, header: t.header, source: t.path),
                             folds: nil, rejects: rejects, rejected: &rejected)
        }
        stage("featurize")

        let positives = train.labels.filter { $0 == 1 }.count
        guard train.labels.count >= 50, positives > 0, positives < train.labels.count else {
            throw .invalidConfiguration(file: path, location: "training split", reason: "needs at least 50 rows with both labels, got \(train.labels.count) (\(positives) positive); \(rejected) rows rejected")
        }
        do {
            let (logistic, optimiser) = try LogisticTrainer(l2: l2).fit(train.x, labels: train.labels, featureSchemaID: schema.id)
            stage("fit the logistic model (L-BFGS)")
            let kept = Self.evenStride(count: train.x.rows, keep: maxPrecedents)
            var precedentValues: [Float] = []
            precedentValues.reserveCapacity(kept.count * schema.width)
            for i in kept { precedentValues += train.x.row(i) }
            var precedents = PrecedentIndex(dimension: schema.width)
            try precedents.append(FeatureMatrix(rows: kept.count, columns: schema.width, values: precedentValues),
                                  ids: kept.map { "line-\(train.lines[$0])" }, labels: kept.map { train.labels[$0] == 1 ? 2 : 1 })
            let (model, report): (ConfidenceModel, ComparisonReport)
            if let tested {
                (model, report) = try ConfidenceModel.fit(logistic: logistic, k: k, blendOn: heldOut.x, labels: heldOut.labels,
                                                          measureOn: tested.x, labels: tested.labels, precedents: precedents)
            } else {
                (model, report) = try ConfidenceModel.fit(logistic: logistic, k: k, heldOut: heldOut.x, labels: heldOut.labels, precedents: precedents)
            }
            stage("precedents, blend and measurement")
            try rejects.finish()
            return Result(schema: schema, model: model, precedents: precedents, report: report, optimiser: optimiser,
                          trainingRows: train.labels.count, heldOutRows: heldOut.labels.count, testRows: tested?.labels.count ?? 0,
                          rejectedRows: rejected, rejectExamples: rejects.examples, dataSHA256: dataHash, testSHA256: testHash,
                          measuredOn: testPath.map { "test file \($0)" } ?? "held-out split",
                          scoringSignal: report.combined.logLoss < 0.99 * report.logistic.logLoss ? .combined : .logistic,
                          stages: stages, seconds: (clock.now - start).seconds)
        } catch let error as VigilError {
            throw error
        } catch let error as EngineError {
            throw .engine(error)
        } catch {
            throw .invalidConfiguration(file: path, location: "training", reason: "\(error)")
        }
    }

    /// Feature vectors of some rows (`folds`: each row's training fold, nil for rows outside
    /// the training split); rows the featurizer refuses go to `rejects`. Built in blocks of
    /// 4,096 rows, so the only full-size array is the matrix itself.
    private static func vectors(_ data: LabelledCSV, _ indices: [Int], _ featurizer: TabularFeaturizer, folds: [Int]?,
                                rejects: RejectSample, rejected: inout Int) throws(VigilError) -> (x: FeatureMatrix, labels: [Float], lines: [Int]) {
        let width = featurizer.schema.width, block = 4096
        var x = FeatureMatrix(rows: 0, columns: width)
        x.reserveRows(indices.count)
        var values = [Float](repeating: 0, count: block * width)
        var labels: [Float] = [], lines: [Int] = []
        labels.reserveCapacity(indices.count)
        do {
            var n = 0
            for (position, i) in indices.enumerated() {
                let fault = values.withUnsafeMutableBufferPointer { buffer in
                    featurizer.featurize(data.rows[i], into: UnsafeMutableBufferPointer(rebasing: buffer[(n * width)..<((n + 1) * width)]),
                                         trainingFold: folds?[position])
                }
                if let fault {
                    try rejects.write(RejectedRecord(source: data.path, line: data.lines[i], field: fault.field, kind: fault.kind, reason: fault.reason, record: data.texts[i]))
                    rejected += 1
                    continue
                }
                labels.append(data.labels[i])
                lines.append(data.lines[i])
                n += 1
                if n == block {
                    try x.append(rowsOf: FeatureMatrix(rows: n, columns: width, values: Array(values[0..<(n * width)])))
                    n = 0
                }
            }
            if n > 0 { try x.append(rowsOf: FeatureMatrix(rows: n, columns: width, values: Array(values[0..<(n * width)]))) }
        } catch let error as EngineError {
            throw .engine(error)
        } catch let error as VigilError {
            throw error
        } catch {
            throw .io(path: data.path, reason: "\(error)")
        }
        return (x, labels, lines)
    }

    /// `keep` indices spread evenly over `0..<count` (all of them when `count <= keep`).
    static func evenStride(count: Int, keep: Int) -> [Int] {
        guard count > keep else { return Array(0..<count) }
        return (0..<max(keep, 0)).map { $0 * count / keep }
    }

    /// A value in [0, 1) from a 64-bit hash of `text` (FNV-1a, SplitMix64 finaliser): the
    /// same on every run and machine.
    static func stableFraction(_ text: String) -> Double {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 31
        return Double(h >> 11) * 0x1p-53
    }

    /// SHA-256 of a file's bytes, read in 1 MiB blocks.
    /// - Throws: `.io` when the file cannot be read.
    static func fileSHA256(_ path: String) throws(VigilError) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var hasher = SHA256()
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = block.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            hasher.update(block[0..<got])
        }
        return hasher.hexDigest()
    }
}
