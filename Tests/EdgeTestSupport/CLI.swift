import Foundation

/// Runs the built `edgewise` binary, as a user would from a shell.
public enum CLI {
    /// The `edgewise` executable next to the test bundle (same build configuration and scratch path).
    public static var executable: URL {
        var dir = Bundle.main.bundleURL
        // Bundle.main is the test runner; walk up to the products directory holding `edgewise`.
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("edgewise")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir.deleteLastPathComponent()
        }
        return TestPaths.repoRoot.appendingPathComponent(".build/debug/edgewise")
    }

    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
    }

    /// Runs `edgewise args…` and waits for it, with an optional environment overlay and time limit.
    public static func run(_ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Result {
        let p = Process()
        p.executableURL = executable
        p.arguments = args
        p.currentDirectoryURL = TestPaths.repoRoot
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Drain both pipes concurrently so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning { p.terminate() }
        p.waitUntilExit()
        group.wait()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
