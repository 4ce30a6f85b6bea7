import Foundation

/// A problem in a configuration file that does not stop it from loading, but that an
/// owner should fix: a rule that can never fire, automation without a bound, a review
/// date already past.
public struct ConfigurationWarning: Sendable, Equatable, CustomStringConvertible {
    /// The file the warning is about.
    public var file: String
    /// Where in the file, in the same form as `VigilError.invalidConfiguration`'s location
    /// (e.g. `rules[3] 'block-known-hash'`, or `review_by`).
    public var location: String
    /// What is wrong and what it means for decisions.
    public var message: String

    public init(file: String, location: String, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String { "\(file): \(location): \(message)" }
}

/// Everything a configuration loader found: every error (not just the first) and every
/// warning, in file order.
public struct ConfigurationDiagnostics: Sendable, Equatable {
    /// Problems that make the file unusable; each is `VigilError.invalidConfiguration`
    /// (or `.io` when the file could not be read).
    public var errors: [VigilError]
    /// Problems that do not stop the file from loading.
    public var warnings: [ConfigurationWarning]

    public init(errors: [VigilError] = [], warnings: [ConfigurationWarning] = []) {
        self.errors = errors
        self.warnings = warnings
    }

    /// The error a throwing loader reports: the only error, or the first one with every
    /// other one appended to its reason, so one message still lists all problems.
    /// Nil when there are no errors.
    public var combinedError: VigilError? {
        guard let first = errors.first else { return nil }
        guard errors.count > 1, case let .invalidConfiguration(file, location, reason) = first else { return first }
        let rest = errors.dropFirst().map { error -> String in
            if case let .invalidConfiguration(_, location, reason) = error { return "\(location): \(reason)" }
            return error.description
        }
        return .invalidConfiguration(file: file, location: location,
                                     reason: "\(reason); and \(rest.count) more problem\(rest.count == 1 ? "" : "s"): " + rest.joined(separator: "; "))
    }
}

/// The outcome of checking a configuration file: the loaded value when there were no
/// errors, and every error and warning found.
public struct ConfigurationLoad<Value: Sendable>: Sendable {
    /// The loaded value; nil when `diagnostics.errors` is not empty.
    public var value: Value?
    public var diagnostics: ConfigurationDiagnostics

    public init(value: Value?, diagnostics: ConfigurationDiagnostics) {
        self.value = value
        self.diagnostics = diagnostics
    }
}

/// Reads a whole configuration file, refusing anything larger than a configuration file
/// can reasonably be.
func readConfigurationFile(_ path: String) throws(VigilError) -> Data {
    let url = URL(fileURLWithPath: path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .io(path: path, reason: "no such file") }
    guard !isDirectory.boolValue else { throw .io(path: path, reason: "is a directory, not a configuration file") }
    if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber,
       size.intValue > ConfigJSON.maximumSize {
        throw .io(path: path, reason: "file is \(size.intValue) bytes; configuration files are limited to \(ConfigJSON.maximumSize) bytes")
    }
    do {
        return try Data(contentsOf: url)
    } catch {
        throw .io(path: path, reason: "cannot read: \((error as NSError).localizedDescription)")
    }
}

/// Parses `data` as JSON, recording a parse failure as an error at `document`.
func parseConfiguration(_ data: Data, reader: inout ConfigReader) -> ConfigJSON? {
    do throws(ConfigJSON.ParseError) {
        return try ConfigJSON.parse(data)
    } catch {
        reader.error("document", "not valid JSON: \(error.reason)", line: error.line > 0 ? error.line : nil)
        return nil
    }
}
