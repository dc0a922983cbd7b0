import ArgumentParser
import EdgeIR
import EdgeImport
import Foundation

/// `edgewise export MODEL -o out.onnx`: writes a model as ONNX (quantized tensors as QDQ pairs).
///
/// The file is written atomically; catalog architectures have no weights, so they get deterministic
/// synthetic ones (reported), which makes the file runnable for latency and memory checks, not for accuracy.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a model as an ONNX file (quantized tensors as QuantizeLinear/DequantizeLinear).",
        discussion: """
            Catalog models get deterministic synthetic weights (--seed). A model imported from ONNX keeps its \
            opsets; others are written at --opset, raised where an op or a quantized tensor needs more. \
            What ONNX cannot express (GGUF block formats, group-wise quantization) is refused by name.
            """)

    @Argument(help: "zoo:<id>[?key=value&…] or a model file.")
    var model: String

    @Option(name: .shortAndLong, help: "The ONNX file to write.")
    var output: String

    @Option(help: "ai.onnx opset for models that did not come from an ONNX file.")
    var opset: Int = 17

    @Option(help: "Seed of the synthetic weights given to tensors without data.")
    var seed: UInt64 = ONNXSyntheticWeights.defaultSeed

    @Option(name: .customLong("bind"), help: "Fix a symbolic dimension before writing, e.g. --bind N=1 (repeatable).")
    var bind: [String] = []

    func validate() throws {
        guard (7...24).contains(opset) else { throw CLIError("--opset must be between 7 and 24") }
    }

    func run() throws {
        var m = try ModelReference.load(model)
        if !bind.isEmpty {
            let given = Set(bind.map { String($0.split(separator: "=", maxSplits: 1).first ?? "") })
            let bindings = try ModelReference.bindings(batch: 1, assignments: bind).filter { given.contains($0.key) }
            do { m.graph = try m.graph.binding(bindings) } catch let e as IRError { throw CLIError("\(model): \(e.description)") }
        }
        let report: ONNXExporter.Report
        do {
            report = try ONNXExporter.write(m, to: output, options: .init(opset: opset, syntheticSeed: seed))
        } catch let e as ONNXExportError {
            throw CLIError("\(model): \(e.description)")
        } catch let e as IRError {
            throw CLIError("\(model): \(e.description)")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        let opsets = report.opsets.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "ai.onnx" : $0.key) \($0.value)" }
        print("wrote \(output) (\(Format.bytes(size))): opset \(opsets.joined(separator: ", "))")
        if report.quantizedTensors > 0 { print("quantized tensors as QDQ: \(report.quantizedTensors)") }
        if !report.lowered.isEmpty {
            print("lowered: " + report.lowered.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) ×\($0.value)" }.joined(separator: ", "))
        }
        for n in report.notes { print("note: \(n)") }
    }
}
