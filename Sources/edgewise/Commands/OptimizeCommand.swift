import ArgumentParser
import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeOptimize
import Foundation
import Workbench

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
            With --labels FILE (.npy of class indices, one per row of the evaluation input) each step also reports \
            top-1 accuracy; finetune/distill steps train on the calibration input with --calib-labels. \
            Every setting is checked before any work; OUT is written atomically, and not at all on failure. \
            `analyze: sensitivity` adds a per-layer table (each layer alone quantized: output SQNR, top-1, and \
            accuracy with --labels); `mixed_precision` lists the precision chosen per layer; with \
            `objective: latency, device: ID` it minimises that catalog device's simulated latency (estimated, as the \
            Tune screen composes it; --device-file adds devices) instead of the weight bytes. \
            While it runs, a progress bar is drawn on standard error when that is a terminal. Ctrl-C stops after \
            the current unit (a calibration or evaluation input, a layer): the finished steps are reported and, \
            if at least one finished, their model is written to OUT (each finished step leaves a complete model); \
            the exit status is then 130.
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

    @Option(help: "Class labels of the --eval rows (.npy of integers, or text: one index per line / a JSON array): adds top-1 accuracy per step and enables mixed_precision max_drop.")
    var labels: String?

    @Option(name: .customLong("calib-labels"), help: "Class labels of the --calib rows (.npy, integer), for finetune/distill steps.")
    var calibLabels: String?

    @Option(help: "Generated evaluation inputs when --eval is not given.")
    var samples: Int = 4

    @Option(help: "Seed of the generated evaluation inputs.")
    var seed: UInt64 = 0

    @Option(name: .customLong("device-file"), help: "Extra device YAML file for mixed_precision objective: latency (repeatable).")
    var deviceFiles: [String] = []

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
        var latency: LatencyObjectiveProvider?
        do {
            spec = try PipelineSpec.parse(yaml: text, file: pipeline)
            try PipelineRunner.check(spec)
            if spec.steps.contains(where: { if case .mixedPrecision(let s) = $0 { return s.objective == .latency } else { return false } }) {
                latency = .simulated(try SimCLI.simulator(deviceFiles: deviceFiles, includeHost: false))
            }
            try PipelineRunner.check(spec, latency: latency)
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
        runner.latencyObjective = latency
        if evalInputs.isEmpty {
            do {
                runner.evaluation = try PipelineRunner.seededInputs(for: m.graph, count: samples, seed: seed)
                runner.seeded = true
            } catch { throw CLIError("\(error)") }
        } else {
            runner.evaluation = [try loader.tensors(evalInputs, model: m)]
        }
        if !calibInputs.isEmpty { runner.calibration = [try loader.tensors(calibInputs, model: m)] }
        if let labels {
            guard !evalInputs.isEmpty else { throw CLIError("--labels needs --eval (the inputs they label)") }
            runner.labels = [try OptimizeText.labels(labels)]
        }
        if let calibLabels {
            guard !calibInputs.isEmpty else { throw CLIError("--calib-labels needs --calib (the inputs they label)") }
            runner.calibrationLabels = [try OptimizeText.labels(calibLabels)]
        }
        let report: PipelineRunner.Report
        var bar = ProgressLine(enabled: ProgressLine().enabled && !json)
        StopRequest.install()
        do {
            (m, report) = try runner.run(spec, on: m, progress: { p in
                bar.update("step \(p.step)/\(p.steps) \(p.phase)", done: p.done, total: p.total)
            }, isCancelled: { StopRequest.isRaised })
        } catch {
            bar.clear()
            throw CLIError("\(error)")
        }
        bar.clear()
        // Stopped before the first step finished: nothing to keep.
        let write = !report.cancelled || !report.steps.isEmpty
        if write {
            do {
                try ONNXExporter.write(m, to: out)
            } catch {
                throw CLIError("cannot write '\(out)': \(error)".replacingOccurrences(of: "\n", with: " "))
            }
        }
        try printReport(report, written: write, labelledRows: runner.labels?.reduce(0) { $0 + $1.count } ?? 0)
        if report.cancelled { throw ExitCode(StopRequest.exitCode) }
    }

    /// "; accuracy 95.61% → 95.48% (797 labelled rows)" when labels were given, else "".
    func accuracyLine(_ report: PipelineRunner.Report, last: PipelineRunner.StepReport?, labelledRows: Int) -> String {
        guard let a = report.originalAccuracy else { return "" }
        let after = last?.accuracy.map(OptimizeText.accuracy) ?? "—"
        return "; accuracy \(OptimizeText.accuracy(a)) → \(after) (\(labelledRows) labelled rows)"
    }

    func printReport(_ report: PipelineRunner.Report, written: Bool, labelledRows: Int) throws {
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try enc.encode(report), as: UTF8.self))
            if report.cancelled { Self.printStopped(report, written: written, to: .standardError) }
            return
        }
        print("pipeline \(report.pipeline): \(report.summary)")
        print("measured on \(report.evaluationInputs) \(report.seededInputs ? "generated (seed \(seed))" : "given") input set(s), engine vs the original")
        var t = TextTable([("#", .right), ("step", .left), ("size before", .right), ("size after", .right), ("SQNR dB", .right),
                           ("top-1 agree", .right), ("sparsity", .right), ("layers", .right), ("time", .right)]
                          + (report.originalAccuracy == nil ? [] : [("accuracy", .right)]))
        for s in report.steps {
            t.add([String(s.index), s.step, Format.bytes(s.bytesBefore), Format.bytes(s.bytesAfter), OptimizeText.db(s.sqnr),
                   s.top1Agreement.map(Format.percent) ?? "—", s.sparsity.map(Format.percent) ?? "—", String(s.layers),
                   String(format: "%.2f s", s.seconds)] + (report.originalAccuracy == nil ? [] : [s.accuracy.map(OptimizeText.accuracy) ?? "—"]))
        }
        print(t.render())
        OptimizeLayerTables.print(report)
        if report.cancelled {
            Self.printStopped(report, written: written, to: .standardOutput)
            return
        }
        let last = report.steps.last
        print("size \(Format.bytes(report.originalBytes)) → \(Format.bytes(report.finalBytes))"
              + (last.map { "; output SQNR \(OptimizeText.db($0.sqnr)) dB" + ($0.top1Agreement.map { ", top-1 agreement \(Format.percent($0))" } ?? "") } ?? "")
              + accuracyLine(report, last: last, labelledRows: labelledRows)
              + "; written to \(out)")
    }
}

extension OptimizeCommand {
    /// The line saying which steps a Ctrl-C left finished and what was written.
    static func printStopped(_ r: PipelineRunner.Report, written: Bool, to handle: FileHandle) {
        let done = r.steps.map { "\($0.index) \($0.step)" }.joined(separator: ", ")
        let line = r.steps.isEmpty
            ? "stopped (Ctrl-C) before step 1 of \(r.totalSteps) finished; nothing written"
            : "stopped (Ctrl-C) after \(r.steps.count) of \(r.totalSteps) steps (\(done)); "
              + (written ? "their model was written" : "nothing written")
        handle.write(Data((line + "\n").utf8))
    }

    /// Class indices, one per line or as a JSON array.
    static func readLabels(_ path: String) throws -> [Int] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError("cannot read labels file '\(path)'") }
        let words = text.split(whereSeparator: { " \n\r\t,[]".contains($0) })
        var out: [Int] = []
        for (i, w) in words.enumerated() {
            guard let v = Int(w), v >= 0 else { throw CLIError("labels file '\(path)': item \(i + 1) '\(w)' is not a class index") }
            out.append(v)
        }
        guard !out.isEmpty else { throw CLIError("labels file '\(path)' holds no labels") }
        return out
    }
}

enum OptimizeText {
    static func db(_ x: Double) -> String { x == .infinity ? "∞" : x.isFinite ? String(format: "%.2f", x) : "−∞" }

    /// Accuracy with two decimals of a percent (0.9561 → "95.61%"): drops of a tenth of a point show.
    static func accuracy(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }

    /// Class labels from a .npy of integers (any shape; read in order).
    static func labels(_ path: String) throws -> [Int] {
        guard path.lowercased().hasSuffix(".npy") else { return try OptimizeCommand.readLabels(path) }
        let t: HostTensor
        do { t = try NPY.read(path: path) } catch { throw CLIError("cannot read labels '\(path)': \(error)") }
        switch t.dtype {
        case .int64: return t.values(as: Int64.self).map { Int($0) }
        case .int32: return t.values(as: Int32.self).map { Int($0) }
        case .uint8: return t.values(as: UInt8.self).map { Int($0) }
        default: throw CLIError("labels '\(path)' are \(t.dtype.rawValue); expected integer class indices")
        }
    }
}
