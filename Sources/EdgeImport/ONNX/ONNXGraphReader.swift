import EdgeIR
import Foundation

/// Turns decoded ONNX graph messages into IR graphs: nodes, attributes, constants and value types.
///
/// Conventions the IR takes from ONNX: an initializer whose name is also a graph input is a constant
/// (the input only gives it a default that callers could override), `Constant` nodes become constants
/// named after their output, and `value_info` types become ``Graph/declaredTypes``. Subgraphs of
/// `If`/`Loop`/`Scan` become `.graph`/`.graphs` attributes, read with the same rules, at most
/// ``Graph/maxSubgraphDepth`` deep.
struct ONNXGraphReader {
    let file: MappedFile
    let payloads: [ONNXWireLocator.Payload]
    /// Operator set version by domain (`""` is ai.onnx).
    let opsets: [String: Int]
    var notes = ONNXImportNotes()
    let external: ONNXExternalData
    /// Subgraphs read, by the op type that holds them.
    private(set) var subgraphs: [OpType: Int] = [:]
    /// Graph inputs that were dropped because an initializer gives them a value.
    private(set) var shadowedInputs = 0
    /// Subgraph outputs whose type or rank the file leaves undeclared (typed after import by inference).
    var placeholderOutputs: Set<String> = []
    /// Boundary types the IR cannot hold (sequences, maps, unknown rank, untyped), as ``ONNXTypeNotation``.
    var originalTypes: [String: String] = [:]

    init(file: MappedFile, payloads: [ONNXWireLocator.Payload], opsets: [String: Int]) {
        self.file = file
        self.payloads = payloads
        self.opsets = opsets
        self.external = ONNXExternalData(modelPath: file.path)
    }

    func fail(_ field: String, _ offset: UInt64?, _ reason: String) -> ImportError {
        ImportError(format: "onnx", file: file.path, field: field, offset: offset.map { Int(clamping: $0) }, reason: reason)
    }

    /// Reads the model's main graph.
    mutating func readMainGraph(_ g: Onnx_GraphProto) throws(ImportError) -> Graph {
        if let v = opsets[""], v < 7 {
            notes.add("legacy opset ai.onnx \(v) (< 7): imported as is; pre-7 semantics (broadcast and consumed_inputs attributes) are not interpreted")
        }
        return try readGraph(g, path: "graph", depth: 0)
    }

    /// Reads one graph (main graph or subgraph) at nesting `depth`.
    mutating func readGraph(_ g: Onnx_GraphProto, path: String, depth: Int) throws(ImportError) -> Graph {
        guard depth <= Graph.maxSubgraphDepth else {
            throw fail(path, g.edgewiseOffset, "subgraphs nested deeper than \(Graph.maxSubgraphDepth) levels")
        }
        var graph = Graph(name: g.name)
        for (i, t) in g.initializer.enumerated() {
            let p = "\(path).initializer[\(i)]"
            guard !t.name.isEmpty else { throw fail(p + ".name", t.edgewiseOffset, "initializer has no name") }
            guard !graph.isConstant(t.name) else { throw fail(p + ".name", t.edgewiseOffset, "duplicate initializer '\(t.name)'") }
            graph.setConstant(try readTensor(t, name: t.name, path: p))
        }
        for (i, s) in g.sparseInitializer.enumerated() {
            let p = "\(path).sparse_initializer[\(i)]"
            let name = s.values.name
            guard !name.isEmpty else { throw fail(p + ".values.name", s.edgewiseOffset, "sparse initializer has no name") }
            guard !graph.isConstant(name) else { throw fail(p, s.edgewiseOffset, "duplicate initializer '\(name)'") }
            graph.setConstant(try readSparseTensor(s, name: name, path: p))
        }
        var inputNames = Set<String>()
        for (i, v) in g.input.enumerated() {
            let p = "\(path).input[\(i)]"
            if graph.isConstant(v.name) {
                shadowedInputs += 1
                continue
            }
            graph.inputs.append(ValueInfo(name: v.name, type: try boundaryType(v, path: p, role: "input")))
            inputNames.insert(v.name)
        }
        for (i, n) in g.node.enumerated() {
            let p = "\(path).node[\(i)]"
            if n.opType == "Constant" && (n.domain.isEmpty || n.domain == "ai.onnx") {
                let t = try readConstantNode(n, path: p)
                if graph.isConstant(t.name) || inputNames.contains(t.name) {
                    throw fail(p + ".output", n.edgewiseOffset, "value '\(t.name)' is defined more than once")
                }
                graph.setConstant(t)
                continue
            }
            graph.nodes.append(try readNode(n, index: i, path: p, depth: depth))
        }
        for (i, v) in g.output.enumerated() {
            let p = "\(path).output[\(i)]"
            let t = try boundaryType(v, path: p, role: "output", inSubgraph: depth > 0)
            graph.outputs.append(ValueInfo(name: v.name, type: t))
            if hasTensorType(v) { graph.declaredTypes[v.name] = t }
        }
        for v in g.valueInfo where !v.name.isEmpty {
            if hasTensorType(v), let t = try? tensorType(v.type, name: v.name, path: path, role: "value") {
                graph.declaredTypes[v.name] = t
            }
        }
        // A subgraph is not inferred on its own (it reads values of the enclosing graph), so its
        // values keep the types the file declares.
        for (name, t) in graph.declaredTypes where graph.valueTypes[name] == nil { graph.valueTypes[name] = t }
        for i in graph.inputs { graph.valueTypes[i.name] = i.type }
        return graph
    }

    /// One node, with its attributes.
    mutating func readNode(_ n: Onnx_NodeProto, index: Int, path: String, depth: Int) throws(ImportError) -> Node {
        guard !n.opType.isEmpty else { throw fail(path + ".op_type", n.edgewiseOffset, "node has no op_type") }
        let domain = n.domain == "ai.onnx" ? "" : n.domain
        if !domain.isEmpty, opsets[domain] == nil {
            notes.add("domain:\(domain)", "domain '\(domain)' is used by nodes but not listed in opset_import")
        }
        let name = n.name.isEmpty ? "\(n.opType)_\(index)" : n.name
        var attributes: [String: Attribute] = [:]
        for (i, a) in n.attribute.enumerated() {
            let p = "\(path).attribute[\(i)]"
            guard !a.name.isEmpty else { throw fail(p + ".name", a.edgewiseOffset, "attribute has no name") }
            if let value = try readAttribute(a, node: name, op: OpType(n.opType), path: p, depth: depth) {
                attributes[a.name] = value
            }
        }
        return Node(name: name, op: OpType(n.opType), domain: domain, inputs: n.input, outputs: n.output, attributes: attributes)
    }

    /// The attribute's kind: its `type`, or for files that leave `type` unset, the field that holds a value.
    static func kind(of a: Onnx_AttributeProto) -> Onnx_AttributeProto.AttributeType {
        if a.hasType, a.type != .undefined { return a.type }
        if a.hasF { return .float }
        if a.hasI { return .int }
        if a.hasS { return .string }
        if a.hasT { return .tensor }
        if a.hasG { return .graph }
        if a.hasSparseTensor { return .sparseTensor }
        if !a.floats.isEmpty { return .floats }
        if !a.ints.isEmpty { return .ints }
        if !a.strings.isEmpty { return .strings }
        if !a.tensors.isEmpty { return .tensors }
        if !a.graphs.isEmpty { return .graphs }
        return .undefined
    }

    mutating func readAttribute(_ a: Onnx_AttributeProto, node: String, op: OpType, path: String,
                                depth: Int) throws(ImportError) -> Attribute? {
        if !a.refAttrName.isEmpty {
            notes.add("ref_attr", "attribute '\(a.name)' of node '\(node)' refers to a function attribute; not imported")
            return nil
        }
        switch Self.kind(of: a) {
        case .float: return .float(Double(a.f))
        case .int: return .int(Int(a.i))
        case .string: return .string(String(decoding: a.s, as: UTF8.self))
        case .floats: return .floats(a.floats.map(Double.init))
        case .ints: return .ints(a.ints.map { Int($0) })
        case .strings: return .strings(a.strings.map { String(decoding: $0, as: UTF8.self) })
        case .tensor:
            let name = a.t.name.isEmpty ? "\(node).\(a.name)" : a.t.name
            return .tensor(try readTensor(a.t, name: name, path: path + ".t"))
        case .graph:
            subgraphs[op, default: 0] += 1
            return .graph(try readGraph(a.g, path: path + ".g", depth: depth + 1))
        case .graphs:
            var gs: [Graph] = []
            for (k, g) in a.graphs.enumerated() {
                subgraphs[op, default: 0] += 1
                gs.append(try readGraph(g, path: "\(path).graphs[\(k)]", depth: depth + 1))
            }
            return .graphs(gs)
        case .undefined:
            notes.add("attr-empty", "attribute '\(a.name)' of node '\(node)' has no value; skipped")
            return nil
        case .tensors, .sparseTensor, .sparseTensors, .typeProto, .typeProtos:
            let kind = "\(Self.kind(of: a))"
            notes.add("attr-kind:\(kind)", "attribute '\(a.name)' of node '\(node)' (\(kind)) has no IR form; skipped")
            return nil
        }
    }

    /// A `Constant` node's value as a constant tensor named after the node's output.
    mutating func readConstantNode(_ n: Onnx_NodeProto, path: String) throws(ImportError) -> Tensor {
        guard n.output.count == 1, let name = n.output.first, !name.isEmpty else {
            throw fail(path + ".output", n.edgewiseOffset, "Constant must have exactly one named output")
        }
        guard n.attribute.count == 1, let a = n.attribute.first else {
            throw fail(path + ".attribute", n.edgewiseOffset, "Constant must have exactly one value attribute, found \(n.attribute.count)")
        }
        let p = path + ".attribute[0]"
        switch a.name {
        case "value":
            guard a.hasT else { throw fail(p + ".t", a.edgewiseOffset, "Constant 'value' holds no tensor") }
            return try readTensor(a.t, name: name, path: p + ".t")
        case "sparse_value":
            guard a.hasSparseTensor else { throw fail(p, a.edgewiseOffset, "Constant 'sparse_value' holds no sparse tensor") }
            return try readSparseTensor(a.sparseTensor, name: name, path: p + ".sparse_tensor")
        case "value_float": return .float32(name, [a.f], shape: .scalar)
        case "value_floats": return .float32(name, a.floats, shape: Shape([a.floats.count]))
        case "value_int": return .int64(name, [a.i], shape: .scalar)
        case "value_ints": return .int64(name, a.ints)
        case "value_string": return Tensor(name: name, type: TensorType(.string, .scalar))
        case "value_strings": return Tensor(name: name, type: TensorType(.string, Shape([a.strings.count])))
        default:
            throw fail(p + ".name", a.edgewiseOffset, "Constant has unknown value attribute '\(a.name)'")
        }
    }

    /// Notes that summarise the whole model (subgraphs, inputs with defaults, local functions).
    func summaryNotes(_ proto: Onnx_ModelProto) -> [String] {
        var out: [String] = []
        if !subgraphs.isEmpty {
            let total = subgraphs.values.reduce(0, +)
            let list = subgraphs.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            out.append("\(total) subgraph(s) imported as graph attributes (\(list)); shapes inside them are the file's declared ones")
        }
        if shadowedInputs > 0 {
            out.append("\(shadowedInputs) graph input(s) have initializers and are treated as constants")
        }
        if !proto.functions.isEmpty {
            let names = proto.functions.prefix(5).map { "\($0.domain.isEmpty ? "" : $0.domain + ".")\($0.name)" }
            out.append("model-local functions: \(names.joined(separator: ", "))\(proto.functions.count > 5 ? ", …" : ""); nodes calling them are imported without a shape rule")
        }
        return out
    }
}
