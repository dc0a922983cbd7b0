import ArgumentParser
import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeOptimize
import Foundation

/// `edgewise optimize MODEL --pipeline P.yaml --out OUT.onnx`: applies a pipeline and reports each step.
struct OptimizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Apply a compression pipeline (YAML) to a model; write the result as ONNX and report each step.",
        discussion: """
            Each step is measured on this host's engine against the original model: ONNX size before and after, \
            output SQNR (dB) and, for classifier-shaped outputs, top-1 agreement. The comparison inputs are \
            --eval NAME=FILE (.npy, PNG, WAV; repeatable, one per model input), or else --samples inputs generated \
            from --seed. Static quantization calibrates on --calib NAME=FILE (the evaluation inputs when absent). \
            Every setting is checked before any work; OUT is written atomically, and not at all on failure.
            """)

    @Argument(help: "A model file (ONNX, TFLite) or zoo:<id>.")
    var model: String

    @Option(help: "Pipeline file (YAML: name, steps).")
    var pipeline: String

    @Option(name: [.customShort("o"), .customLong("out")], help: "Output ONNX file.")
    var out: String

    @Option(name: .customLong("eval"), help: "NAME=FILE evaluation input (repeatable, one per model input).")
    var evalInputs: [String] = []

    @Option(name: .customLong("calib"), help: "NAME=FILE calibration input for static quantization (repeatable).")
    var calibInputs: [String] = []

    @Option(help: "Generated evaluation inputs when --eval is not given.")
    var samples: Int = 4

    @Option(help: "Seed of the generated evaluation inputs.")
    var seed: UInt64 = 0

    @Flag(help: "Emit the report as JSON.")
    var json = false

    func validate() throws {
        guard samples >= 1 else { throw CLIError("--samples must be ≥ 1") }
        guard out.lowercased().hasSuffix(".onnx") || Self.isGGUF(model) else { throw CLIError("--out must name an .onnx file, got '\(out)'") }
    }

    func run() throws {
        // Everything that can be checked is checked before the model is touched.
        guard FileManager.default.fileExists(atPath: pipeline) else { throw CLIError("no such pipeline file '\(pipeline)'") }
        if Self.isGGUF(model) { return try runGGUF() }
        guard let text = try? String(contentsOfFile: pipeline, encoding: .utf8) else {
            throw CLIError("cannot read pipeline file '\(pipeline)' as UTF-8 text")
        }
        let spec: PipelineSpec
        do {
            spec = try PipelineSpec.parse(yaml: text, file: pipeline)
            try PipelineRunner.check(spec)
        } catch {
            throw CLIError("\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        let outDir = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: outDir, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("cannot write '\(out)': no such directory '\(outDir)'")
        }
        var m = try ModelReference.load(model)
        let loader = InputFiles()
        var runner = PipelineRunner(evaluation: [], opset: PipelineRunner.opset(of: m))
        if evalInputs.isEmpty {
            do {
                runner.evaluation = try PipelineRunner.seededInputs(for: m.graph, count: samples, seed: seed)
                runner.seeded = true
            } catch { throw CLIError("\(error)") }
        } else {
            runner.evaluation = [try loader.tensors(evalInputs, model: m)]
        }
        if !calibInputs.isEmpty { runner.calibration = [try loader.tensors(calibInputs, model: m)] }
        let report: PipelineRunner.Report
        do {
            (m, report) = try runner.run(spec, on: m)
        } catch {
            throw CLIError("\(error)")
        }
        do {
            try ONNXExporter.write(m, to: out)
        } catch {
            throw CLIError("cannot write '\(out)': \(error)".replacingOccurrences(of: "\n", with: " "))
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try enc.encode(report), as: UTF8.self))
            return
        }
        print("pipeline \(report.pipeline): \(report.summary)")
        print("measured on \(report.evaluationInputs) \(report.seededInputs ? "generated (seed \(seed))" : "given") input set(s), engine vs the original")
        var t = TextTable([("#", .right), ("step", .left), ("size before", .right), ("size after", .right), ("SQNR dB", .right),
                           ("top-1 agree", .right), ("sparsity", .right), ("layers", .right), ("time", .right)])
        for s in report.steps {
            t.add([String(s.index), s.step, Format.bytes(s.bytesBefore), Format.bytes(s.bytesAfter), OptimizeText.db(s.sqnr),
                   s.top1Agreement.map(Format.percent) ?? "—", s.sparsity.map(Format.percent) ?? "—", String(s.layers),
                   String(format: "%.2f s", s.seconds)])
        }
        print(t.render())
        let last = report.steps.last
        print("size \(Format.bytes(report.originalBytes)) → \(Format.bytes(report.finalBytes))"
              + (last.map { "; output SQNR \(OptimizeText.db($0.sqnr)) dB" + ($0.top1Agreement.map { ", top-1 agreement \(Format.percent($0))" } ?? "") } ?? "")
              + "; written to \(out)")
    }
}

enum OptimizeText {
    static func db(_ x: Double) -> String { x == .infinity ? "∞" : x.isFinite ? String(format: "%.2f", x) : "−∞" }
}
