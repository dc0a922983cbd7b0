import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// Helpers the ONNX tests share: where the fetched ONNX files are, and running the Python reference
/// scripts (official `onnx` and `onnxruntime` packages) at test time.
enum ONNXTestFiles {
    static let testData = TestPaths.assets.appendingPathComponent("onnx-1.22.0/onnx/backend/test/data")

    /// The whole-model files the fetch script extracts (silero ×6, magika, PP-OCR ×3, ort datasets ×3).
    static var wholeModels: [String] {
        let a = TestPaths.assets.path
        return files(in: a + "/silero_vad-6.2.3/silero_vad/data", suffix: ".onnx")
            + [a + "/magika-1.0.3/magika/models/standard_v3_3/model.onnx"]
            + files(in: a + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models", suffix: ".onnx")
            + files(in: a + "/onnxruntime-1.32.0/onnxruntime/datasets", suffix: ".onnx")
    }

    /// The ONNX backend test models: light ×9 and every `model.onnx` of node, pytorch-converted,
    /// pytorch-operator and simple.
    static var backendModels: [String] {
        var out = files(in: testData.path + "/light", suffix: ".onnx")
        for set in ["node", "pytorch-converted", "pytorch-operator", "simple"] {
            let dir = testData.path + "/" + set
            for c in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] {
                let p = dir + "/" + c + "/model.onnx"
                if FileManager.default.fileExists(atPath: p) { out.append(p) }
            }
        }
        return out.sorted()
    }

    static var all: [String] { wholeModels + backendModels }

    static func files(in dir: String, suffix: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(suffix) }.sorted()
            .map { dir + "/" + $0 }
    }

    /// Fails the test (rather than passing vacuously) when the fetched models are missing.
    static func requireAssets() throws {
        try #require(FileManager.default.fileExists(atPath: testData.path),
                     "ONNX test files missing under \(TestPaths.assets.path): run Scripts/fetch-models.sh")
    }
}

/// Runs the repository's Python reference scripts.
enum ReferencePython {
    static var interpreter: String { ProcessInfo.processInfo.environment["EDGEWISE_PYTHON"] ?? "python3" }

    /// Runs `Scripts/reference/<script>` with `arguments`, feeding `stdin`, and returns stdout.
    /// - Throws: when the script exits non-zero (its stderr is in the message).
    static func run(_ script: String, _ arguments: [String] = [], stdin: String = "") throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [interpreter, TestPaths.repoRoot.appendingPathComponent("Scripts/reference/" + script).path] + arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        // Read both pipes concurrently with writing stdin so a large output cannot deadlock the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var out = Data(), err = Data()
        group.enter()
        DispatchQueue.global().async { out = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        group.wait()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ReferenceError(message: "\(script) exited \(p.terminationStatus): \(String(decoding: err, as: UTF8.self))")
        }
        return out
    }

    /// Runs a script and decodes its JSON output.
    static func json(_ script: String, _ arguments: [String] = [], stdin: String = "") throws -> Any {
        try JSONSerialization.jsonObject(with: try run(script, arguments, stdin: stdin))
    }
}

struct ReferenceError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension Graph {
    /// Every graph nested in this graph's node attributes, recursively (depth-first, attribute order).
    var allSubgraphs: [Graph] {
        var out: [Graph] = []
        for n in nodes { for (_, g) in n.subgraphs { out.append(g); out.append(contentsOf: g.allSubgraphs) } }
        return out
    }
}
