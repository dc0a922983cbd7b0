import EdgeIR
import Foundation

/// Turns IR graphs into `GraphProto`s: values, constants, attributes, and the nodes that lowering and
/// quantization add. One writer serves a whole model, so the names it invents are unique across
/// the main graph and every subgraph.
struct ONNXGraphWriter {
    /// ai.onnx opset the nodes are written for.
    var opset: Int
    /// Move attributes that later opsets made inputs, and lower IR-only ops (graphs not from ONNX).
    let legalize: Bool
    let seed: UInt64
    var report = ONNXExporter.Report()
    var usesEdgewiseDomain = false
    /// Operator domains other than ai.onnx that nodes use (each needs an opset import).
    var customDomains: Set<String> = []
    /// Boundary types recorded at import (``ONNXTypeNotation``), written instead of the IR's stand-ins.
    var originalTypes: [String: String] = [:]
    private var taken: Set<String> = []
    /// Nodes and constants that lowering adds to the graph being written.
    var added: [Onnx_NodeProto] = []
    var addedInitializers: [Onnx_TensorProto] = []

    init(opset: Int, legalize: Bool, seed: UInt64) {
        self.opset = opset
        self.legalize = legalize
        self.seed = seed
    }

    /// Records every value name in `g` and its subgraphs, so invented names never collide.
    mutating func collectNames(_ g: Graph, depth: Int = 0) {
        for i in g.inputs { taken.insert(i.name) }
        for o in g.outputs { taken.insert(o.name) }
        taken.formUnion(g.constants.keys)
        for n in g.nodes {
            taken.formUnion(n.outputs)
            taken.insert(n.name)
            if depth < Graph.maxSubgraphDepth { for (_, s) in n.subgraphs { collectNames(s, depth: depth + 1) } }
        }
    }

    /// A new value name starting with `base`.
    mutating func fresh(_ base: String) -> String {
        var name = base
        var k = 1
        while taken.contains(name) {
            name = "\(base)_\(k)"
            k += 1
        }
        taken.insert(name)
        return name
    }

    /// The lowest opset that can express the graph's quantized constants and its IR-only ops.
    func requiredOpset(_ g: Graph, depth: Int = 0) -> Int {
        var need = 1
        for t in g.constants.values {
            switch t.quantization {
            case .perAxis?: need = max(need, 13)
            case .perTensor?: need = max(need, 10)
            default: break
            }
            if t.quantization != nil, [.int4, .uint4, .int16, .uint16].contains(t.dtype) { need = max(need, 21) }
            if [.int4, .uint4].contains(t.dtype) { need = max(need, 21) }   // INT4/UINT4 tensors: ONNX 1.16, opset 21
        }
        for n in g.nodes {
            need = max(need, Self.minimumOpset(n))
            if depth < Graph.maxSubgraphDepth { for (_, s) in n.subgraphs { need = max(need, requiredOpset(s, depth: depth + 1)) } }
        }
        return need
    }

    /// The first opset with this node's ONNX form (for the forms the catalog and the lowerings write).
    static func minimumOpset(_ n: Node) -> Int {
        switch n.op.rawValue {
        case "LayerNormalization": return 17
        case "Resize" where n.attributes["axes"] != nil || n.attributes["antialias"] != nil: return 18
        case "Split" where n.attributes["num_outputs"] != nil: return 18
        case "Pad" where n.inputs.count > 3: return 18
        case "GroupNormalization": return 21  // per-channel scale and bias, as PyTorch and the catalog hold them
        case "DequantizeLinear" where n.attributes["block_size"] != nil, "QuantizeLinear" where n.attributes["block_size"] != nil: return 21
        case "RMSNormalization", "RotaryEmbedding": return 23
        default: return 1
        }
    }

    /// Writes one graph; subgraphs in attributes are written by the same writer.
    mutating func graph(_ g: Graph, depth: Int) throws -> Onnx_GraphProto {
        let outerAdded = added, outerInitializers = addedInitializers
        added = []
        addedInitializers = []
        defer {
            added = outerAdded
            addedInitializers = outerInitializers
        }
        var out = Onnx_GraphProto()
        out.name = g.name
        out.input = try g.inputs.map { try valueInfo($0.name, $0.type) }
        out.output = try g.outputs.map { try valueInfo($0.name, $0.type) }
        let integerReaders = integerConsumedValues(g)
        for t in g.orderedConstants {
            if let q = t.quantization, !integerReaders.contains(t.name) {
                try quantized(t, q)
            } else {
                out.initializer.append(try tensor(t))
            }
        }
        let dequantize = added
        added = []
        var nodes: [Onnx_NodeProto] = []
        for n in g.nodes {
            try emit(n, in: g, depth: depth)
            nodes.append(contentsOf: added)
            added = []
        }
        out.node = dequantize + nodes
        out.initializer.append(contentsOf: addedInitializers)
        return out
    }

    /// Constants that integer ops read as integers (they must not be replaced by a dequantized copy).
    func integerConsumedValues(_ g: Graph) -> Set<String> {
        let integerOps: Set<OpType> = ["QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger", "DequantizeLinear",
                                       "QuantizeLinear", "QGemm", "QLinearAdd", "QLinearMul"]
        var out = Set<String>()
        for n in g.nodes where integerOps.contains(n.op) { out.formUnion(n.inputs) }
        return out
    }

    // MARK: values and tensors

    func valueInfo(_ name: String, _ t: TensorType) throws -> Onnx_ValueInfoProto {
        if let text = originalTypes[name] {
            var v = Onnx_ValueInfoProto()
            v.name = name
            if let type = ONNXTypeNotation.parse(text) { v.type = type }
            return v
        }
        guard let code = t.dtype.onnxDataType else {
            throw ONNXExportError(field: "value '\(name)'", reason: "element type \(t.dtype.rawValue) has no ONNX equivalent")
        }
        var v = Onnx_ValueInfoProto()
        v.name = name
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = Int32(code)
        var shape = Onnx_TensorShapeProto()
        shape.dim = t.shape.dims.map { d in
            var x = Onnx_TensorShapeProto.Dimension()
            switch d {
            case .value(let n): x.dimValue = Int64(n)
            case .symbol(let s) where s != Dim.unknown.description: x.dimParam = s
            case .symbol: break  // unknown: neither field set
            }
            return x
        }
        tt.shape = shape
        v.type.tensorType = tt
        return v
    }

    /// A constant as an initializer; absent data gets synthetic values.
    mutating func tensor(_ t: Tensor, name: String? = nil) throws -> Onnx_TensorProto {
        let field = "tensor '\(t.name)'"
        guard let dims = t.shape.values, let n = t.shape.elementCount else {
            throw ONNXExportError(field: field, reason: "shape \(t.shape) is not fully known")
        }
        guard let code = t.dtype.onnxDataType else {
            throw ONNXExportError(field: field, reason: "element type \(t.dtype.rawValue) has no ONNX equivalent; dequantize it first")
        }
        var p = Onnx_TensorProto()
        p.name = name ?? t.name
        p.dims = dims.map { Int64($0) }
        p.dataType = Int32(code)
        if t.dtype == .string {
            p.stringData = Array(repeating: Data(), count: n)  // the IR does not keep string contents
            return p
        }
        if t.storage.isPresent {
            let bytes = t.storage.withBytes { Data($0) }
            guard bytes.count == t.type.byteCount else {
                throw ONNXExportError(field: field, reason: "holds \(bytes.count) bytes; \(t.type) needs \(t.type.byteCount ?? -1)")
            }
            p.rawData = bytes
        } else {
            guard let bytes = ONNXSyntheticWeights.bytes(for: t, seed: seed) else {
                throw ONNXExportError(field: field, reason: "no data and no synthetic form for \(t.type)")
            }
            p.rawData = Data(bytes)
            report.syntheticTensors += 1
        }
        return p
    }

    /// Adds an initializer made by lowering and returns its name.
    mutating func constant(_ base: String, _ t: Tensor) throws -> String {
        let name = fresh(base)
        var c = t
        c.name = name
        addedInitializers.append(try tensor(c))
        return name
    }

    mutating func ints(_ base: String, _ values: [Int64]) throws -> String {
        try constant(base, .int64(base, values))
    }

    mutating func floats(_ base: String, _ values: [Float], shape: Shape) throws -> String {
        try constant(base, .float32(base, values, shape: shape))
    }

    // MARK: nodes

    /// Appends a node to ``added``.
    mutating func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String,
                       domain: String = "", _ attributes: [String: Attribute] = [:], depth: Int) throws {
        var p = Onnx_NodeProto()
        p.opType = op
        p.name = name
        p.domain = domain
        p.input = inputs
        p.output = outputs
        for key in attributes.keys.sorted() {
            guard let a = attributes[key] else { continue }
            p.attribute.append(try attribute(key, a, node: name, depth: depth))
        }
        added.append(p)
    }

    mutating func attribute(_ name: String, _ a: Attribute, node: String, depth: Int) throws -> Onnx_AttributeProto {
        var p = Onnx_AttributeProto()
        p.name = name
        switch a {
        case .int(let v): p.type = .int; p.i = Int64(v)
        case .float(let v): p.type = .float; p.f = Float(v)
        case .string(let v): p.type = .string; p.s = Data(v.utf8)
        case .ints(let v): p.type = .ints; p.ints = v.map { Int64($0) }
        case .floats(let v): p.type = .floats; p.floats = v.map { Float($0) }
        case .strings(let v): p.type = .strings; p.strings = v.map { Data($0.utf8) }
        case .tensor(let t): p.type = .tensor; p.t = try tensor(t)
        case .graph(let g):
            guard depth < Graph.maxSubgraphDepth else {
                throw ONNXExportError(field: "node '\(node)'", reason: "subgraphs nested deeper than \(Graph.maxSubgraphDepth)")
            }
            p.type = .graph
            p.g = try graph(g, depth: depth + 1)
        case .graphs(let gs):
            guard depth < Graph.maxSubgraphDepth else {
                throw ONNXExportError(field: "node '\(node)'", reason: "subgraphs nested deeper than \(Graph.maxSubgraphDepth)")
            }
            p.type = .graphs
            p.graphs = try gs.map { try graph($0, depth: depth + 1) }
        }
        return p
    }
}
