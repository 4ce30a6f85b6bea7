#if canImport(Glibc)
import Glibc
#endif
import VigilEngine

/// Scores a CSV with a tabular model: one probability per input row, featurized exactly as
/// the model's training file was (`TabularSchema`), streamed in batches so memory stays
/// flat (except for `.npy` output, which holds 4 bytes per row until the end).
///
/// Output (`score(csv:output:rejects:)`): a CSV `row,line,probability` (`row` counts data
/// records from 1, `line` is where the record starts; rejected rows are absent), or, when
/// the path ends in `.npy`, a float32 vector with one entry per data record in order and NaN
/// for rejected ones. A row that cannot be featurized goes to the reject writer with its
/// line, the column and the reason; the run goes on.
public struct TabularScorer: Sendable {
    /// How rows are featurized.
    public let schema: TabularSchema
    /// The logistic model and its blend.
    public let model: ConfidenceModel
    /// The training rows the blend's vote searches.
    public let precedents: PrecedentIndex
    /// The probability written.
    public let signal: ScoringSignal

    /// - Parameter signal: nil uses the model's recorded choice (`scoring_signal`).
    /// - Throws: `.invalidConfiguration` naming `modelPath` when the model was not trained
    ///   on a CSV.
    public init(_ loaded: ModelFile.Loaded, modelPath: String, signal: ScoringSignal? = nil) throws(VigilError) {
        guard let schema = loaded.file.tabular else {
            throw .invalidConfiguration(file: modelPath, location: "tabular", reason: "this model was trained on \(loaded.file.featureSchema) (OCSF incidents), not on a CSV; train one with vigil train --csv")
        }
        self.schema = schema
        model = loaded.model
        precedents = loaded.precedents
        self.signal = signal ?? loaded.file.scoringSignal ?? .logistic
    }

    /// What a scoring run did.
    public struct Summary: Sendable {
        /// Data records read (scored + rejected).
        public var rows: Int
        /// Rows given a probability.
        public var scored: Int
        /// Rows written to the reject file.
        public var rejected: Int
        /// The first few rejects.
        public var rejectExamples: [RejectedRecord]
        /// Mean probability of the scored rows.
        public var meanProbability: Double
        /// Rows at or above 0.5.
        public var flagged: Int
        /// Wall-clock seconds, reading to writing.
        public var seconds: Double
    }

    /// Scores every data row of the CSV at `path`.
    /// - Parameters:
    ///   - output: where probabilities go (`.npy` or CSV, see the type); nil scores only.
    ///   - batchRows: rows featurized and scored together.
    ///   - progress: called after each batch with the rows read so far.
    /// - Throws: `.io`; `.invalidRecord` for an empty file or a header that is not valid
    ///   CSV; `.invalidConfiguration` when a column the model uses is missing; `.engine`.
    public func score(csv path: String, output: String?, rejects writer: RejectWriter, batchRows: Int = 8192,
                      progress: ((Int) -> Void)? = nil) throws(VigilError) -> Summary {
        precondition(batchRows >= 1, "TabularScorer: batchRows must be >= 1")
        let clock = ContinuousClock()
        let start = clock.now
        let rejects = RejectSample(writer)
        let reader = try CSVRowReader(path: path)
        guard let header = try reader.next() else { throw .invalidRecord(source: path, line: 1, field: "header", reason: "the file is empty") }
        if let error = header.syntaxError { throw .invalidRecord(source: path, line: error.line, field: "header", reason: error.reason) }
        let featurizer = try TabularFeaturizer(schema: schema, header: header.fields, source: path)
        let npy = output?.hasSuffix(".npy") ?? false
        let text = try output.flatMap { (p) throws(VigilError) in npy ? nil : try TextOutput(path: p) }
        try text?.append("row,line,probability\n")
        var all: [Float] = []  // .npy output: every row, NaN when rejected

        let width = schema.width
        var values = [Float](repeating: 0, count: batchRows * width)
        var batch: [(row: Int, line: Int)] = []
        batch.reserveCapacity(batchRows)
        var summary = Summary(rows: 0, scored: 0, rejected: 0, rejectExamples: [], meanProbability: 0, flagged: 0, seconds: 0)
        var sum = 0.0

        func flush() throws(VigilError) {
            guard !batch.isEmpty else { return }
            let p = try probabilities(Array(values[0..<(batch.count * width)]), rows: batch.count)
            for (i, (row, line)) in batch.enumerated() {
                sum += Double(p[i])
                if p[i] >= 0.5 { summary.flagged += 1 }
                if npy {
                    all.append(contentsOf: repeatElement(.nan, count: row - 1 - all.count))
                    all.append(p[i])
                } else {
                    try text?.append("\(row),\(line),\(p[i])\n")
                }
            }
            summary.scored += batch.count
            batch.removeAll(keepingCapacity: true)
            progress?(summary.rows)
        }

        while let row = try reader.next() {
            summary.rows += 1
            if let error = row.syntaxError {
                try rejects.write(RejectedRecord(source: path, line: error.line, field: "$", kind: .invalidValue, reason: error.reason, record: row.text))
                continue
            }
            let fault = values.withUnsafeMutableBufferPointer { buffer in
                featurizer.featurize(row.fields, into: UnsafeMutableBufferPointer(rebasing: buffer[(batch.count * width)..<((batch.count + 1) * width)]))
            }
            if let fault {
                try rejects.write(RejectedRecord(source: path, line: row.line, field: fault.field, kind: fault.kind, reason: fault.reason, record: row.text))
                continue
            }
            batch.append((row.index, row.line))
            if batch.count == batchRows { try flush() }
        }
        try flush()
        if npy, let output {
            all.append(contentsOf: repeatElement(.nan, count: summary.rows - all.count))
            do { try NpyVector.write(all, to: output) } catch { throw .engine(error) }
        }
        try text?.close()
        summary.rejected = rejects.count
        summary.rejectExamples = rejects.examples
        summary.meanProbability = summary.scored > 0 ? sum / Double(summary.scored) : 0
        summary.seconds = (clock.now - start).seconds
        return summary
    }

    /// The chosen signal for `rows` feature vectors.
    private func probabilities(_ values: [Float], rows: Int) throws(VigilError) -> [Float] {
        do {
            let x = try FeatureMatrix(rows: rows, columns: schema.width, values: values)
            switch signal {
            case .logistic: return try model.logistic.scores(x)
            case .combined: return try model.assess(x, precedents: precedents).assessments.map(\.confidence)
            }
        } catch let error as VigilError {
            throw error
        } catch let error as EngineError {
            throw .engine(error)
        } catch {
            throw .io(path: "-", reason: "\(error)")
        }
    }
}

/// A text file written through a 1 MiB buffer (open(2)/write(2)).
private final class TextOutput {
    let path: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []

    init(path: String) throws(VigilError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if descriptor < 0 { throw .io(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    func append(_ text: String) throws(VigilError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws(VigilError) {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, reason: "cannot write: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws(VigilError) {
        try flush()
        Glibc.close(descriptor)
        descriptor = -1
    }
}
