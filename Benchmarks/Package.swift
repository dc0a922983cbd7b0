// swift-tools-version: 6.1
//
// Benchmarks live in their own package so the main build and `swift test` never compile
// package-benchmark. Run: `cd Benchmarks && swift package --disable-sandbox benchmark`.
import PackageDescription

let package = Package(
    name: "EdgewiseBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Edgewise", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "IRBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EdgewiseKit", package: "Edgewise"),
            ],
            path: "Benchmarks/IRBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TermCoreBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EdgewiseKit", package: "Edgewise"),
            ],
            path: "Benchmarks/TermCoreBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "WorkbenchUIBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "EdgewiseKit", package: "Edgewise"),
            ],
            path: "Benchmarks/WorkbenchUIBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
