// swift-tools-version: 6.2
import PackageDescription

// Warnings are errors everywhere: a warning left alone today hides the next one.
let strictSwift: [SwiftSetting] = [.treatAllWarnings(as: .error)]

// C kernels: C11, all warnings on and fatal; -O3 in release comes from SwiftPM. No global
// -mavx2: SIMD variants opt in per function (target attributes) and are chosen at run time,
// so the package builds without special flags and runs on any x86-64 or aarch64 CPU.
let strictC: [CSetting] = [
    .enableWarning("all"),
    .enableWarning("extra"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "Vigil",
    products: [
        .library(name: "VigilEngine", targets: ["VigilEngine"]),
        .library(name: "Vigil", targets: ["Vigil"]),
        .executable(name: "vigil", targets: ["vigil"]),
    ],
    targets: [
        // System BLAS through the standard cblas interface. The binary links libblas.so.3;
        // Debian's alternatives pick netlib or OpenBLAS at run time.
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "blas",
            providers: [.apt(["libblas-dev", "libopenblas-dev"])]
        ),
        .target(
            name: "CKernels",
            dependencies: ["CBLAS"],
            path: "CKernels",
            cSettings: strictC,
            linkerSettings: [.linkedLibrary("m")]
        ),
        .target(
            name: "VigilEngine",
            dependencies: ["CKernels"],
            swiftSettings: strictSwift
        ),
        // OpenSSL's libcrypto for SHA-256 and HMAC (training-data hashes, the audit chain).
        .systemLibrary(
            name: "CCrypto",
            path: "Sources/CCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // simdjson (Debian libsimdjson-dev) behind a small C++ shim with a C API, for the
        // alert hot path. Only Vigil imports it.
        .target(
            name: "CSimdJSON",
            cxxSettings: [.enableWarning("all"), .treatAllWarnings(as: .error)],
            linkerSettings: [.linkedLibrary("simdjson")]
        ),
        .target(
            name: "Vigil",
            dependencies: ["VigilEngine", "CSimdJSON", "CCrypto"],
            resources: [.copy("Resources/tier-policy.json"), .copy("Resources/playbooks.json")],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "vigil",
            dependencies: ["VigilEngine", "Vigil"],
            swiftSettings: strictSwift
        ),
        .target(
            name: "_VigilTestSupport",
            dependencies: ["VigilEngine"],
            path: "Tests/_VigilTestSupport",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "VigilEngineTests",
            dependencies: ["VigilEngine", "_VigilTestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "VigilTests",
            dependencies: ["Vigil", "VigilEngine", "_VigilTestSupport"],
            swiftSettings: strictSwift
        ),
        // The command-line tool as users run it: the built `vigil` executable in a
        // subprocess (found beside the test bundle), on generated files.
        .testTarget(
            name: "vigilCLITests",
            dependencies: ["_VigilTestSupport"],
            swiftSettings: strictSwift
        ),
    ],
    cLanguageStandard: .c11,
    cxxLanguageStandard: .cxx17
)
