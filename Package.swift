// swift-tools-version: 6.1
//
// Edgewise — a terminal workbench for deploying AI models to edge devices.
//
// The target graph *is* the architecture. Layers, bottom to top; a target
// depends only on targets in lower layers (see README.md, "Layers"):
//
//   1  EdgeIR        tensors, dtypes, graph, shape inference, cost
//   2  EdgeZoo       built-in architecture catalog          (EdgeIR)
//      EdgeImport    ONNX / TFLite / GGUF / safetensors     (EdgeIR, EdgeZoo: decoder builder, SwiftProtobuf)
//   3  EdgeEngine    host-CPU inference                     (EdgeIR, EdgeZoo, EdgeImport: GGUF decoders, CEdgeKernels)
//   4  EdgeOptimize  quantize / prune / low-rank / train    (layers 1–3)
//   5  EdgeSim       device catalog, latency, energy, heat  (EdgeIR, EdgeZoo)
//   6  Workbench     workspaces, comparison, reports        (layers 1–5, Yams)
//   7  TermCore      cell grid, layout, widgets (no curses)
//      WorkbenchUI   screens: pure update + view            (TermCore, Workbench)
//      TermCurses    draws a grid with ncursesw             (TermCore, CNcurses)
//      edgewise      the CLI and TUI executable             (everything above, ArgumentParser)
import PackageDescription

let package = Package(
    name: "Edgewise",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "edgewise", targets: ["edgewise"]),
        // The layers as one library, for the benchmark package (Benchmarks/) and embedders.
        .library(name: "EdgewiseKit", targets: ["EdgeIR", "EdgeZoo", "EdgeImport", "EdgeEngine", "EdgeOptimize",
                                                "EdgeSim", "Workbench", "TermCore", "WorkbenchUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Layer 1
        .target(name: "EdgeIR"),
        // Layer 2
        .target(name: "EdgeZoo", dependencies: ["EdgeIR"]),
        .target(name: "EdgeImport", dependencies: [
            "EdgeIR", "EdgeZoo",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        // Layer 3
        // -O2 even in debug builds: these are the speed kernels (SGEMM, int8, GGUF dots) that the tests run over
        // whole real models; integer results do not depend on the level, and float ones are checked with tolerances.
        .target(name: "CEdgeKernels", cSettings: [.unsafeFlags(["-O2", "-falign-functions=64"])]),
        // libjpeg-turbo (Debian: libjpeg62-turbo-dev) behind a small C shim whose error handler returns instead of exit().
        .target(name: "CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),
        // Optimised even in debug builds: the reference kernels run whole real models in the tests, and
        // -Onone loops are 10–100× slower (see docs/DECISIONS.md, "EdgeEngine builds with -O even in debug").
        .target(name: "EdgeEngine", dependencies: ["EdgeIR", "EdgeZoo", "EdgeImport", "CEdgeKernels", "CJPEG"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        // Layer 4
        // -O in debug too: the training loop, the SVD, calibration and the GGUF quantizers run on real weights
        // (135 M GGUF weights, full-vocabulary softmaxes) in the tests.
        .target(name: "EdgeOptimize", dependencies: ["EdgeIR", "EdgeZoo", "EdgeImport", "EdgeEngine",
                                                      .product(name: "Yams", package: "Yams")],
                swiftSettings: [.unsafeFlags(["-O"])]),
        // Layer 5
        .target(name: "EdgeSim", dependencies: ["EdgeIR", "EdgeZoo", .product(name: "Yams", package: "Yams")],
                resources: [.copy("Data")]),
        // Layer 6
        .target(name: "Workbench", dependencies: ["EdgeIR", "EdgeZoo", "EdgeImport", "EdgeEngine", "EdgeOptimize",
                                                   "EdgeSim", .product(name: "Yams", package: "Yams")]),
        // Layer 7 — the faces. Only these know a terminal exists.
        .target(name: "TermCore"),
        .target(name: "WorkbenchUI", dependencies: ["TermCore", "Workbench"]),
        .target(name: "CNcurses",
                cSettings: [.define("NCURSES_WIDECHAR", to: "1")],
                linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "TermCurses", dependencies: ["TermCore", "CNcurses"]),
        .executableTarget(name: "edgewise", dependencies: [
            "EdgeIR", "EdgeZoo", "EdgeImport", "EdgeEngine", "EdgeOptimize", "EdgeSim", "Workbench",
            "TermCore", "WorkbenchUI", "TermCurses",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Test support: shared helpers, imported by tests only.
        .target(name: "EdgeTestSupport", dependencies: ["EdgeIR"], path: "Tests/EdgeTestSupport"),
        .testTarget(name: "EdgeIRTests", dependencies: ["EdgeIR", "EdgeTestSupport"]),
        .testTarget(name: "EdgeZooTests", dependencies: ["EdgeZoo", "EdgeIR", "EdgeTestSupport"]),
        .testTarget(name: "EdgeImportTests", dependencies: ["EdgeImport", "EdgeIR", "EdgeZoo", "EdgeTestSupport"]),
        .testTarget(name: "EdgeEngineTests", dependencies: ["EdgeEngine", "EdgeIR", "EdgeImport", "EdgeTestSupport"]),
        .testTarget(name: "EdgeOptimizeTests", dependencies: ["EdgeOptimize", "EdgeIR", "EdgeTestSupport"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "EdgeOptimize", "EdgeTestSupport"]),
        .testTarget(name: "EdgeSimTests", dependencies: ["EdgeSim", "EdgeZoo", "EdgeIR", "EdgeTestSupport"]),
        // Runs the real `edgewise` binary; depends on it so `swift test` builds it first.
        .testTarget(name: "CLITests", dependencies: ["EdgeTestSupport", "edgewise"]),
        .testTarget(name: "TermCoreTests", dependencies: ["TermCore"]),
        .testTarget(name: "TermCursesTests", dependencies: ["TermCurses", "CNcurses", "TermCore"]),
        .testTarget(name: "WorkbenchUITests", dependencies: ["WorkbenchUI", "Workbench", "TermCore", "EdgeSim", "EdgeOptimize", "EdgeImport",
                                                             "EdgeTestSupport"]),
        // Starts the real `edgewise` binary in tmux; depends on it so `swift test` builds it first.
        .testTarget(name: "EndToEndTests", dependencies: ["EdgeTestSupport", "edgewise"]),
    ],
    swiftLanguageModes: [.v6]
)
