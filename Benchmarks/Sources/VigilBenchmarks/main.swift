#if canImport(Glibc)
import Glibc
#endif
import CMachineLimits
import VigilEngine

/// VigilBenchmarks: warms up, times N runs of a case with ContinuousClock, and prints one
/// JSON line per case on standard output (progress goes to standard error).
///
///     VigilBenchmarks --list
///     VigilBenchmarks --generate [--data DIR]
///     VigilBenchmarks --case NAME [--case NAME ...] [--runs N] [--warmups N] [--threads N] [--data DIR]
///     VigilBenchmarks --limits [--runs N]
let usage = """
    usage: VigilBenchmarks [--list] [--generate] [--limits] [--case NAME]... [--runs N]
                           [--warmups N] [--threads N] [--data DIR]
      --list        list the cases
      --generate    write the missing .npy files of the selected cases (all by default)
      --limits      measure memory bandwidth and sgemm peak only
      --case NAME   run this case (repeatable; all cases when none is given)
      --runs N      timed runs per case (default 5)
      --warmups N   untimed runs first (default 1)
      --threads N   worker threads (default Parallelism.defaultThreads)
      --data DIR    where the .npy files live (default: Benchmarks/data beside this package)
    """

/// Benchmarks/data, found from this source file's location.
func defaultDataDirectory() -> String {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // main.swift, VigilBenchmarks, Sources
    return parts.joined(separator: "/") + "/data"
}

func fail(_ message: String) -> Never {
    writeAll(fd: 2, "VigilBenchmarks: \(message)\n")
    exit(1)
}

/// The command line, parsed.
struct Options {
    var selected: [BenchmarkCase] = []
    var runs = 5
    var warmups = 1
    var threads = Parallelism.defaultThreads
    var dataDirectory = defaultDataDirectory()
    var list = false
    var generate = false
    var limitsOnly = false

    init(_ args: [String]) {
        var rest = args[...]
        func value(after flag: String) -> String {
            guard let v = rest.popFirst() else { fail("\(flag) needs a value\n\(usage)") }
            return v
        }
        func positive(after flag: String, minimum: Int = 1) -> Int {
            guard let n = Int(value(after: flag)), n >= minimum else {
                fail("\(flag) needs an integer >= \(minimum)")
            }
            return n
        }
        while let arg = rest.popFirst() {
            switch arg {
            case "--list": list = true
            case "--generate": generate = true
            case "--limits": limitsOnly = true
            case "--case":
                let name = value(after: arg)
                guard let c = BenchmarkCase(rawValue: name) else { fail("unknown case \(name) (see --list)") }
                selected.append(c)
            case "--runs": runs = positive(after: arg)
            case "--warmups": warmups = positive(after: arg, minimum: 0)
            case "--threads": threads = positive(after: arg)
            case "--data": dataDirectory = value(after: arg)
            case "-h", "--help":
                print(usage)
                exit(0)
            default: fail("unknown argument \(arg)\n\(usage)")
            }
        }
    }
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
let runs = options.runs, threads = options.threads

if options.list {
    for c in BenchmarkCase.allCases { print("\(c.rawValue)\t\(c.summary)") }
    exit(0)
}

let data = DataSet(directory: options.dataDirectory)
let cases = options.selected.isEmpty ? BenchmarkCase.allCases : options.selected

if options.generate {
    var files: [DataFile] = []
    for c in cases { for f in c.dataFiles where !files.contains(f) { files.append(f) } }
    do { try data.generate(files, threads: threads) } catch { fail("\(error)") }
    exit(0)
}

if options.limitsOnly {
    note("BLAS \(BLASLibrary.name), core \(String(cString: vml_blas_core())), bandwidth kernels \(vml_uses_avx2() == 1 ? "avx2" : "scalar")")
    let bw = MemoryBandwidthProbe(threads: threads)
    _ = bw.measure()
    for _ in 0..<runs {
        let s = bw.measure()
        emit([("limit", .string("membw")), ("threads", .int(threads)), ("read", .number(s.read)),
              ("copy", .number(s.copy)), ("triad", .number(s.triad)), ("best", .number(s.best))])
    }
    let sg = SgemmPeakProbe(threads: threads)
    _ = sg.measure()
    for _ in 0..<runs {
        let s = sg.measure()
        emit([("limit", .string("sgemm")), ("threads", .int(threads)),
              ("blas_threaded", .number(s.blasThreaded ?? .nan)),
              ("concurrent_single", .number(s.concurrentSingle)), ("best", .number(s.best)),
              ("blas_core", .string(String(cString: vml_blas_core())))])
    }
    exit(0)
}

let config = HarnessConfig(runs: runs, warmups: options.warmups, threads: threads, data: data)
for c in cases {
    do {
        switch c {
        case .logistic_1e7x64, .logistic_1e6x128: try runLogistic(c, config)
        case .topk_q1e4_k1e5_d128, .topk_q1e3_k1e6_d128: try runTopK(c, config)
        case .stream_npy_1e7x64: try runStreaming(c, config)
        }
    } catch {
        fail("\(c.rawValue): \(error)")
    }
}
