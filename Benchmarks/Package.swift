// swift-tools-version: 6.2
import PackageDescription

// The benchmarks are their own package so that the engine's manifest carries no
// benchmark-only targets, and so that `swift build` here never touches the engine's .build.

// Warnings are errors here too: a benchmark that compiles with warnings measures something
// nobody reviewed.
let strictSwift: [SwiftSetting] = [.treatAllWarnings(as: .error)]

// The machine-limit probes are C11 with every warning fatal. No global -mavx2: the AVX2
// loops opt in per function (target attribute) and a scalar loop covers other CPUs.
let strictC: [CSetting] = [
    .enableWarning("all"),
    .enableWarning("extra"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "VigilBenchmarks",
    dependencies: [
        .package(name: "Vigil", path: "..")
    ],
    targets: [
        // STREAM-like memory bandwidth kernels and the cblas_sgemm peak probe: the
        // machine limits every case is judged against.
        .target(
            name: "CMachineLimits",
            cSettings: strictC,
            linkerSettings: [.linkedLibrary("blas"), .linkedLibrary("dl")]
        ),
        .executableTarget(
            name: "VigilBenchmarks",
            dependencies: [
                "CMachineLimits",
                // By product name: a path dependency's identity is its folder's name, which
                // differs between clones.
                .product(name: "VigilEngine", package: "Vigil"),
            ],
            swiftSettings: strictSwift
        ),
    ],
    swiftLanguageModes: [.v6],
    cLanguageStandard: .c11
)
