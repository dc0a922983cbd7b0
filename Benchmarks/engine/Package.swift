// swift-tools-version: 6.1
// The engine benchmark's runner: loads a model with Edgewise's importers, compiles an execution plan
// and times it on inputs written by run.py (see README.md). A separate package so the main build
// and `swift test` never compile it.
import PackageDescription

let package = Package(
    name: "EngineBench",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Edgewise", path: "../..")],
    targets: [
        .executableTarget(name: "engine-bench", dependencies: [.product(name: "EdgewiseKit", package: "Edgewise")],
                          path: "Sources/engine-bench"),
    ],
    swiftLanguageModes: [.v6]
)
