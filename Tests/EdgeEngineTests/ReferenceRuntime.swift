import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// Runs a model in the engine and in a reference runtime (onnxruntime or LiteRT, at test time, same
/// inputs) and measures their agreement: per output, the largest absolute difference against the largest
/// absolute reference value.
enum ReferenceRuntime: String {
    case onnxruntime = "ort_run.py"
    case litert = "litert_run.py"

    struct Agreement: CustomStringConvertible {
        let model: String
        let output: String
        let maxError: Double
        let maxReference: Double
        var ratio: Double { maxReference == 0 ? maxError : maxError / maxReference }
        var description: String {
            "agreement \(model) [\(output)]: max|err| \(String(format: "%.3g", maxError)) / max|ref| \(String(format: "%.3g", maxReference)) = \(String(format: "%.2e", ratio))"
        }
    }

    static var python: String { ProcessInfo.processInfo.environment["EDGEWISE_PYTHON"] ?? "python3" }

    /// Runs a Scripts/reference script with a JSON request on stdin; returns its JSON answer.
    static func script(_ name: String, _ request: [String: Any]) throws -> [String: Any] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, TestPaths.repoRoot.appendingPathComponent("Scripts/reference/" + name).path]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        nonisolated(unsafe) var out = Data(), err = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { out = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err = errors.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        group.wait()
        guard p.terminationStatus == 0 else {
            throw KernelFailure("\(name) exited \(p.terminationStatus): \(String(decoding: err, as: UTF8.self).suffix(2000))")
        }
        guard let json = try JSONSerialization.jsonObject(with: out) as? [String: Any] else {
            throw KernelFailure("no JSON from \(name)")
        }
        return json
    }

    /// The reference runtime's outputs for `feeds`, in the model's output order.
    func run(model path: String, feeds: [(String, HostTensor)], in dir: URL) throws -> [(String, HostTensor)] {
        var inputs: [String: String] = [:]
        for (k, (name, t)) in feeds.enumerated() {
            let p = dir.appendingPathComponent("in_\(k).npy").path
            try NPY.write(t, path: p)
            inputs[name] = p
        }
        let answer = try Self.script(rawValue, ["model": path, "inputs": inputs, "out": dir.path])
        let outs = answer["outputs"] as? [[String]] ?? []
        return try outs.map { ($0[0], try NPY.read(path: $0[1])) }
    }

    /// Compiles and runs `path` in the engine and in this runtime; returns per-output agreement.
    func agreement(model path: String, feeds: [(String, HostTensor)], label: String? = nil,
                   options: EngineOptions = EngineOptions()) throws -> [Agreement] {
        let dir = try TestPaths.temporaryDirectory("agree")
        defer { try? FileManager.default.removeItem(at: dir) }
        let reference = try run(model: path, feeds: feeds, in: dir)
        let model = try ModelLoader.load(path: path)
        var shapes: [String: [Int]] = [:]
        var engineFeeds: [String: HostTensor] = [:]
        for (k, (name, t)) in feeds.enumerated() {
            // LiteRT inputs are matched by position (the IR keeps the file's tensor names).
            let irName = model.graph.inputs.contains { $0.name == name } ? name : model.graph.inputs[k].name
            shapes[irName] = t.shape
            engineFeeds[irName] = t
        }
        let plan = try ExecutionPlan(model: model, inputShapes: shapes, options: options)
        let out = try plan.run(engineFeeds)
        var result: [Agreement] = []
        for (k, (refName, ref)) in reference.enumerated() {
            let name = plan.outputNames.indices.contains(k) ? plan.outputNames[k] : refName
            guard let got = out[name] else { throw KernelFailure("engine output \(name) missing") }
            try #require(got.shape.reduce(1, *) == ref.shape.reduce(1, *), "\(name): engine \(got.shape) vs reference \(ref.shape)")
            var maxErr = 0.0, maxRef = 0.0
            for i in 0..<ref.elementCount {
                let r = ref.ref.double(at: i), g = got.ref.double(at: i)
                maxRef = Swift.max(maxRef, Swift.abs(r))
                let e = Swift.abs(r - g)
                maxErr = Swift.max(maxErr, e.isNaN ? .infinity : e)
            }
            let a = Agreement(model: label ?? URL(fileURLWithPath: path).lastPathComponent, output: name, maxError: maxErr, maxReference: maxRef)
            print(a)
            result.append(a)
        }
        return result
    }
}
