// swift-tools-version: 6.1
//
// A small release executable that imports a model file the way `edgewise inspect` does and reports
// time and peak RSS; run.sh compares it with the Python reference readers in the same run.
import PackageDescription

let package = Package(
    name: "ImportBenchmark",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Edgewise", path: "../..")],
    targets: [
        .executableTarget(name: "import-inspect", dependencies: [.product(name: "EdgewiseKit", package: "Edgewise")],
                          path: "Sources/import-inspect"),
    ],
    swiftLanguageModes: [.v6]
)
