// swift-tools-version: 6.1
//
// Simulator speed benchmarks: a small release-mode executable that prints a table.
// Run: `cd Benchmarks/SimBenchmarks && swift run -c release SimBenchmarks`.
import PackageDescription

let package = Package(
    name: "SimBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Edgewise", path: "../..")],
    targets: [
        .executableTarget(name: "SimBenchmarks", dependencies: [.product(name: "EdgewiseKit", package: "Edgewise")]),
    ],
    swiftLanguageModes: [.v6]
)
