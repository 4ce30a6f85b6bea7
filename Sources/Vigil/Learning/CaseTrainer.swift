import Foundation
import VigilEngine

/// Learns from closed cases: correlates closed findings into incidents, labels each from
/// its analysts' verdicts, featurizes, fits the logistic model on a training split, indexes
/// the training incidents as precedents, and fits and measures the confidence blend on the
/// held-out split.
///
/// Labels (OCSF Incident profile `verdict_id`): an incident with any true-positive
/// finding (2) is positive; one whose verdicts are all false positive (1) or benign (5) is
/// negative; incidents with only other verdicts (disregard, test, insufficient data,
/// duplicate, none) are left out and counted.
public struct CaseTrainer: Sendable {
    public var featurizer: Featurizer
    public var correlationWindowMs: Int64 = 30 * 60 * 1000
    /// Share of labelled incidents held out (by a hash of the incident id, so the split is
    /// stable across runs and machines).
    public var heldOutFraction: Double = 0.2
    public var l2: Float = 1e-4
    /// Precedents consulted per incident.
    public var k: Int = 5
    /// An entity named by at least this many closed findings, or by 0.5% of them if
    /// that is more, counts as common (see `Result.commonEntities`).
    public var commonEntityFindings = 20

    public init(featurizer: Featurizer) { self.featurizer = featurizer }

    /// Everything a training run produced.
    public struct Result: Sendable {
        public var model: ConfidenceModel
        public var precedents: PrecedentIndex
        public var cases: [PrecedentCase]
        public var report: ComparisonReport
        public var optimiser: LogisticTrainer.Report
        public var trainingIncidents: Int
        public var heldOutIncidents: Int
        public var unlabelledIncidents: Int
        public var dataSHA256: String
        /// Entities named by many closed findings (at least `commonEntityFindings`): too
        /// common to link alerts into incidents.
        public var commonEntities: [EntityKey]
        /// Labelled incidents of the test set (0 without one).
        public var testIncidents: Int
        /// SHA-256 over the test findings (nil without a test set).
        public var testSHA256: String?
        /// Where `report` was measured: "held-out split" or "test file <name>".
        public var measuredOn: String
        public var seconds: Double
    }

    /// Trains on `alerts` (closed findings carrying `verdictID`); `actions` maps a finding
    /// uid to the response recorded on it.
    ///
    /// Without `test`, the held-out incidents are split alternately: half fit the
    /// confidence blend, half measure it. With `test` (closed findings from another file,
    /// named `testName`), all held-out incidents fit the blend and the report is measured
    /// on every labelled incident of the test set.
    /// - Throws: `.invalidConfiguration` when too few labelled incidents remain or a split
    ///   has one class; `.engine` from the kernels.
    public func train(_ alerts: [Alert], actions: [String: String] = [:], test: [Alert]? = nil,
                      testName: String = "test set") throws(VigilError) -> Result {
        let start = ContinuousClock.now
        let (labelled, unlabelled) = try Self.labelledIncidents(alerts, actions: actions, windowMs: correlationWindowMs)
        guard labelled.count >= 50 else {
            throw .invalidConfiguration(file: "training data", location: "cases", reason: "\(labelled.count) labelled incidents (need at least 50); \(unlabelled) had no usable verdict")
        }
        var prevalence: [EntityKey: Int] = [:]
        for alert in alerts { for e in Set(alert.entities) { prevalence[e, default: 0] += 1 } }
        let threshold = max(commonEntityFindings, alerts.count / 200)
        let common = prevalence.filter { $0.value >= threshold && $0.key.kind != .host && $0.key.kind != .user }.keys.sorted()
        let dataHash = Self.sha256(alerts)

        let isHeldOut = labelled.map { Self.stableFraction($0.0.id) < heldOutFraction }
        let train = labelled.indices.filter { !isHeldOut[$0] }, heldOut = labelled.indices.filter { isHeldOut[$0] }
        let (trainX, _) = try featurizer.vectors(for: train.map { labelled[$0].0 })
        let (heldOutX, _) = try featurizer.vectors(for: heldOut.map { labelled[$0].0 })
        let trainY = train.map { labelled[$0].1 }, heldOutY = heldOut.map { labelled[$0].1 }
        let tested = try test.map { (alerts) throws(VigilError) in try Self.labelledIncidents(alerts, actions: [:], windowMs: correlationWindowMs).0 }
        do {
            let (logistic, optimiser) = try LogisticTrainer(l2: l2).fit(trainX, labels: trainY, featureSchemaID: featurizer.schema.id)
            var precedents = PrecedentIndex(dimension: featurizer.schema.width)
            try precedents.append(trainX, ids: train.map { labelled[$0].2.incidentID }, labels: train.map { Int32(labelled[$0].2.verdictID) })
            let (model, report): (ConfidenceModel, ComparisonReport)
            if let tested {
                let (testX, _) = try featurizer.vectors(for: tested.map(\.0))
                (model, report) = try ConfidenceModel.fit(logistic: logistic, k: k, blendOn: heldOutX, labels: heldOutY,
                                                          measureOn: testX, labels: tested.map(\.1), precedents: precedents)
            } else {
                (model, report) = try ConfidenceModel.fit(logistic: logistic, k: k, heldOut: heldOutX, labels: heldOutY, precedents: precedents)
            }
            return Result(model: model, precedents: precedents, cases: train.map { labelled[$0].2 }, report: report, optimiser: optimiser,
                          trainingIncidents: train.count, heldOutIncidents: heldOut.count, unlabelledIncidents: unlabelled,
                          dataSHA256: dataHash, commonEntities: common, testIncidents: tested?.count ?? 0,
                          testSHA256: test.map(Self.sha256), measuredOn: test == nil ? "held-out split" : "test file \(testName)",
                          seconds: (ContinuousClock.now - start).seconds)
        } catch let error as EngineError {
            throw .engine(error)
        } catch let error as VigilError {
            throw error
        } catch {
            throw .invalidConfiguration(file: "training data", location: "training", reason: "\(error)")
        }
    }

    /// Correlates closed findings into incidents and labels each from its verdicts (see
    /// the type's summary); returns the labelled ones with their precedent metadata and
    /// the number left unlabelled.
    static func labelledIncidents(_ alerts: [Alert], actions: [String: String],
                                  windowMs: Int64) throws(VigilError) -> ([(Incident, Float, PrecedentCase)], Int) {
        var correlator = try Correlator(windowMs: windowMs)
        let incidents = correlator.add(alerts) + correlator.finish()
        var labelled: [(Incident, Float, PrecedentCase)] = []
        var unlabelled = 0
        for incident in incidents {
            let verdicts = incident.alerts.compactMap(\.verdictID)
            let label: Float
            let verdict: Int
            if verdicts.contains(2) { (label, verdict) = (1, 2) }
            else if let first = verdicts.first(where: { $0 == 1 || $0 == 5 }), verdicts.allSatisfy({ [1, 5, 3, 6, 7, 10, 0, 99].contains($0) }) { (label, verdict) = (0, first) }
            else { unlabelled += 1; continue }
            let action = incident.alerts.compactMap { actions[$0.uid] }.first
            labelled.append((incident, label, PrecedentCase(incidentID: incident.id, title: incident.alerts[0].title, verdictID: verdict,
                                                            actionTaken: action, lastSeenMs: incident.lastMs)))
        }
        return (labelled, unlabelled)
    }

    /// SHA-256 over the findings' uid, verdict and time, in uid order.
    static func sha256(_ alerts: [Alert]) -> String {
        var hasher = SHA256()
        for alert in alerts.sorted(by: { $0.uid < $1.uid }) { hasher.update("\(alert.uid)|\(alert.verdictID ?? -1)|\(alert.timeMs)\n") }
        return hasher.hexDigest()
    }

    /// A value in [0, 1) from the SHA-256 of `id`: the same on every run and machine.
    static func stableFraction(_ id: String) -> Double {
        let hex = SHA256.hex(id).prefix(13)
        return Double(UInt64(hex, radix: 16)!) / Double(1 << 52)
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) * 1e-18
    }
}
