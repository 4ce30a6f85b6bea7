import Foundation
import VigilEngine

/// `vigil` — the command-line face of Vigil.
let usage = """
usage: vigil <command> [options]

commands:
  demo   [--alerts N] [--history N] [--seed S] [--out DIR] [--strict yes]
         the main job on an embedded default: generate a SOC day with ground truth, learn
         from its closed cases, triage its alerts under the shipped policy and playbooks,
         check the planted scenarios, write everything under DIR (default ./vigil-demo)
  engine-demo [--rows N] [--features D] [--out DIR]
         the scoring engine alone: learn, score, explain and check drift on feature vectors
  train  --alerts CLOSED.ndjson [--assets F] [--intel FEEDS.json] [--out model.json] [--rejects F] [--test F]
         learn from closed cases (OCSF findings with verdict_id)
  train  --csv F --label COLUMN [--out model.json] [--rejects F] [--test F] [--width N]
         [--categorical A,B] [--numeric A,B] [--ignore A,B] [--precedents N]
         learn from any labelled CSV (label 1/0, true/false, yes/no or a verdict; numeric
         columns log-scaled and standardised, categorical ones one-hot or hashed; bad rows
         → the reject file, default beside the model). Both report AUC, accuracy and
         calibration for logistic alone, k-NN alone and the combination, on held-out data
         or on --test F
  triage --alerts F --policy F --playbooks F --model F [--assets F] [--intel FEEDS.json]
         [--out findings.ndjson] [--incidents incidents.ndjson] [--rejects rejects.ndjson]
         [--window-minutes 30]
         correlate, score, explain and tier; write one OCSF finding update per alert (compact
         explanation under unmapped.vigil) and one full record per incident
  explain UID [--findings F] [--incidents F]
         the full explanation for one finding or incident
  policy check FILE [--strict]
         validate a tier policy or playbook catalogue (exit 2 on errors; 1 on warnings with --strict)
  score  --model model.json | --weights W.npy [--bias B]  --npy X.npy [--out P.npy] [--batch-rows N]
         stream-score a float32 .npy feature matrix (one probability per row)
  score  --model model.json --csv F [--out P.csv|P.npy] [--rejects F] [--signal logistic|combined]
         featurize a CSV as the model's training file was and score it: row,line,probability
         (or .npy, NaN for rejected rows); bad rows → the reject file, the run goes on
  info   the kernel path and BLAS library in use
"""

var arguments = Array(CommandLine.arguments.dropFirst())
let command = arguments.isEmpty ? "help" : arguments.removeFirst()
do {
    switch command {
    case "demo":
        try DemoCommand(arguments: Arguments(arguments)).run()
    case "engine-demo":
        try EngineDemoCommand(arguments: Arguments(arguments)).run()
    case "train":
        try TrainCommand(arguments: Arguments(arguments)).run()
    case "triage":
        try TriageCommand(arguments: Arguments(arguments)).run()
    case "explain":
        try ExplainCommand.run(arguments)
    case "policy":
        exit(try PolicyCommand.run(arguments))
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
