/// A command-line failure the tool reports and exits on.
enum CommandError: Error, CustomStringConvertible {
    /// Wrong words on the command line (exit 2, usage printed).
    case usage(String)

    var description: String {
        switch self {
        case let .usage(message): return message
        }
    }
}

/// `--name value` options, each used at most once; anything unknown is an error.
struct Arguments {
    private var values: [String: String] = [:]

    init(_ words: [String]) throws(CommandError) {
        var i = 0
        while i < words.count {
            let word = words[i]
            guard word.hasPrefix("--"), i + 1 < words.count else {
                throw .usage(word.hasPrefix("--") ? "option \(word) needs a value" : "unexpected argument '\(word)'")
            }
            guard values[word] == nil else { throw .usage("option \(word) given twice") }
            values[word] = words[i + 1]
            i += 2
        }
    }

    /// Removes and returns option `name`'s value.
    mutating func take(_ name: String) -> String? { values.removeValue(forKey: name) }

    /// Removes and returns a required option.
    mutating func require(_ name: String) throws(CommandError) -> String {
        guard let v = take(name) else { throw .usage("missing required option \(name)") }
        return v
    }

    /// Removes and parses an integer option within `range`.
    mutating func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws(CommandError) -> Int {
        guard let text = take(name) else { return value }
        guard let v = Int(text), range.contains(v) else { throw .usage("\(name) must be an integer in \(range), got '\(text)'") }
        return v
    }

    /// Removes and parses a finite float option.
    mutating func float(_ name: String, default value: Float) throws(CommandError) -> Float {
        guard let text = take(name) else { return value }
        guard let v = Float(text), v.isFinite else { throw .usage("\(name) must be a finite number, got '\(text)'") }
        return v
    }

    /// Fails if an option was given that the command does not know.
    func finish() throws(CommandError) {
        if let unknown = values.keys.sorted().first { throw .usage("unknown option \(unknown)") }
    }
}
