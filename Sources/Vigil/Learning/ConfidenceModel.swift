import VigilEngine

/// The confidence a recommendation carries: the logistic model's probability and the
/// verdicts of the most similar closed cases (a similarity-weighted k-NN vote), blended by
/// a small logistic fitted on held-out data and then calibrated (Platt), so the number an
/// analyst sees is a measured probability, not an assumption about which signal to trust.
public struct ConfidenceModel: Sendable {
    /// The indicator model.
    public let logistic: LogisticModel
    /// Neighbours consulted per incident.
    public let k: Int
    /// Blend over [logit(p_logistic), logit(vote)] (2 weights + bias).
    public let blend: LogisticModel
    /// Calibration of the blend's output.
    public let calibration: PlattCalibration

    /// One incident's confidence and its parts.
    public struct Assessment: Sendable, Equatable {
        /// Logistic probability (uncalibrated).
        public var logistic: Float
        /// Similarity-weighted share of true positives among the k nearest closed cases,
        /// smoothed towards 0.5 by one pseudo-case (so 1 neighbour cannot say 0 or 1).
        public var vote: Float
        /// The calibrated blend: what recommendations report.
        public var confidence: Float
    }

    public init(logistic: LogisticModel, k: Int, blend: LogisticModel, calibration: PlattCalibration) {
        self.logistic = logistic
        self.k = k
        self.blend = blend
        self.calibration = calibration
    }

    /// Similarity-weighted true-positive share of `neighbors` (labels: OCSF verdict ids;
    /// 2 = true positive counts 1, 1/5 = false positive/benign count 0, others are skipped).
    /// Negative similarities carry no weight.
    public static func vote(_ neighbors: [Neighbor]) -> Float {
        var positive: Float = 0.5, total: Float = 1  // one pseudo-case at 0.5
        for n in neighbors {
            let w = max(n.similarity, 0)
            switch n.label {
            case 2: positive += w; total += w
            case 1, 5: total += w
            default: break
            }
        }
        return positive / total
    }

    /// Assesses each row of `vectors` against `precedents`.
    /// - Throws: `.engine` for shape mismatches.
    public func assess(_ vectors: FeatureMatrix, precedents: PrecedentIndex) throws(VigilError) -> (assessments: [Assessment], neighbors: NearestNeighbors) {
        do {
            let p = try logistic.scores(vectors)
            let found = try precedents.nearest(to: vectors, k: k)
            var out: [Assessment] = []
            out.reserveCapacity(vectors.rows)
            for i in 0..<vectors.rows {
                let v = Self.vote(precedents.neighbors(in: found, query: i))
                out.append(Assessment(logistic: p[i], vote: v, confidence: combine(logistic: p[i], vote: v)))
            }
            return (out, found)
        } catch {
            throw .engine(error)
        }
    }

    /// The calibrated blend of a logistic probability and a k-NN vote.
    public func combine(logistic p: Float, vote v: Float) -> Float {
        let z = blend.weights[0] * Self.logit(p) + blend.weights[1] * Self.logit(v) + blend.bias
        return calibration.apply(1 / (1 + exp(-z)))
    }

    static func logit(_ p: Float) -> Float {
        let q = min(max(p, 1e-6), 1 - 1e-6)
        return log(q / (1 - q))
    }

    /// Fits the blend and its calibration on held-out cases: `logistic` probabilities and
    /// k-NN votes (searched against the training precedents only) with 0/1 labels. The
    /// held-out rows are split alternately: even rows fit the blend and calibration, odd
    /// rows measure logistic alone, k-NN alone and the combination, so the comparison is
    /// never scored on the rows it was fitted on.
    /// - Throws: `.invalidConfiguration` with fewer than 20 held-out rows or a half with
    ///   only one class; `.engine` for shape errors.
    public static func fit(logistic: LogisticModel, k: Int, heldOut vectors: FeatureMatrix, labels: [Float],
                           precedents: PrecedentIndex) throws(VigilError) -> (model: ConfidenceModel, report: ComparisonReport) {
        guard vectors.rows >= 20, labels.count == vectors.rows else {
            throw .invalidConfiguration(file: "training data", location: "held-out split", reason: "needs at least 20 labelled held-out cases, got \(min(vectors.rows, labels.count))")
        }
        let signals = try Signals(logistic: logistic, k: k, vectors: vectors, labels: labels, precedents: precedents)
        let fitting = signals.rows(stride(from: 0, to: vectors.rows, by: 2)), measuring = signals.rows(stride(from: 1, to: vectors.rows, by: 2))
        return try fit(logistic: logistic, k: k, fitting: fitting, measuring: measuring, location: "held-out split",
                       names: ("fitting half", "measuring half"))
    }

    /// Fits the blend and its calibration on `blendVectors` (held out from the logistic
    /// fit and the precedents) and measures logistic alone, k-NN alone and the combination
    /// on all of `testVectors` (a separate test file).
    /// - Throws: `.invalidConfiguration` with fewer than 10 rows on either side or a side
    ///   with only one class; `.engine` for shape errors.
    public static func fit(logistic: LogisticModel, k: Int, blendOn blendVectors: FeatureMatrix, labels blendLabels: [Float],
                           measureOn testVectors: FeatureMatrix, labels testLabels: [Float],
                           precedents: PrecedentIndex) throws(VigilError) -> (model: ConfidenceModel, report: ComparisonReport) {
        for (name, rows, labels) in [("held-out split", blendVectors.rows, blendLabels.count), ("test file", testVectors.rows, testLabels.count)] {
            guard rows >= 10, labels == rows else {
                throw .invalidConfiguration(file: "training data", location: name, reason: "needs at least 10 labelled cases, got \(min(rows, labels))")
            }
        }
        let fitting = try Signals(logistic: logistic, k: k, vectors: blendVectors, labels: blendLabels, precedents: precedents)
        let measuring = try Signals(logistic: logistic, k: k, vectors: testVectors, labels: testLabels, precedents: precedents)
        return try fit(logistic: logistic, k: k, fitting: fitting, measuring: measuring, location: "test file",
                       names: ("held-out split (fitting the blend)", "test file"))
    }

    /// Logistic probabilities, k-NN votes and labels of some cases.
    private struct Signals {
        var p: [Float], votes: [Float], labels: [Float]

        init(p: [Float], votes: [Float], labels: [Float]) { (self.p, self.votes, self.labels) = (p, votes, labels) }

        init(logistic: LogisticModel, k: Int, vectors: FeatureMatrix, labels: [Float], precedents: PrecedentIndex) throws(VigilError) {
            do {
                p = try logistic.scores(vectors)
                let found = try precedents.nearest(to: vectors, k: k)
                votes = (0..<vectors.rows).map { ConfidenceModel.vote(precedents.neighbors(in: found, query: $0)) }
                self.labels = labels
            } catch {
                throw .engine(error)
            }
        }

        func rows(_ rows: some Sequence<Int>) -> Signals {
            let rows = Array(rows)
            return Signals(p: rows.map { p[$0] }, votes: rows.map { votes[$0] }, labels: rows.map { labels[$0] })
        }

        var stacked: [Float] { p.indices.flatMap { [ConfidenceModel.logit(p[$0]), ConfidenceModel.logit(votes[$0])] } }
    }

    private static func fit(logistic: LogisticModel, k: Int, fitting: Signals, measuring: Signals, location: String,
                            names: (String, String)) throws(VigilError) -> (model: ConfidenceModel, report: ComparisonReport) {
        let (fittingName, measuringName) = names
        for (name, signals) in [(fittingName, fitting), (measuringName, measuring)] {
            let positives = signals.labels.filter { $0 == 1 }.count
            guard positives > 0, positives < signals.labels.count else {
                throw .invalidConfiguration(file: "training data", location: location, reason: "the \(name) has only one class (\(positives) of \(signals.labels.count) positive)")
            }
        }
        do {
            let x = try FeatureMatrix(rows: fitting.p.count, columns: 2, values: fitting.stacked)
            let (blend, _) = try LogisticTrainer(l2: 1e-3, threads: 1).fit(x, labels: fitting.labels, featureSchemaID: "vigil-blend-v1")
            let calibration = try PlattCalibration(fitting: blend.scores(x), labels: fitting.labels)
            let model = ConfidenceModel(logistic: logistic, k: k, blend: blend, calibration: calibration)
            let y = measuring.labels
            let report = ComparisonReport(
                logistic: try ClassificationMetrics(probabilities: measuring.p, labels: y),
                nearestNeighbors: try ClassificationMetrics(probabilities: measuring.votes, labels: y),
                combined: try ClassificationMetrics(probabilities: measuring.p.indices.map { model.combine(logistic: measuring.p[$0], vote: measuring.votes[$0]) }, labels: y))
            return (model, report)
        } catch {
            throw .engine(error)
        }
    }
}

/// Logistic alone, k-NN alone and the calibrated combination, measured on the same rows.
public struct ComparisonReport: Sendable, Equatable {
    public var logistic: ClassificationMetrics
    public var nearestNeighbors: ClassificationMetrics
    public var combined: ClassificationMetrics
}

import Foundation
