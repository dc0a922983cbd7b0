import Foundation

/// Runs reference computations in Python (numpy, onnxruntime, LiteRT, gguf) at test time.
///
/// Expected values in Edgewise's tests come from these real reference tools, never from the code under
/// test. The script reads JSON on stdin and prints JSON on stdout.
public enum Python {
    public struct Failure: Error, CustomStringConvertible {
        public let status: Int32
        public let stderr: String
        public var description: String { "python exited \(status): \(stderr.suffix(2000))" }
    }

    /// Runs `script` with `python3 -c`, feeding `input` as JSON; returns the decoded JSON output.
    public static func run(_ script: String, input: Any = [String: Any](), arguments: [String] = []) throws -> Any {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        p.standardInput = stdin
        p.standardOutput = stdout
        p.standardError = stderr
        try p.run()
        let data = try JSONSerialization.data(withJSONObject: input)
        nonisolated(unsafe) var out = Data(), err = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { out = stdout.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        stdin.fileHandleForWriting.write(data)
        try stdin.fileHandleForWriting.close()
        p.waitUntilExit()
        group.wait()
        guard p.terminationStatus == 0 else {
            throw Failure(status: p.terminationStatus, stderr: String(decoding: err, as: UTF8.self))
        }
        return try JSONSerialization.jsonObject(with: out)
    }

    /// Runs a script file from Scripts/reference/ the same way.
    public static func runFile(_ relativePath: String, input: Any = [String: Any](), arguments: [String] = []) throws -> Any {
        let path = TestPaths.repoRoot.appendingPathComponent(relativePath).path
        let script = try String(contentsOfFile: path, encoding: .utf8)
        return try run(script, input: input, arguments: arguments)
    }
}
