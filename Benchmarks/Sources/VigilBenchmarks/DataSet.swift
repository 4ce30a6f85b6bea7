#if canImport(Glibc)
import Glibc
#endif
import VigilEngine

/// Errors of the benchmark driver itself (the engine's errors pass through as they are).
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
}

/// Where the shared .npy files live, and their generation.
struct DataSet {
    let directory: String

    func path(_ file: DataFile) -> String { directory + "/" + file.fileName }

    func exists(_ file: DataFile) -> Bool { access(path(file), R_OK) == 0 }

    /// Writes every missing file of `files` (deterministic: same seed, same bytes).
    /// Each file is written to a temporary name and renamed, so an interrupted run never
    /// leaves a truncated file behind.
    func generate(_ files: [DataFile], threads: Int) throws {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw BenchmarkError(description: "cannot create data directory \(directory): errno \(errno)")
        }
        for file in files where !exists(file) {
            let shape = file.shape
            note("generating \(file.fileName) (\(shape.rows) x \(shape.columns), seed \(file.seed))")
            let t = try timed { () throws(EngineError) in
                let m = FeatureMatrix.uniform(rows: shape.rows, columns: shape.columns,
                                              seed: file.seed, in: file.range)
                try m.writeNpy(to: path(file) + ".tmp")
            }
            guard rename(path(file) + ".tmp", path(file)) == 0 else {
                throw BenchmarkError(description: "cannot rename \(path(file)).tmp: errno \(errno)")
            }
            note("wrote \(path(file)) in \(String(format6: t)) s")
        }
    }

    /// Loads `file`, failing with a hint when it has not been generated.
    func load(_ file: DataFile) throws -> FeatureMatrix {
        guard exists(file) else {
            throw BenchmarkError(description:
                "\(path(file)) is missing: run `VigilBenchmarks --generate` first")
        }
        return try FeatureMatrix(npyFile: path(file))
    }

    /// The weight vector of a logistic case (stored as a 1 x D matrix).
    func weights(_ file: DataFile) throws -> [Float] {
        try load(file).row(0)
    }

    /// Writes a small text file (used for the cross-check samples peers compare against).
    func writeText(_ name: String, _ text: String) {
        guard let f = fopen(directory + "/" + name, "w") else { return }
        fputs(text, f)
        fclose(f)
    }
}
