import EdgeIR
import EdgeImport
import EdgeOptimize
import EdgeSim
import EdgeZoo
import Foundation

/// A workspace model made ready for the workbench: its graph with shapes bound, the per-layer inspection the
/// Models screen lists, and the device-independent workload the simulator costs.
///
/// Built once per model when a workspace opens (the cost report is the expensive part); everything the screens
/// recompute on a keypress starts from here.
public struct WorkbenchModel: Sendable {
    public var slot: ModelSlot
    /// The graph with symbolic batch dimensions bound to 1 and shapes inferred.
    public var graph: Graph
    public var metadata: ModelMetadata
    public var inspection: ModelInspection
    public var workload: Workload
    /// For each workload layer, whether quantization acts on it (it has a weight a strategy retypes).
    public var isWeighted: [Bool]
    /// The layer's weight tensor name, for weighted layers.
    public var weightName: [String?]
    /// What the model's own weights are (catalog models: float32, architecture only).
    public var storedPrecision: LayerPrecision

    /// Loads `slot` (a `zoo:` reference or a model file) and prepares it.
    /// - Throws: ``WorkbenchError/model(reference:reason:)`` with the catalog's or importer's message.
    public init(slot: ModelSlot) throws {
        let model: Model
        do {
            if slot.reference.hasPrefix("zoo:") {
                model = try Zoo.model(slot.reference)
            } else {
                let path = EvalData.resolve(slot.reference)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw WorkbenchError.model(reference: slot.reference,
                                               reason: EvalData.missingCacheHint(slot.reference).map { "\(path) \($0)" } ?? "no such file")
                }
                model = try ModelLoader.load(path: path)
            }
        } catch let e as WorkbenchError {
            throw e
        } catch {
            throw WorkbenchError.model(reference: slot.reference, reason: "\(error)")
        }
        try self.init(slot: slot, model: model)
    }

    /// Prepares an already loaded model.
    public init(slot: ModelSlot, model: Model) throws {
        self.slot = slot
        metadata = model.metadata
        // Batch 1: the usual names, and any symbol leading an input's shape (exporters name it freely: Magika's
        // tf2onnx graph calls its batch `unk__214`).
        var bindings = ["N": 1, "batch": 1, "batch_size": 1]
        if model.metadata.format != "zoo" {
            for i in model.graph.inputs { if case .symbol(let s)? = i.type.shape.dims.first, s != "?" { bindings[s] = 1 } }
        }
        do {
            inspection = try ModelInspection(model: model, bindings: bindings, includeTensors: false)
            var g = model.graph
            let used = Set(g.inputSymbols)
            _ = try g.inferShapes(bindings: bindings.filter { used.contains($0.key) }, strict: model.metadata.format == "zoo")
            graph = g
            workload = try Workload(graph: g, name: slot.label)
        } catch {
            throw WorkbenchError.model(reference: slot.reference, reason: "\(error)")
        }
        var weighted: [Bool] = []
        var names: [String?] = []
        weighted.reserveCapacity(graph.nodes.count)
        for n in graph.nodes {
            let w = StrategyEstimate.weightedOps.contains(n.op) ? WorkbenchModel.weightInput(n, graph) : nil
            names.append(w)
            weighted.append(w != nil)
        }
        isWeighted = weighted
        weightName = names
        storedPrecision = WorkbenchModel.precision(of: graph)
    }

    /// The main weight of a weighted node (the name of a constant input), following the same rule as
    /// ``StrategyEstimate``: the second input of convolutions and products, the table of lookups.
    static func weightInput(_ n: Node, _ g: Graph) -> String? {
        func constant(_ i: Int) -> String? { i < n.inputs.count && g.isConstant(n.inputs[i]) ? n.inputs[i] : nil }
        switch n.op {
        case .gather: return constant(0)
        case .embedding: return constant(1)
        case .matMul, .gemm: return constant(1) ?? constant(0)
        default: return constant(1)
        }
    }

    /// The precision the stored weights amount to (the type holding most weight bytes).
    static func precision(of g: Graph) -> LayerPrecision {
        var bytes: [DType: Int] = [:]
        for t in g.constants.values { bytes[t.dtype, default: 0] += t.type.byteCount ?? 0 }
        guard let top = bytes.max(by: { $0.value < $1.value })?.key else { return .fp32 }
        switch top {
        case .float16, .bfloat16: return .fp16
        case .int8, .uint8: return .int8
        case .int4, .uint4: return .int4
        default: return top.isBlockFormat ? .int4 : .fp32
        }
    }

    /// Number of layers (graph nodes, in order).
    public var layerCount: Int { workload.layers.count }
}

/// Errors the workbench reports to the user in one line.
public enum WorkbenchError: Error, Sendable, Equatable, CustomStringConvertible {
    case model(reference: String, reason: String)
    case noSuchPipeline(String)
    case simulation(device: String, reason: String)
    case evaluation(String)

    public var description: String {
        switch self {
        case .model(let r, let why): return "\(r): \(why)"
        case .noSuchPipeline(let p): return "no pipeline named '\(p)'"
        case .simulation(let d, let why): return "\(d): \(why)"
        case .evaluation(let m): return "evaluation: \(m)"
        }
    }
}
