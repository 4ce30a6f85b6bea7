import Foundation
import Testing
import _VigilTestSupport

/// The `vigil` executable as users run it, in a subprocess, on small generated files.
///
/// The executable is the one built beside this test bundle (`swift build --build-tests`
/// builds both into the same products folder); `VIGIL_EXECUTABLE` overrides it.
enum VigilProcess {
    static let executable: String? = {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["VIGIL_EXECUTABLE"] { return path }
        let candidates = [URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, CommandLine.arguments.first ?? "",
                          Bundle.main.bundlePath, Bundle.main.executablePath ?? ""]
        for candidate in candidates where !candidate.isEmpty {
            var folder = URL(fileURLWithPath: candidate)
            for _ in 0..<4 {
                folder.deleteLastPathComponent()
                let path = folder.appendingPathComponent("vigil").path
                var isFolder: ObjCBool = false
                if fm.isExecutableFile(atPath: path), fm.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue { return path }
            }
        }
        return nil
    }()

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `vigil arguments…` to completion; output goes through files, so a chatty run
    /// cannot fill a pipe and stall.
    static func run(_ arguments: [String]) throws -> Outcome {
        let path = try #require(executable, "no vigil executable beside the test bundle; build it (swift build) or set VIGIL_EXECUTABLE")
        let folder = NSTemporaryDirectory() + "vigil-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: folder + "/err", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/out"))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/err"))
        try process.run()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: try String(contentsOfFile: folder + "/out", encoding: .utf8),
                       stderr: try String(contentsOfFile: folder + "/err", encoding: .utf8))
    }
}

/// Reject-file lines as (line, field) pairs.
private func rejects(at path: String) throws -> [(line: Int, field: String)] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { text in
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return (try #require(object["line"] as? Int), try #require(object["field"] as? String))
    }
}

struct TrainAndScoreCSVTests {
    @Test func trainThenScoreRoundTrip() throws {
        let train = try TabularFixture.write(TabularFixture.csv(rows: 3000, seed: 11) + TabularFixture.badTrainingRows.map(\.text).joined(separator: "\n") + "\n",
                                             name: "train.csv")
        let folder = (train as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let test = folder + "/test.csv"
        try TabularFixture.csv(rows: 800, seed: 12).write(toFile: test, atomically: true, encoding: .utf8)

        let trained = try VigilProcess.run(["train", "--csv", train, "--label", "verdict", "--out", folder + "/model.json", "--test", test])
        #expect(trained.status == 0, "\(trained.stderr)")
        for part in ["logistic alone", "k-NN alone", "combined", "AUC", "Brier", "ECE", "tabular schema vigil-tabular-v1-", "user: frequency, label rate",
                     "measured on \(test)", "7 rejected → \(folder)/model.rejects.ndjson"] {
            #expect(trained.stdout.contains(part), "train output lacks '\(part)':\n\(trained.stdout)")
        }
        let model = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model.json"))) as? [String: Any])
        let tabular = try #require(model["tabular"] as? [String: Any])
        #expect(model["feature_schema"] as? String == tabular["id"] as? String)
        #expect((model["training_data_sha256"] as? String)?.count == 64)
        #expect(model["measured_on"] as? String == "test file \(test)")
        #expect(model["test_cases"] as? Int == 800)
        #expect((model["metrics"] as? [String: Any])?.keys.sorted() == ["combined", "knn", "logistic"])
        #expect(try rejects(at: folder + "/model.rejects.ndjson").map(\.line) == Array(3002..<(3002 + TabularFixture.badTrainingRows.count)))

        // Score a file with its columns in another order, no label, and some bad rows.
        var lines = TabularFixture.csv(rows: 500, seed: 13).split(separator: "\n").map(String.init)
        let good = lines.count - 1
        lines.append(contentsOf: TabularFixture.badScoringRows.map(\.text))
        let scoreFile = folder + "/score.csv"
        try lines.joined(separator: "\r\n").write(toFile: scoreFile, atomically: true, encoding: .utf8)
        let scored = try VigilProcess.run(["score", "--model", folder + "/model.json", "--csv", scoreFile, "--out", folder + "/p.csv"])
        #expect(scored.status == 0, "\(scored.stderr)")
        #expect(scored.stdout.contains("scored \(good) of \(good + TabularFixture.badScoringRows.count) rows"), "\(scored.stdout)")
        #expect(scored.stderr.contains("score.csv:\(good + 2): bytes_out: nan is not a finite number"), "\(scored.stderr)")
        let output = try String(contentsOfFile: folder + "/p.csv", encoding: .utf8).split(separator: "\n")
        #expect(output.first == "row,line,probability")
        #expect(output.count == good + 1)
        let probabilities = output.dropFirst().map { Double($0.split(separator: ",")[2])! }
        #expect(probabilities.allSatisfy { $0 >= 0 && $0 <= 1 })
        #expect(output[1].hasPrefix("1,2,"))
        let scoreRejects = try rejects(at: folder + "/p.csv.rejects.ndjson")
        #expect(scoreRejects.map(\.line) == Array((good + 2)..<(good + 2 + TabularFixture.badScoringRows.count)))
        #expect(scoreRejects.map(\.field) == TabularFixture.badScoringRows.map(\.field))

        // The same scores as .npy, NaN where a row was rejected.
        let npy = try VigilProcess.run(["score", "--model", folder + "/model.json", "--csv", scoreFile, "--out", folder + "/p.npy",
                                        "--rejects", folder + "/r.ndjson"])
        #expect(npy.status == 0, "\(npy.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/p.npy"))
        let count = good + TabularFixture.badScoringRows.count
        let values = bytes.suffix(count * 4).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(values.count == count)
        #expect(zip(values.prefix(good), probabilities).allSatisfy { abs(Double($0) - $1) < 1e-6 })
        #expect(values.suffix(TabularFixture.badScoringRows.count).allSatisfy { $0.isNaN })
    }

    @Test func aModelWithoutATabularSchemaCannotScoreCSV() throws {
        let path = try TabularFixture.write("{\"format\":\"nope\"}", name: "model.json")
        let csv = try TabularFixture.write(TabularFixture.csv(rows: 5, seed: 1), name: "x.csv")
        let outcome = try VigilProcess.run(["score", "--model", path, "--csv", csv])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains(path))
    }
}

struct UsageTests {
    @Test(arguments: [
        (["train", "--csv", "x.csv"], "missing required option --label"),
        (["train", "--csv", "x.csv", "--alerts", "y.ndjson", "--label", "y"], "give exactly one of --alerts"),
        (["train", "--csv", "x.csv", "--label", "y", "--width", "lots"], "--width must be an integer"),
        (["train", "--csv", "x.csv", "--label", "y", "--assets", "a.csv"], "unknown option --assets"),
        (["score", "--csv", "x.csv", "--weights", "w.npy"], "--csv needs --model"),
        (["score", "--model", "m.json", "--csv", "x.csv", "--npy", "x.npy"], "give exactly one of --npy"),
        (["score", "--model", "m.json", "--csv", "x.csv", "--signal", "best"], "--signal must be logistic or combined"),
        (["score", "--model", "m.json", "--csv"], "option --csv needs a value"),
        (["frobnicate"], "unknown command 'frobnicate'"),
    ])
    func usageErrorsExit2(arguments: [String], message: String) throws {
        let outcome = try VigilProcess.run(arguments)
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(message), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("usage: vigil"))
    }
}

struct PolicyCheckTests {
    @Test func aBadPolicyExits2NamingTheRule() throws {
        let policy = """
        {"version": "1", "owner": "SOC", "approved_by": "CISO", "approved_at": "2026-01-01", "review_by": "2099-01-01",
         "rules": [
           {"name": "fine-rule", "actions": ["block_ip"], "min_confidence": 0.9, "tier": 2},
           {"name": "overconfident-rule", "actions": ["block_ip"], "min_confidence": 1.5, "tier": 1},
           {"name": "made-up-action-rule", "actions": ["launch_missiles"], "tier": 2}
         ]}
        """
        let path = try TabularFixture.write(policy, name: "policy.json")
        let outcome = try VigilProcess.run(["policy", "check", path])
        #expect(outcome.status == 2)
        #expect(outcome.stdout.contains("overconfident-rule"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("made-up-action-rule"), "\(outcome.stdout)")
        #expect(outcome.stdout.contains("launch_missiles"))
    }

    @Test func aValidPolicyExits0() throws {
        let policy = """
        {"version": "1", "owner": "SOC", "approved_by": "CISO", "approved_at": "2026-01-01", "review_by": "2099-01-01",
         "rules": [{"name": "approve-blocks", "actions": ["block_ip"], "min_confidence": 0.6, "tier": 2}]}
        """
        let path = try TabularFixture.write(policy, name: "policy.json")
        let outcome = try VigilProcess.run(["policy", "check", path])
        #expect(outcome.status == 0, "\(outcome.stdout)\(outcome.stderr)")
    }
}
