/// A 0/1 training label read from a CSV cell.
///
/// Accepted (case-insensitive, surrounding blanks ignored): `1`/`0`, `true`/`false`,
/// `yes`/`no`, and the OCSF verdict words that carry a label, written with spaces,
/// underscores or hyphens: `true positive` is 1, `false positive` and `benign` are 0 (as for
/// closed findings' `verdict_id` 2, 1 and 5). Every other value is rejected with a reason;
/// the other verdicts (disregard, suspicious, test, …) say nothing about maliciousness.
public enum BinaryLabel: Sendable, Equatable {
    /// 1: malicious, a true positive.
    case positive
    /// 0: a false positive or benign.
    case negative
    /// The cell is not a label; `reason` says what was expected.
    case rejected(reason: String)

    /// The label as a float (1 or 0), nil when rejected.
    public var value: Float? {
        switch self {
        case .positive: return 1
        case .negative: return 0
        case .rejected: return nil
        }
    }

    /// Reads `text`. O(length of `text`).
    public init(_ text: String) {
        // Verdict words may be written with spaces, underscores or hyphens; numbers are
        // taken as written (so "-1" is not "1").
        let trimmed = text.lowercased().trimmingCharacters(in: .whitespacesAndNewlines)
        var normalized = ""
        for character in trimmed {
            normalized.append(character.isWhitespace || character == "_" || character == "-" ? " " : character)
        }
        let word = trimmed.contains(where: \.isLetter) ? normalized.split(separator: " ").joined(separator: " ") : trimmed
        switch word {
        case "1", "true", "yes", "true positive":
            self = .positive
        case "0", "false", "no", "false positive", "benign":
            self = .negative
        case "":
            self = .rejected(reason: "empty label")
        case "unknown", "disregard", "suspicious", "test", "insufficient data", "security risk", "managed externally", "duplicate", "other":
            self = .rejected(reason: "verdict '\(text)' carries no label (only true positive, false positive and benign do)")
        default:
            self = .rejected(reason: "'\(text)' is not a label: expected 1/0, true/false, yes/no or an OCSF verdict (true positive, false positive, benign)")
        }
    }
}

import Foundation
