import Foundation
import VigilEngine

/// A trained model on disk: `<name>.json` (weights, blend, calibration, the feature schema
/// id, training-data hash, metrics, time, and the precedent cases' metadata) beside
/// `<name>.precedents.vpx` (the precedent vectors, `PrecedentIndex` format).
///
/// Two kinds share the format: a model learnt from closed OCSF findings (`featureSchema`
/// is an incident schema, `cases` describe the precedents) and a model learnt from a
/// labelled CSV (`tabular` holds the schema that featurizes its rows; `cases` is empty
/// and the precedents' ids name training lines). The keys added for tabular models and
/// test files are optional, so files written before them still load.
public struct ModelFile: Sendable, Equatable, Codable {
    public static let currentFormat = "vigil-model-v1"

    /// The metrics of one signal, as stored.
    public struct Metrics: Sendable, Equatable, Codable {
        public var auc, accuracy, brier, expectedCalibrationError, logLoss: Double
        public var count, positives: Int

        enum CodingKeys: String, CodingKey {
            case auc, accuracy, brier, expectedCalibrationError = "expected_calibration_error", logLoss = "log_loss", count, positives
        }

        public init(_ m: ClassificationMetrics) {
            (auc, accuracy, brier, expectedCalibrationError, logLoss, count, positives) =
                (m.auc, m.accuracy, m.brier, m.expectedCalibrationError, m.logLoss, m.count, m.positives)
        }
    }

    public var format: String
    public var featureSchema: String
    public var width: Int
    public var weights: [Float]
    public var bias: Float
    public var blendWeights: [Float]
    public var blendBias: Float
    public var calibration: PlattCalibration
    public var k: Int
    public var trainedAt: String
    public var trainingDataSha256: String
    public var trainingIncidents: Int
    public var heldOutIncidents: Int
    public var unlabelledIncidents: Int
    public var metrics: [String: Metrics]
    public var precedentsFile: String
    public var cases: [PrecedentCase]
    /// Entities too common in the history to correlate on, as `kind:value`.
    public var commonEntities: [String]
    /// Tabular models: the CSV columns' roles and scaling (`featureSchema` is its id).
    public var tabular: TabularSchema?
    /// Tabular models: the probability `vigil score` reports unless told otherwise.
    public var scoringSignal: ScoringSignal?
    /// Tabular models: rows rejected from the training (and test) file.
    public var rejectedRows: Int?
    /// Where `metrics` were measured: "held-out split" or "test file <path>" (absent in
    /// files written before test files: the held-out split).
    public var measuredOn: String?
    /// The test file's SHA-256 and its labelled incidents (rows for a tabular model).
    public var testDataSha256: String?
    public var testCases: Int?

    enum CodingKeys: String, CodingKey {
        case format, featureSchema = "feature_schema", width, weights, bias, blendWeights = "blend_weights", blendBias = "blend_bias",
             calibration, k, trainedAt = "trained_at", trainingDataSha256 = "training_data_sha256",
             trainingIncidents = "training_incidents", heldOutIncidents = "held_out_incidents",
             unlabelledIncidents = "unlabelled_incidents", metrics, precedentsFile = "precedents_file", cases,
             commonEntities = "common_entities", tabular, scoringSignal = "scoring_signal", rejectedRows = "rejected_rows",
             measuredOn = "measured_on", testDataSha256 = "test_data_sha256", testCases = "test_cases"
    }

    /// The model and precedents a training run produced, ready to write.
    public init(_ result: CaseTrainer.Result, schema: FeatureSchema, precedentsFile: String, trainedAt: Date = Date()) {
        self.init(result.model, report: result.report, featureSchema: schema.id, width: schema.width,
                  trainingDataSha256: result.dataSHA256, trainingIncidents: result.trainingIncidents,
                  heldOutIncidents: result.heldOutIncidents, precedentsFile: precedentsFile, trainedAt: trainedAt)
        unlabelledIncidents = result.unlabelledIncidents
        cases = result.cases
        commonEntities = result.commonEntities.map(\.description)
        measuredOn = result.measuredOn
        testDataSha256 = result.testSHA256
        testCases = result.testIncidents > 0 ? result.testIncidents : nil
    }

    /// A tabular model ready to write; `trainingIncidents` and `heldOutIncidents` count rows.
    public init(_ result: TabularTrainer.Result, precedentsFile: String, trainedAt: Date = Date()) {
        self.init(result.model, report: result.report, featureSchema: result.schema.id, width: result.schema.width,
                  trainingDataSha256: result.dataSHA256, trainingIncidents: result.trainingRows,
                  heldOutIncidents: result.heldOutRows, precedentsFile: precedentsFile, trainedAt: trainedAt)
        tabular = result.schema
        scoringSignal = result.scoringSignal
        rejectedRows = result.rejectedRows
        measuredOn = result.measuredOn
        testDataSha256 = result.testSHA256
        testCases = result.testRows > 0 ? result.testRows : nil
    }

    /// What both kinds of model file hold of a fitted model: its parameters, metrics and
    /// provenance; no cases, common entities or unlabelled incidents.
    private init(_ model: ConfidenceModel, report: ComparisonReport, featureSchema: String, width: Int,
                 trainingDataSha256: String, trainingIncidents: Int, heldOutIncidents: Int,
                 precedentsFile: String, trainedAt: Date) {
        format = Self.currentFormat
        self.featureSchema = featureSchema
        self.width = width
        weights = model.logistic.weights
        bias = model.logistic.bias
        blendWeights = model.blend.weights
        blendBias = model.blend.bias
        calibration = model.calibration
        k = model.k
        self.trainedAt = ISO8601DateFormatter().string(from: trainedAt)
        self.trainingDataSha256 = trainingDataSha256
        self.trainingIncidents = trainingIncidents
        self.heldOutIncidents = heldOutIncidents
        unlabelledIncidents = 0
        metrics = ["logistic": Metrics(report.logistic), "knn": Metrics(report.nearestNeighbors),
                   "combined": Metrics(report.combined)]
        self.precedentsFile = precedentsFile
        cases = []
        commonEntities = []
    }

    /// Writes `path` (JSON, atomically) and the precedent index beside it.
    /// - Throws: `.io`, `.engine`.
    public static func write(_ result: CaseTrainer.Result, schema: FeatureSchema, to path: String) throws(VigilError) {
        let precedentsPath = precedentsPath(besides: path)
        try write(ModelFile(result, schema: schema, precedentsFile: (precedentsPath as NSString).lastPathComponent),
                  precedents: result.precedents, to: path, precedentsPath: precedentsPath)
    }

    /// Writes a tabular model to `path` (JSON, atomically) and its precedents beside it.
    /// - Throws: `.io`, `.engine`.
    public static func write(_ result: TabularTrainer.Result, to path: String) throws(VigilError) {
        let precedentsPath = precedentsPath(besides: path)
        try write(ModelFile(result, precedentsFile: (precedentsPath as NSString).lastPathComponent),
                  precedents: result.precedents, to: path, precedentsPath: precedentsPath)
    }

    private static func precedentsPath(besides path: String) -> String {
        (path.hasSuffix(".json") ? String(path.dropLast(5)) : path) + ".precedents.vpx"
    }

    private static func write(_ file: ModelFile, precedents: PrecedentIndex, to path: String, precedentsPath: String) throws(VigilError) {
        do {
            try precedents.save(to: precedentsPath)
        } catch {
            throw .engine(error)
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(file).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(path: path, reason: "cannot write the model: \(error.localizedDescription)")
        }
    }

    /// A loaded model: the confidence model, its precedents and their cases.
    public struct Loaded: Sendable {
        public var file: ModelFile
        public var model: ConfidenceModel
        public var precedents: PrecedentIndex

        /// `file.commonEntities` as entity keys (entries that do not parse are skipped).
        public var commonEntities: Set<EntityKey> {
            Set(file.commonEntities.compactMap { text in
                guard let colon = text.firstIndex(of: ":"), let kind = EntityKind(rawValue: String(text[..<colon])) else { return nil }
                return EntityKey(kind, String(text[text.index(after: colon)...]))
            })
        }
    }

    /// Reads a model file and its precedents, checking they belong together.
    /// - Throws: `.io`; `.invalidConfiguration` naming the key for a wrong format, a
    ///   weight count that differs from the schema width, non-finite numbers, or a
    ///   precedent file of another width or case count.
    public static func load(from path: String) throws(VigilError) -> Loaded {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch { throw .io(path: path, reason: "cannot read: \(error.localizedDescription)") }
        let file: ModelFile
        do {
            let decoder = JSONDecoder()
            file = try decoder.decode(ModelFile.self, from: data)
        } catch {
            throw .invalidConfiguration(file: path, location: "model", reason: "not a Vigil model file: \(error)")
        }
        guard file.format == currentFormat else { throw .invalidConfiguration(file: path, location: "format", reason: "'\(file.format)' is not \(currentFormat)") }
        guard file.weights.count == file.width else { throw .invalidConfiguration(file: path, location: "weights", reason: "\(file.weights.count) weights for a \(file.width)-column schema") }
        guard file.blendWeights.count == 2 else { throw .invalidConfiguration(file: path, location: "blend_weights", reason: "expected 2, got \(file.blendWeights.count)") }
        guard file.k >= 1 else { throw .invalidConfiguration(file: path, location: "k", reason: "must be >= 1") }
        let folder = (path as NSString).deletingLastPathComponent
        let precedentsPath = file.precedentsFile.hasPrefix("/") ? file.precedentsFile : (folder.isEmpty ? "" : folder + "/") + file.precedentsFile
        do {
            let logistic = try LogisticModel(weights: file.weights, bias: file.bias, featureSchemaID: file.featureSchema)
            let blend = try LogisticModel(weights: file.blendWeights, bias: file.blendBias, featureSchemaID: "vigil-blend-v1")
            if let tabular = file.tabular {
                try tabular.validate(file: path)
                guard tabular.id == file.featureSchema, tabular.width == file.width else {
                    throw VigilError.invalidConfiguration(file: path, location: "tabular", reason: "schema \(tabular.id) (width \(tabular.width)) does not match feature_schema \(file.featureSchema) (width \(file.width))")
                }
            }
            let precedents = try PrecedentIndex(contentsOf: precedentsPath)
            guard precedents.dimension == file.width, file.tabular != nil || precedents.count == file.cases.count else {
                throw VigilError.invalidConfiguration(file: precedentsPath, location: "precedents", reason: "\(precedents.count) x \(precedents.dimension) vectors do not match \(file.cases.count) cases x \(file.width) columns in \(path)")
            }
            return Loaded(file: file, model: ConfidenceModel(logistic: logistic, k: file.k, blend: blend, calibration: file.calibration), precedents: precedents)
        } catch let error as EngineError {
            throw .invalidConfiguration(file: path, location: "model", reason: error.description)
        } catch let error as VigilError {
            throw error
        } catch {
            throw .io(path: path, reason: "\(error)")
        }
    }
}
