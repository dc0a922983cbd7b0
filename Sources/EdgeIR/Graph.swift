/// A named, typed value at a graph boundary (an input or output).
public struct ValueInfo: Sendable, Hashable {
    public var name: String
    public var type: TensorType
    /// State carried between invocations rather than fresh input: an LLM's KV cache, an RNN state.
    /// Cost reports list state bytes separately because they stay resident between runs.
    public var isState: Bool

    public init(name: String, type: TensorType, isState: Bool = false) {
        self.name = name
        self.type = type
        self.isState = isState
    }
}

/// A dataflow graph: inputs, constants, nodes and outputs, with the types inference gave each value.
///
/// `Graph` is a value type. Transformations return a changed copy; in debug builds every
/// transformation in Edgewise ends with ``checkInvariants()``, so a pass that breaks the graph is
/// caught where it happens rather than three layers later.
public struct Graph: Sendable {
    public var name: String
    public var inputs: [ValueInfo]
    public var outputs: [ValueInfo]
    public var nodes: [Node]
    /// Constant tensors by name (weights, biases, shape arguments).
    public private(set) var constants: [String: Tensor]
    /// Constant names in insertion order, so reports and exports are deterministic.
    public private(set) var constantOrder: [String]
    /// The type of every value, as inference (or an importer's declared value_info) gave it.
    public var valueTypes: [String: TensorType]
    /// Integer contents of small values whose contents are known statically (shape arithmetic:
    /// `Shape → Gather → Concat → Reshape`). Filled by shape inference.
    public var knownValues: [String: [Int64]]
    /// Types an importer read from the file (ONNX `value_info`, TFLite tensor shapes). Inference
    /// prefers its own result and falls back to these for ops it has no rule for.
    public var declaredTypes: [String: TensorType]

    public init(name: String = "graph", inputs: [ValueInfo] = [], outputs: [ValueInfo] = [], nodes: [Node] = []) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.nodes = nodes
        self.constants = [:]
        self.constantOrder = []
        self.valueTypes = [:]
        self.knownValues = [:]
        self.declaredTypes = [:]
        for i in inputs { valueTypes[i.name] = i.type }
    }

    /// Adds or replaces a constant.
    public mutating func setConstant(_ t: Tensor) {
        if constants.updateValue(t, forKey: t.name) == nil { constantOrder.append(t.name) }
        valueTypes[t.name] = t.type
        if t.dtype.isInteger, let v = t.integerValues(limit: 64) { knownValues[t.name] = v }
    }

    /// Removes a constant (no effect if absent).
    public mutating func removeConstant(named name: String) {
        guard constants.removeValue(forKey: name) != nil else { return }
        constantOrder.removeAll { $0 == name }
        valueTypes[name] = nil
        knownValues[name] = nil
    }

    /// Constants in insertion order.
    public var orderedConstants: [Tensor] { constantOrder.compactMap { constants[$0] } }

    public func isConstant(_ value: String) -> Bool { constants[value] != nil }
    public func isGraphInput(_ value: String) -> Bool { inputs.contains { $0.name == value } }

    /// The type of a value, if known.
    public func type(of value: String) -> TensorType? { valueTypes[value] }

    /// The index of the node producing each value.
    public var producers: [String: Int] {
        var p: [String: Int] = [:]
        p.reserveCapacity(nodes.count * 2)
        for (i, n) in nodes.enumerated() { for o in n.outputs where !o.isEmpty { p[o] = i } }
        return p
    }

    /// For each value, the indices of the nodes that read it (directly or from a subgraph).
    public var consumers: [String: [Int]] {
        var c: [String: [Int]] = [:]
        for (i, n) in nodes.enumerated() {
            for v in n.inputs where !v.isEmpty { c[v, default: []].append(i) }
            for v in n.implicitInputs { c[v, default: []].append(i) }
        }
        return c
    }
}

extension Node {
    /// Values a node's subgraphs read from the enclosing scope (ONNX lets If/Loop bodies do that).
    /// They are dependencies of the node for ordering and liveness.
    public var implicitInputs: [String] {
        if attributes.isEmpty { return [] }
        var out: [String] = []
        for (_, g) in subgraphs { out.append(contentsOf: g.freeValues(depth: 0)) }
        return out
    }
}

extension Graph {
    /// Maximum nesting of subgraphs the IR follows; deeper nesting is reported, never recursed into.
    public static let maxSubgraphDepth = 32

    /// Values this graph reads that it does not define: outer-scope references of a subgraph.
    func freeValues(depth: Int) -> [String] {
        guard depth < Graph.maxSubgraphDepth else { return [] }
        var defined = Set(inputs.map(\.name))
        defined.formUnion(constants.keys)
        for n in nodes { defined.formUnion(n.outputs) }
        var free: [String] = []
        var seen = Set<String>()
        for n in nodes {
            var reads = n.inputs.filter { !$0.isEmpty }
            for (_, g) in n.subgraphs { reads.append(contentsOf: g.freeValues(depth: depth + 1)) }
            for v in reads where !defined.contains(v) && seen.insert(v).inserted { free.append(v) }
        }
        return free
    }
}
