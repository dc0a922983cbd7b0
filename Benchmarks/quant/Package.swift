// swift-tools-version: 6.1
//
// A small release executable for EdgeOptimize's quantizers; run.py compares it with the reference tools
// (onnxruntime's quantization utilities, ggml's reference quantizers, the gguf package) in the same run.
import PackageDescription

let package = Package(
    name: "QuantBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Edgewise", path: "../..")],
    targets: [
        .executableTarget(name: "quant-bench", dependencies: [.product(name: "EdgewiseKit", package: "Edgewise")],
                          path: "Sources/quant-bench"),
    ],
    swiftLanguageModes: [.v6]
)
