import Foundation

/// Locations tests need: the repository root, the fetched-model cache, the built binary.
public enum TestPaths {
    /// The repository root (the directory holding Package.swift), found from this source file.
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// Where Scripts/fetch-models.sh puts extracted model and data files:
    /// `$EDGEWISE_CACHE/assets`, default `~/.cache/edgewise/assets`.
    public static let assets: URL = {
        if let c = ProcessInfo.processInfo.environment["EDGEWISE_CACHE"] {
            return URL(fileURLWithPath: c).appendingPathComponent("assets")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/edgewise/assets")
    }()

    /// A new empty temporary directory, removed by the caller when done.
    public static func temporaryDirectory(_ tag: String = "edgewise") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
