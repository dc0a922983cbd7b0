import Foundation

/// Runs the Python reference scripts under `Scripts/reference/` at test time.
///
/// Expected values in importer tests come from the official readers (gguf-py, safetensors,
/// ai-edge-litert's schema) through these scripts, never from the code under test.
public enum ReferenceScript {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `Scripts/reference/<script>` with `arguments` and returns its standard output.
    /// - Throws: ``Failure`` with the script's standard error when it exits non-zero.
    public static func run(_ script: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let path = TestPaths.repoRoot.appendingPathComponent("Scripts/reference").appendingPathComponent(script).path
        process.arguments = ["python3", path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and deadlock.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(script) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                          + String(decoding: errData, as: UTF8.self))
        }
        return data
    }

    /// Runs a script that prints one JSON object and returns it.
    public static func json(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let data = try run(script, arguments)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure(description: "\(script) did not print a JSON object")
        }
        return object
    }
}
