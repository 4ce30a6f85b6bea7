import Foundation
import Testing
@testable import Vigil
import VigilEngine
import _VigilTestSupport

/// Reads every record of `text` with blocks of `blockBytes`.
private func records(_ text: String, blockBytes: Int = 1 << 20, maxRecordBytes: Int = 16 << 20) throws -> [CSVRow] {
    let path = try TabularFixture.write(text, name: "rows.csv")
    let reader = try CSVRowReader(path: path, blockBytes: blockBytes, maxRecordBytes: maxRecordBytes)
    var out: [CSVRow] = []
    while let row = try reader.next() { out.append(row) }
    return out
}

struct CSVRowReaderTests {
    static let tricky = "\u{FEFF}a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n\r\n2,\"two\nlines\",z\n3,,\n4,last,\"\""

    @Test(arguments: [4, 5, 7, 8, 9, 31, 1 << 20])
    func quotingLineEndsAndLineNumbersAtAnyBlockSize(blockBytes: Int) throws {
        let rows = try records(Self.tricky, blockBytes: blockBytes)
        #expect(rows.map(\.fields) == [["a", "b", "c"], ["1", "x, y", "say \"hi\""], ["2", "two\nlines", "z"], ["3", "", ""], ["4", "last", ""]])
        #expect(rows.map(\.line) == [1, 2, 4, 6, 7], "the blank line is skipped but counted; the quoted line break moves the next record")
        #expect(rows.map(\.index) == [0, 1, 2, 3, 4])
        #expect(rows[1].text == "1,\"x, y\",\"say \"\"hi\"\"\"", "the record text keeps its quoting, without the CRLF")
        #expect(rows.allSatisfy { $0.syntaxError == nil })
    }

    @Test func aBadRecordIsReportedAndReadingGoesOn() throws {
        let rows = try records("a,b\n1,\"x\"y\n2,ok\n3,un\"quoted\n4,fine\n")
        #expect(rows.count == 5)
        #expect(rows[1].syntaxError?.line == 2)
        #expect(rows[1].syntaxError?.reason.contains("closing quote") == true)
        #expect(rows[3].syntaxError?.line == 4)
        #expect(rows[2].fields == ["2", "ok"])
        #expect(rows[4].fields == ["4", "fine"])
    }

    @Test func anUnclosedQuoteIsCutAtTheRecordLimit() throws {
        let rows = try records("a,b\n1,\"never closed\n2,x\n3,y\n", blockBytes: 8, maxRecordBytes: 12)
        #expect(rows[1].syntaxError?.line == 2)
        #expect(rows[1].syntaxError?.reason.contains("longer than 12 bytes") == true)
        #expect(rows.count == 4)
        #expect(rows.dropFirst(2).map(\.fields) == [["2", "x"], ["3", "y"]], "the lines the open quote swallowed are read again")
        #expect(rows.last?.line == 4)
    }

    @Test func emptyAndHeaderOnlyFiles() throws {
        #expect(try records("").isEmpty)
        #expect(try records("\n\n").isEmpty)
        #expect(try records("a,b").map(\.fields) == [["a", "b"]])
    }
}

struct BinaryLabelTests {
    @Test(arguments: ["1", "true", "YES", " yes ", "true positive", "True_Positive", "true-positive", "TRUE  POSITIVE"])
    func positives(text: String) { #expect(BinaryLabel(text) == .positive) }

    @Test(arguments: ["0", "false", "No", "false positive", "False_Positive", "benign", "Benign"])
    func negatives(text: String) { #expect(BinaryLabel(text) == .negative) }

    @Test(arguments: ["maybe", "2", "1.0", "-1", "positive", "malicious"])
    func otherWordsAreRejected(text: String) throws {
        guard case let .rejected(reason) = BinaryLabel(text) else { Issue.record("accepted '\(text)'"); return }
        #expect(reason.contains("'\(text)' is not a label"))
    }

    @Test(arguments: ["disregard", "Suspicious", "unknown", "insufficient_data", "duplicate", "other"])
    func verdictsWithoutALabelAreRejectedAsSuch(text: String) throws {
        guard case let .rejected(reason) = BinaryLabel(text) else { Issue.record("accepted '\(text)'"); return }
        #expect(reason.contains("carries no label"))
    }

    @Test func emptyIsRejected() { #expect(BinaryLabel("  ") == .rejected(reason: "empty label")) }
}

struct TabularSchemaTests {
    /// Header and rows of a small table: `n` numeric, `c` 3-value categorical, `h` many values, `id` unique, `e` always empty.
    static func table(_ count: Int) -> (header: [String], rows: [[String]], labels: [Float], folds: [Int]) {
        var random = TestRandom(seed: 5)
        let header = ["id", "n", "c", "h", "e", "y"]
        var rows: [[String]] = [], labels: [Float] = []
        for i in 0..<count {
            let h = "v\(random.int(0..<100))"
            rows.append(["row\(i)", i % 10 == 0 ? "" : "\(Int(pow(10, Double(random.float(0, 6)))))", ["a", "b", "c"][i % 3], h, "", "0"])
            labels.append(i % 4 == 0 ? 1 : 0)
        }
        return (header, rows, labels, rows.indices.map { $0 % TabularSchema.labelRateFolds })
    }

    static func fit(_ count: Int = 400, options: TabularOptions = TabularOptions()) throws -> (TabularSchema, TabularFeaturizer.TrainingStatistics) {
        let t = table(count)
        return try TabularSchema.fitted(header: t.header, rows: t.rows, labels: t.labels, folds: t.folds, labelColumn: "y", options: options, source: "t.csv")
    }

    @Test func rolesFromTheCells() throws {
        let (schema, _) = try Self.fit()
        let roles = Dictionary(uniqueKeysWithValues: schema.columns.map { ($0.name, $0.role) })
        #expect(roles == ["id": .ignored, "n": .numeric, "c": .categorical, "h": .hashed, "e": .ignored])
        #expect(schema.columns.first { $0.name == "n" }?.missingRows == 40)
        #expect(schema.columns.first { $0.name == "c" }?.vocabulary == ["a", "b", "c"])
        #expect(schema.width == TabularOptions.defaultWidth)
        #expect(schema.id.hasPrefix("vigil-tabular-v1-w256-"))
        try schema.validate(file: "m.json")
        // The hashed column takes everything the others leave.
        let h = try #require(schema.columns.first { $0.name == "h" })
        #expect(h.offset + h.width == schema.width)
        #expect((80...100).contains(h.counts?.count ?? 0), "values seen twice or more are kept")
        #expect(h.counts?.values.allSatisfy { $0 >= 2 } == true)
    }

    @Test func optionsOverrideRoles() throws {
        let (schema, _) = try Self.fit(options: TabularOptions(width: 64, categorical: ["n", "id"], ignored: ["h"]))
        let roles = Dictionary(uniqueKeysWithValues: schema.columns.map { ($0.name, $0.role) })
        #expect(roles["n"] == .hashed, "a forced-categorical numeric column with many values is hashed")
        #expect(roles["id"] == .hashed, "a forced-categorical identifier is kept")
        #expect(roles["h"] == .ignored)
        #expect(schema.width == 64)
    }

    @Test func badOptionsAndHeadersNameTheProblem() throws {
        let t = Self.table(50)
        func fit(_ header: [String], _ options: TabularOptions = TabularOptions()) throws {
            _ = try TabularSchema.fitted(header: header, rows: t.rows, labels: t.labels, folds: t.folds, labelColumn: "y", options: options, source: "t.csv")
        }
        #expect(throws: VigilError.invalidConfiguration(file: "t.csv", location: "--ignore", reason: "no column 'nope' in the header")) {
            try fit(t.header, TabularOptions(ignored: ["nope"]))
        }
        #expect(throws: VigilError.invalidConfiguration(file: "t.csv", location: "header", reason: "column 'n' appears twice")) {
            try fit(["id", "n", "n", "h", "e", "y"])
        }
        #expect(throws: VigilError.invalidConfiguration(file: "t.csv", location: "options", reason: "column 'n' is given two roles")) {
            try fit(t.header, TabularOptions(categorical: ["n"], numeric: ["n"]))
        }
        do {
            try fit(t.header, TabularOptions(width: 12))
            Issue.record("a 12-wide schema was accepted")
        } catch let VigilError.invalidConfiguration(_, location, reason) {
            #expect(location == "--width")
            #expect(reason.contains("need at least"))
        }
    }

    @Test func survivesAJSONRoundTripAndRefusesEdits() throws {
        let (schema, _) = try Self.fit()
        let data = try JSONEncoder().encode(schema)
        let decoded = try JSONDecoder().decode(TabularSchema.self, from: data)
        #expect(decoded == schema)
        try decoded.validate(file: "m.json")
        let edited = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"vocabulary\":[\"a\",\"b\",\"c\"]", with: "\"vocabulary\":[\"a\",\"c\",\"b\"]")
        let tampered = try JSONDecoder().decode(TabularSchema.self, from: Data(edited.utf8))
        #expect(tampered != schema)
        #expect(throws: VigilError.self) { try tampered.validate(file: "m.json") }
    }

    @Test func namesExplainEachFeature() throws {
        let (schema, _) = try Self.fit()
        let n = try #require(schema.columns.first { $0.name == "n" }), c = try #require(schema.columns.first { $0.name == "c" })
        let h = try #require(schema.columns.first { $0.name == "h" })
        #expect(schema.name(ofColumn: n.offset) == "n (log-scaled)")
        #expect(schema.name(ofColumn: n.offset + 1) == "n empty")
        #expect(schema.name(ofColumn: c.offset + 1) == "c = a")
        #expect(schema.name(ofColumn: c.offset + 4) == "c = other value")
        #expect(schema.name(ofColumn: h.offset + 2) == "h label rate in training")
        #expect(schema.name(ofColumn: h.offset + 3) == "h (hashed bucket 0)")
    }
}

struct TabularFeaturizerTests {
    static func vector(_ featurizer: TabularFeaturizer, _ fields: [String], fold: Int? = nil) -> ([Float], TabularFeaturizer.Fault?) {
        var out = [Float](repeating: .nan, count: featurizer.schema.width)
        let fault = out.withUnsafeMutableBufferPointer { featurizer.featurize(fields, into: $0, trainingFold: fold) }
        return (out, fault)
    }

    @Test func numericCellsAreLogScaledAndStandardised() throws {
        let (schema, _) = try TabularSchemaTests.fit()
        let featurizer = try TabularFeaturizer(schema: schema, header: TabularSchemaTests.table(1).header, source: "s.csv")
        let n = try #require(schema.columns.first { $0.name == "n" })
        let (v, fault) = Self.vector(featurizer, ["x", "999", "a", "v1", "", "1"])
        #expect(fault == nil)
        let expected = (log1p(999.0) - n.mean!) / n.sd!
        #expect(abs(Double(v[n.offset]) - expected) < 1e-5)
        #expect(v[n.offset + 1] == 0)
        #expect(abs(TabularColumn.signedLog(-999) + log1p(999)) < 1e-12, "negative values keep their sign")
        // An empty cell is the missing indicator, not zero-as-a-value.
        let (empty, _) = Self.vector(featurizer, ["x", "", "a", "v1", "", "1"])
        #expect(empty[n.offset] == 0 && empty[n.offset + 1] == 1)
        #expect(empty.allSatisfy { $0.isFinite })
    }

    @Test(arguments: [("nan", "n", RejectReason.nonFiniteNumber), ("inf", "n", .nonFiniteNumber), ("-Infinity", "n", .nonFiniteNumber),
                      ("12 apples", "n", .invalidValue)])
    func badNumericCellsAreFaultsNamingTheColumn(cell: String, field: String, kind: RejectReason) throws {
        let (schema, _) = try TabularSchemaTests.fit()
        let featurizer = try TabularFeaturizer(schema: schema, header: TabularSchemaTests.table(1).header, source: "s.csv")
        let (_, fault) = Self.vector(featurizer, ["x", cell, "a", "v1", "", "1"])
        #expect(fault?.field == field)
        #expect(fault?.kind == kind)
    }

    @Test func wrongFieldCountIsAFault() throws {
        let (schema, _) = try TabularSchemaTests.fit()
        let featurizer = try TabularFeaturizer(schema: schema, header: TabularSchemaTests.table(1).header, source: "s.csv")
        #expect(Self.vector(featurizer, ["x", "1"]).1 == TabularFeaturizer.Fault(field: "$", kind: .invalidValue, reason: "row has 2 fields, the header has 6"))
    }

    @Test func columnsAreFoundByNameAndUnseenValuesHandled() throws {
        let (schema, _) = try TabularSchemaTests.fit()
        let a = try TabularFeaturizer(schema: schema, header: ["id", "n", "c", "h", "e", "y"], source: "a.csv")
        let b = try TabularFeaturizer(schema: schema, header: ["h", "extra", "c", "n"], source: "b.csv")
        #expect(Self.vector(a, ["x", "42", "b", "v7", "", "0"]).0 == Self.vector(b, ["v7", "?", "b", "42"]).0)
        let c = try #require(schema.columns.first { $0.name == "c" }), h = try #require(schema.columns.first { $0.name == "h" })
        let (unseen, _) = Self.vector(b, ["never-seen", "", "zzz", "1"])
        #expect(unseen[c.offset + 4] == 1, "a value outside the vocabulary is 'other'")
        #expect(unseen[h.offset + 2] == 0, "an unseen value has the base rate")
        #expect(unseen[(h.offset + 3)..<(h.offset + h.width)].allSatisfy { $0 == 0 }, "and no bucket")
        #expect(throws: VigilError.invalidConfiguration(file: "c.csv", location: "header", reason: "column 'h' (hashed in \(schema.id)) is missing")) {
            _ = try TabularFeaturizer(schema: schema, header: ["id", "n", "c"], source: "c.csv")
        }
    }

    @Test func trainingRowsLeaveThemselvesOut() throws {
        let (schema, statistics) = try TabularSchemaTests.fit()
        let featurizer = try TabularFeaturizer(schema: schema, header: TabularSchemaTests.table(1).header, source: "t.csv", training: statistics)
        let h = try #require(schema.columns.first { $0.name == "h" })
        let row = ["x", "5", "a", "v3", "", "1"]
        let (scoring, _) = Self.vector(featurizer, row), (training, _) = Self.vector(featurizer, row, fold: 0)
        let count = try #require(h.counts?["v3"])
        #expect(abs(Double(scoring[h.offset + 1]) - (log1p(Double(count)) - h.rarityMean!) / h.raritySD!) < 1e-5)
        #expect(abs(Double(training[h.offset + 1]) - (log1p(Double(count - 1)) - h.rarityMean!) / h.raritySD!) < 1e-5)
        let own = statistics.folds["h"]![0]["v3"] ?? TabularFeaturizer.ValueStatistics()
        let expected = TabularColumn.labelRate(count: count - own.count, positives: (h.positives?["v3"] ?? 0) - own.positives, prior: h.prior!)
        #expect(abs(Double(training[h.offset + 2]) - expected) < 1e-5)
    }

    @Test func signedHashingIsStableAndBalanced() {
        var positive = 0
        var used = Set<Int>()
        for i in 0..<10_000 {
            let (b, sign) = TabularColumn.bucket(column: "user", value: "user\(i)", buckets: 61)
            #expect(b >= 0 && b < 61)
            used.insert(b)
            if sign > 0 { positive += 1 }
        }
        #expect(used.count == 61)
        #expect(abs(positive - 5000) < 300, "signs are balanced: \(positive) of 10000 positive")
        #expect(TabularColumn.bucket(column: "user", value: "alice", buckets: 97) == TabularColumn.bucket(column: "user", value: "alice", buckets: 97))
        #expect(TabularColumn.bucket(column: "user", value: "alice", buckets: 1 << 20) != TabularColumn.bucket(column: "host", value: "alice", buckets: 1 << 20),
                "the column name is part of the hash")
    }
}

struct TabularTrainerTests {
    @Test func trainsRejectsMeasuresAndScoresTheSameAfterReloading() throws {
        let text = TabularFixture.csv(rows: 4000, seed: 3) + TabularFixture.badTrainingRows.map(\.text).joined(separator: "\n") + "\n"
        let path = try TabularFixture.write(text, name: "train.csv")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let rejects = RejectWriter()
        let result = try TabularTrainer(labelColumn: "verdict").train(csv: path, rejects: rejects)

        // Every bad row is rejected once, at its line, naming its column.
        let firstBadLine = 4002
        #expect(rejects.collected.count == TabularFixture.badTrainingRows.count)
        let byLine = Dictionary(uniqueKeysWithValues: rejects.collected.map { ($0.line, $0.field) })
        for (i, bad) in TabularFixture.badTrainingRows.enumerated() { #expect(byLine[firstBadLine + i] == bad.field, "line \(firstBadLine + i)") }
        #expect(result.rejectedRows == TabularFixture.badTrainingRows.count)
        #expect(result.trainingRows + result.heldOutRows == 4000)
        #expect(abs(Double(result.heldOutRows) / 4000 - 0.2) < 0.03)

        #expect(result.report.logistic.auc > 0.75, "\(result.report.logistic)")
        #expect(result.report.combined.expectedCalibrationError < 0.1)
        #expect(result.optimiser.converged)
        #expect(result.schema.columns.first { $0.name == "event_id" }?.role == .ignored)
        #expect(result.schema.columns.first { $0.name == "user" }?.role == .hashed)
        #expect(result.schema.columns.first { $0.name == "bytes_out" }?.role == .numeric)
        #expect(result.dataSHA256.count == 64)
        #expect(result.measuredOn == "held-out split")

        let modelPath = (path as NSString).deletingLastPathComponent + "/model.json"
        try ModelFile.write(result, to: modelPath)
        let loaded = try ModelFile.load(from: modelPath)
        #expect(loaded.file.tabular == result.schema)
        #expect(loaded.file.featureSchema == result.schema.id)
        #expect(loaded.file.metrics["logistic"]?.auc == result.report.logistic.auc)
        #expect(loaded.file.rejectedRows == TabularFixture.badTrainingRows.count)
        #expect(loaded.precedents.count == result.precedents.count)

        // Scoring the training file again: the same probabilities as the model on freshly
        // featurized rows; the bad rows are rejected (only those with bad features).
        for signal in ScoringSignal.allCases {
            let scorer = try TabularScorer(loaded, modelPath: modelPath, signal: signal)
            let out = (path as NSString).deletingLastPathComponent + "/p-\(signal).npy"
            let scoreRejects = RejectWriter()
            let summary = try scorer.score(csv: path, output: out, rejects: scoreRejects, batchRows: 333)
            #expect(summary.rows == 4000 + TabularFixture.badTrainingRows.count)
            #expect(Set(scoreRejects.collected.map(\.field)) == ["bytes_out", "$"])
            let p = try NpyVector.read(from: out, requireFinite: false)
            #expect(p.count == summary.rows)
            #expect(p.filter { $0.isNaN }.count == summary.rejected)
            let featurizer = try TabularFeaturizer(schema: result.schema, header: TabularFixture.header.components(separatedBy: ","), source: path)
            let rows = TabularFixture.csv(rows: 4000, seed: 3).split(separator: "\n").dropFirst().map { String($0).components(separatedBy: ",") }
            let firstRows = try FeatureMatrix(rows: rows.prefix(10).filter { !$0.joined().contains("\"") }.map { TabularFeaturizerTests.vector(featurizer, $0).0 })
            let expected = signal == .logistic ? try result.model.logistic.scores(firstRows)
                : try result.model.assess(firstRows, precedents: result.precedents).assessments.map(\.confidence)
            let plain = rows.prefix(10).enumerated().filter { !$0.element.joined().contains("\"") }.map(\.offset)
            #expect(zip(plain.map { p[$0] }, expected).allSatisfy { abs($0 - $1) < 1e-5 }, "\(plain.map { p[$0] }) vs \(expected)")
        }
    }

    @Test func aTestFileIsMeasuredInstead() throws {
        let train = try TabularFixture.write(TabularFixture.csv(rows: 3000, seed: 4), name: "train.csv")
        let test = try TabularFixture.write(TabularFixture.csv(rows: 1000, seed: 5), name: "test.csv")
        let result = try TabularTrainer(labelColumn: "verdict").train(csv: train, test: test, rejects: RejectWriter())
        #expect(result.testRows == 1000)
        #expect(result.report.logistic.count == 1000, "every test row is measured")
        #expect(result.measuredOn == "test file \(test)")
        #expect(result.testSHA256?.count == 64)
        #expect(result.report.logistic.auc > 0.75)
    }

    @Test func refusesAFileWithoutTheLabelOrEnoughRows() throws {
        let path = try TabularFixture.write(TabularFixture.csv(rows: 30, seed: 6), name: "small.csv")
        #expect(throws: VigilError.self) { try TabularTrainer(labelColumn: "verdict").train(csv: path, rejects: RejectWriter()) }
        #expect(throws: VigilError.invalidConfiguration(file: path, location: "header", reason: "no label column 'label' (columns: \(TabularFixture.header.replacingOccurrences(of: ",", with: ", ")))")) {
            try TabularTrainer(labelColumn: "label").train(csv: path, rejects: RejectWriter())
        }
    }

    @Test func anIncidentModelIsNotATabularOne() throws {
        let folder = NSTemporaryDirectory() + "vigil-model-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let schema = try FeatureSchema()
        let result = try CaseTrainer(featurizer: Featurizer(schema: schema)).train(closedCases(1500, seed: 2))
        try ModelFile.write(result, schema: schema, to: folder + "/model.json")
        let json = try String(contentsOfFile: folder + "/model.json", encoding: .utf8)
        #expect(!json.contains("\"tabular\""), "incident models keep the keys they always had")
        #expect(throws: VigilError.self) { try TabularScorer(ModelFile.load(from: folder + "/model.json"), modelPath: "m") }
    }

    @Test func incidentTrainingMeasuresOnATestSetWhenGiven() throws {
        let trainer = CaseTrainer(featurizer: Featurizer(schema: try FeatureSchema()))
        let test = closedCases(800, seed: 9)
        let result = try trainer.train(closedCases(2000, seed: 8), test: test, testName: "closed-test.ndjson")
        #expect(result.measuredOn == "test file closed-test.ndjson")
        #expect(result.testIncidents > 600)
        #expect(result.report.combined.count == result.testIncidents)
        #expect(result.report.logistic.auc > 0.7)
    }

    @Test(arguments: [(0, 5), (3, 5), (5, 5), (10, 5), (7, 3)])
    func evenStrideKeepsAtMostTheLimit(count: Int, keep: Int) {
        let kept = TabularTrainer.evenStride(count: count, keep: keep)
        #expect(kept.count == min(count, keep))
        #expect(Set(kept).count == kept.count && kept.allSatisfy { $0 < count })
    }
}
