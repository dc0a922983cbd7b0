import ArgumentParser
import EdgeIR
import Foundation
import Workbench

/// `edgewise inspect MODEL`: size, compute and memory of a model, per layer.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a model's parameters, weight bytes, MACs, FLOPs, peak memory and per-layer costs.")

    @Argument(help: "zoo:<id>[?key=value&…] or a model file.")
    var model: String

    @Option(help: "Batch size bound to the symbolic batch dimension N.")
    var batch: Int = 1

    @Option(name: .customLong("bind"), help: "Bind another symbolic dimension, e.g. --bind S=128 (repeatable).")
    var bind: [String] = []

    @Flag(help: "Emit the edgewise.inspect JSON document (docs/json-schema.md).")
    var json = false

    @Flag(help: "List every weight tensor with its storage type and file location.")
    var tensors = false

    @Option(help: "Show at most this many layers in the table (0 = all).")
    var top: Int = 0

    @Option(help: "Sort layers by: order, macs, params, bytes, intensity.")
    var sort: String = "order"

    func validate() throws {
        guard batch >= 1 else { throw CLIError("--batch must be ≥ 1") }
        guard top >= 0 else { throw CLIError("--top must be ≥ 0") }
        guard ["order", "macs", "params", "bytes", "intensity"].contains(sort) else {
            throw CLIError("--sort must be one of order, macs, params, bytes, intensity")
        }
    }

    func run() throws {
        let m = try ModelReference.load(model)
        let bindings = try ModelReference.bindings(batch: batch, assignments: bind)
        let inspection: ModelInspection
        do {
            inspection = try ModelInspection(model: m, bindings: bindings,
                                             includeTensors: tensors || (json && m.metadata.format != "zoo"))
        } catch let e as IRError {
            throw CLIError("\(model): \(e.description)")
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            FileHandle.standardOutput.write(try enc.encode(inspection))
            print()
            return
        }
        print(InspectText.render(inspection, top: top, sort: sort))
    }
}

/// Text rendering of an inspection for the terminal.
enum InspectText {
    static func render(_ r: ModelInspection, top: Int, sort: String) -> String {
        var out: [String] = []
        let s = r.summary
        out.append("\(r.model.source)  [\(r.model.format)\(r.model.formatVersion.map { " " + $0 } ?? "")\(r.model.producer.map { ", " + $0 } ?? "")]")
        if let task = r.model.task { out.append("task: \(task)") }
        if !r.bindings.isEmpty {
            let assumed = r.assumedBindings ?? [:]
            out.append("bound: " + r.bindings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                + (assumed.isEmpty ? "" : "  (assumed: " + assumed.keys.sorted().joined(separator: " ") + "; --bind SYMBOL=N to change)"))
        }
        out.append("figures: computed exactly from the graph (not measured)")
        out.append("")
        out.append("inputs:  " + s.inputs.map { "\($0.name) \($0.dtype)\(shape($0.shape))" }.joined(separator: ", "))
        out.append("outputs: " + s.outputs.map { "\($0.name) \($0.dtype)\(shape($0.shape))" }.joined(separator: ", "))
        out.append("parameters:       \(Format.si(s.parameters)) (\(s.parameters))")
        let byType = s.weightBytesByType.sorted { $0.value > $1.value }.map { "\($0.key) \(Format.bytes($0.value))" }
        out.append("weight bytes:     \(Format.bytes(s.weightBytes))" + (byType.isEmpty ? "" : "  (" + byType.joined(separator: ", ") + ")"))
        out.append("MACs:             \(Format.si(s.macs)) (\(s.macs))")
        out.append("FLOPs:            \(Format.si(s.flops))  (2 × MACs + \(Format.si(s.otherFlops)) other)")
        out.append("memory traffic:   \(Format.bytes(s.bytesRead)) read, \(Format.bytes(s.bytesWritten)) written; intensity \(String(format: "%.1f", s.arithmeticIntensity)) FLOP/B")
        out.append("peak activations: \(Format.bytes(s.peakActivationBytes))" + (s.peakAtNode.map { " at \($0)" } ?? ""))
        if s.stateBytes > 0 { out.append("state (KV cache): \(Format.bytes(s.stateBytes))") }
        out.append("nodes:            \(s.nodeCount)")
        out.append("ops:              " + s.opHistogram.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for n in r.model.notes { out.append("note: \(n)") }
        if !r.inference.unknownOps.isEmpty {
            out.append("no shape rule: " + r.inference.unknownOps.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        for i in r.inference.issues.prefix(5) { out.append("issue: \(i)") }
        if let u = r.inference.unresolvedNodes, !u.isEmpty {
            out.append("shape unknown: \(u.count) node\(u.count == 1 ? "" : "s") (data-dependent; weights counted, arithmetic not: totals are a lower bound), e.g. \(u.prefix(3).joined(separator: ", "))")
        }
        if !r.inference.uncostedOps.isEmpty {
            out.append("not costed: " + r.inference.uncostedOps.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        }
        out.append("")
        var layers = r.layers
        switch sort {
        case "macs": layers.sort { $0.macs > $1.macs }
        case "params": layers.sort { $0.parameters > $1.parameters }
        case "bytes": layers.sort { $0.bytesRead + $0.bytesWritten > $1.bytesRead + $1.bytesWritten }
        case "intensity": layers.sort { $0.arithmeticIntensity > $1.arithmeticIntensity }
        default: break
        }
        if top > 0 { layers = Array(layers.prefix(top)) }
        var t = TextTable([("layer", .left), ("op", .left), ("output", .left), ("params", .right), ("MACs", .right),
                           ("share", .right), ("FLOP/B", .right)])
        for l in layers {
            t.add([l.name, l.op, l.outputShapes.map(shape).joined(separator: " "), Format.si(l.parameters),
                   Format.si(l.macs), Format.percent(l.share), String(format: "%.1f", l.arithmeticIntensity)])
        }
        out.append(t.render())
        if let tensors = r.tensors {
            out.append("")
            var tt = TextTable([("tensor", .left), ("type", .left), ("shape", .left), ("bytes", .right), ("storage", .left),
                                ("offset", .right), ("quantization", .left)])
            for x in tensors {
                tt.add([x.name, x.dtype, shape(x.shape), x.bytes.map(Format.bytes) ?? "?", x.storage,
                        x.offset.map(String.init) ?? "", x.quantization ?? ""])
            }
            out.append(tt.render())
        }
        return out.joined(separator: "\n")
    }

    static func shape(_ dims: [ModelInspection.DimValue]) -> String {
        "[" + dims.map { d -> String in
            switch d {
            case .value(let v): return String(v)
            case .symbol(let s): return s
            }
        }.joined(separator: ",") + "]"
    }
}
