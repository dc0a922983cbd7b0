/// Builds a graph node by node, inferring each node's output types as it is added.
///
/// The catalog generates architectures with it; tests build hand-made graphs with it. Because
/// inference runs per node, a builder can ask for a value's shape mid-construction (a ResNet stage
/// needs its input's channel count), and a mistake fails at the line that made it.
///
/// Node names are scoped: inside `scope("layer1.0") { … }` a node named `conv1` becomes
/// `layer1.0.conv1`, matching the per-layer names of the reference implementations.
public struct GraphBuilder {
    public private(set) var graph: Graph
    private var scopes: [String] = []
    private var counters: [String: Int] = [:]

    public init(name: String) {
        graph = Graph(name: name)
    }

    /// Adds a graph input.
    @discardableResult
    public mutating func input(_ name: String, _ dtype: DType, _ shape: Shape, isState: Bool = false) -> String {
        graph.inputs.append(ValueInfo(name: name, type: TensorType(dtype, shape), isState: isState))
        graph.valueTypes[name] = TensorType(dtype, shape)
        return name
    }

    /// Adds a weight with the given type and shape; its data is absent unless `storage` says otherwise.
    @discardableResult
    public mutating func weight(_ name: String, _ dtype: DType = .float32, _ shape: Shape,
                                quantization: Quantization? = nil, storage: TensorStorage = .absent) -> String {
        let full = qualified(name)
        graph.setConstant(Tensor(name: full, type: TensorType(dtype, shape), quantization: quantization, storage: storage))
        return full
    }

    /// Adds a small int64 constant (a shape or axes argument) with its values in memory.
    @discardableResult
    public mutating func ints(_ name: String, _ values: [Int64]) -> String {
        let full = unique(qualified(name))
        graph.setConstant(.int64(full, values))
        return full
    }

    /// Adds a small float32 constant (Resize scales) with its values in memory.
    @discardableResult
    public mutating func floats(_ name: String, _ values: [Float]) -> String {
        let full = unique(qualified(name))
        graph.setConstant(.float32(full, values, shape: Shape([values.count])))
        return full
    }

    /// Adds a node and infers its outputs' types.
    ///
    /// - Parameters:
    ///   - name: the node's name inside the current scope (default: the op name, numbered).
    ///   - outputs: how many outputs the node has.
    /// - Returns: the names of the outputs.
    /// - Throws: the ``IRError`` shape inference raised, naming the node.
    @discardableResult
    public mutating func add(_ op: OpType, _ inputs: [String], _ attributes: [String: Attribute] = [:],
                             name: String? = nil, outputs: Int = 1) throws -> [String] {
        let nodeName = unique(qualified(name ?? op.rawValue))
        let outs = outputs == 1 ? [nodeName] : (0..<outputs).map { "\(nodeName):\($0)" }
        let node = Node(name: nodeName, op: op, inputs: inputs, outputs: outs, attributes: attributes)
        for v in inputs where !v.isEmpty && graph.valueTypes[v] == nil {
            throw IRError.danglingInput(node: nodeName, input: v)
        }
        let (types, values) = try graph.inferTypes(of: node)
        guard let types, types.count >= outs.count else {
            throw IRError.arity(node: nodeName, op: op, detail: "no shape rule for \(outputs) output(s)")
        }
        for (k, o) in outs.enumerated() {
            graph.valueTypes[o] = types[k]
            if k < values.count, let v = values[k] { graph.knownValues[o] = v }
        }
        graph.nodes.append(node)
        return outs
    }

    /// Adds a single-output node and returns its output.
    @discardableResult
    public mutating func apply(_ op: OpType, _ inputs: [String], _ attributes: [String: Attribute] = [:],
                               name: String? = nil) throws -> String {
        try add(op, inputs, attributes, name: name)[0]
    }

    /// The inferred type of a value.
    public func type(of value: String) -> TensorType {
        graph.valueTypes[value] ?? TensorType(.float32, .scalar)
    }

    /// The inferred shape of a value as numbers (symbolic dimensions read as −1).
    public func dims(of value: String) -> [Int] {
        type(of: value).shape.dims.map { $0.value ?? -1 }
    }

    /// Marks values as graph outputs.
    public mutating func output(_ values: String...) {
        for v in values { graph.outputs.append(ValueInfo(name: v, type: type(of: v))) }
    }

    public mutating func output(_ values: [String]) {
        for v in values { graph.outputs.append(ValueInfo(name: v, type: type(of: v))) }
    }

    /// Runs `body` with node and weight names prefixed by `prefix.`.
    public mutating func scope<R>(_ prefix: String, _ body: (inout GraphBuilder) throws -> R) rethrows -> R {
        scopes.append(prefix)
        defer { scopes.removeLast() }
        return try body(&self)
    }

    /// Returns the finished graph after a structural check.
    public func finish() throws -> Graph {
        try graph.checkStructure(outerScope: [], depth: 0)
        return graph
    }

    /// Replaces the graph under construction (for helpers that edit constants directly).
    public mutating func replaceGraph(_ g: Graph) { graph = g }

    private func qualified(_ name: String) -> String {
        let parts = (scopes + [name]).filter { !$0.isEmpty }
        return parts.joined(separator: ".")
    }

    private mutating func unique(_ name: String) -> String {
        if graph.valueTypes[name] == nil && counters[name] == nil {
            counters[name] = 1
            return name
        }
        var k = counters[name, default: 1]
        var candidate = "\(name)_\(k)"
        while graph.valueTypes[candidate] != nil { k += 1; candidate = "\(name)_\(k)" }
        counters[name] = k + 1
        return candidate
    }
}
