import Foundation

/// Labelled security-style CSV text for the tabular tests: an identifier, a
/// high-cardinality user column (Zipf-like), a 40-value rule column, a 3-value protocol
/// with empty cells, heavy-tailed byte and login counts, a quoted comment, and the label
/// written in every accepted spelling. The label follows a rule the model can learn
/// (risky rules, large transfers, rare users, ICMP), with noise.
public enum TabularFixture {
    public static let header = "event_id,user,rule,proto,bytes_out,failed_logins,comment,verdict"

    /// `rows` data rows (LF line ends) after the header.
    public static func csv(rows: Int, seed: UInt64) -> String {
        var random = TestRandom(seed: seed)
        var lines = [header]
        lines.reserveCapacity(rows + 1)
        let positives = ["1", "true", "yes", "True Positive", "true_positive"], negatives = ["0", "false", "no", "false positive", "Benign"]
        for i in 0..<rows {
            // Zipf-like: user k with probability ~ 1/k.
            let user = Int(exp(Double(random.float(0, 1)) * log(Double(max(rows / 2, 2)))))
            let rule = random.int(0..<40)
            let proto = random.int(0..<20)
            let bytes = Int(pow(10, Double(random.float(0, 7))))
            let failed = random.int(0..<10) == 0 ? random.int(0..<500) : random.int(0..<3)
            var z = -1.5 + (rule % 5 == 0 ? 2.0 : -0.3) + 0.35 * (log10(Double(bytes)) - 3.5) + (user > rows / 8 ? 0.8 : -0.2)
            z += proto == 0 ? 1.0 : 0
            z += 0.2 * log1p(Double(failed))
            let truth = Double(random.float(0, 1)) < 1 / (1 + exp(-z))
            let words = truth ? positives : negatives
            let protoText = proto == 0 ? "icmp" : proto < 5 ? "udp" : proto == 19 ? "" : "tcp"
            let comment = i % 97 == 0 ? "\"seen on host, \"\"edge\"\"\"" : ""
            lines.append("evt-\(seed)-\(i),user\(user),rule-\(rule),\(protoText),\(bytes),\(failed),\(comment),\(words[i % words.count])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rows a training run must reject, each with the column its reject names.
    public static let badTrainingRows: [(text: String, field: String)] = [
        ("evt-bad-1,user1,rule-1,tcp,nan,3,,1", "bytes_out"),
        ("evt-bad-2,user1,rule-1,tcp,12,3,,maybe", "verdict"),
        ("evt-bad-3,user1,rule-1,tcp,12", "$"),
        ("evt-bad-4,user1,rule-1,tcp,12,3,,disregard", "verdict"),
        ("evt-bad-5,user1,rule-1,tcp,-inf,3,,0", "bytes_out"),
        ("evt-bad-6,user1,\"rule-1\"x,tcp,12,3,,0", "$"),
        ("evt-bad-7,user1,rule-1,tcp,12,3,,", "verdict"),
    ]

    /// Rows a scoring run must reject (the label is not read when scoring), each with the
    /// column its reject names.
    public static let badScoringRows: [(text: String, field: String)] = [
        ("evt-bad-1,user1,rule-1,tcp,nan,3,,1", "bytes_out"),
        ("evt-bad-3,user1,rule-1,tcp,12", "$"),
        ("evt-bad-5,user1,rule-1,tcp,-inf,3,,0", "bytes_out"),
        ("evt-bad-6,user1,rule-1,tcp,12,lots,,0", "failed_logins"),
        ("evt-bad-7,user1,\"rule-1\"x,tcp,12,3,,0", "$"),
    ]

    /// Writes `text` to a new file in a fresh temporary folder and returns its path.
    public static func write(_ text: String, name: String) throws -> String {
        let folder = NSTemporaryDirectory() + "vigil-tabular-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
