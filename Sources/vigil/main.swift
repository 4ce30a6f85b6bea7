import Foundation
import VigilEngine

/// `vigil` — the command-line face of Vigil.
let usage = """
usage: vigil <command> [options]

commands:
  demo   [--rows N] [--features D] [--out DIR]
         generate a deterministic batch of events with ground truth, learn a model from a
         generated history, score the batch, explain the top events with their closest
         precedents, check drift, and write the outputs under DIR (default ./vigil-demo)
  score  --weights W.npy [--bias B] --npy X.npy [--out P.npy] [--batch-rows N]
         stream-score a float32 .npy feature matrix (one probability per row)
  info   the kernel path and BLAS library in use
"""

var arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.isEmpty ? "help" : arguments.removeFirst()
do {
    switch command {
    case "demo":
        try DemoCommand(arguments: Arguments(arguments)).run()
    case "score":
        try ScoreCommand(arguments: Arguments(arguments)).run()
    case "info":
        print("kernels: \(KernelISA.active.rawValue)  blas: \(BLASLibrary.name)  threads: \(Parallelism.defaultThreads)")
    case "help", "--help", "-h":
        print(usage)
    default:
        throw CommandError.usage("unknown command '\(command)'")
    }
} catch let error as CommandError {
    FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
    if case .usage = error { FileHandle.standardError.write(Data(usage.utf8)) }
    exit(2)
} catch {
    FileHandle.standardError.write(Data("vigil: \(error)\n".utf8))
    exit(1)
}
