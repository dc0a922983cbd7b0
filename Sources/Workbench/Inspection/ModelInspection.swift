import EdgeIR

/// Everything `edgewise inspect` and the Models screen show about one model, as a value.
///
/// Encoded to JSON this is the documented, versioned `edgewise.inspect` schema (docs/json-schema.md):
/// additive changes keep ``schemaVersion``; anything that renames or removes a field bumps it.
/// Every figure here is computed exactly from the graph (``provenance`` = "computed"), not measured
/// or estimated.
public struct ModelInspection: Codable, Sendable {
    public static let currentSchemaVersion = 1

    public var schema = "edgewise.inspect"
    public var schemaVersion = ModelInspection.currentSchemaVersion
    public var provenance = "computed"
    public var model: ModelInfo
    public var bindings: [String: Int]
    /// Symbols of a file's inputs that nobody bound, taken as 1 so a file always inspects (a subset of
    /// ``bindings``); anonymous dimensions are named `input[axis]` first. Absent for catalog models.
    public var assumedBindings: [String: Int]?
    public var summary: Summary
    public var layers: [Layer]
    public var tensors: [TensorRow]?
    public var inference: InferenceNotes

    public struct ModelInfo: Codable, Sendable {
        public var source: String
        public var format: String
        public var producer: String?
        public var formatVersion: String?
        public var task: String?
        public var properties: [String: String]
        public var notes: [String]
    }

    public struct Value: Codable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [DimValue]
    }

    /// A dimension in JSON: a number, or a symbol's name.
    public enum DimValue: Codable, Sendable, Equatable {
        case value(Int)
        case symbol(String)

        public init(_ d: Dim) {
            switch d {
            case .value(let v): self = .value(v)
            case .symbol(let s): self = .symbol(s)
            }
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let v = try? c.decode(Int.self) { self = .value(v) } else { self = .symbol(try c.decode(String.self)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .value(let v): try c.encode(v)
            case .symbol(let s): try c.encode(s)
            }
        }
    }

    public struct Summary: Codable, Sendable {
        public var parameters: Int
        public var parametersByType: [String: Int]
        public var weightBytes: Int
        public var weightBytesByType: [String: Int]
        public var macs: Int
        public var flops: Int
        public var otherFlops: Int
        public var bytesRead: Int
        public var bytesWritten: Int
        public var arithmeticIntensity: Double
        public var peakActivationBytes: Int
        public var peakAtNode: String?
        public var stateBytes: Int
        public var nodeCount: Int
        public var opHistogram: [String: Int]
        public var inputs: [Value]
        public var outputs: [Value]
    }

    public struct Layer: Codable, Sendable {
        public var name: String
        public var op: String
        public var outputShapes: [[DimValue]]
        public var parameters: Int
        public var weightBytes: Int
        public var weightType: String?
        public var macs: Int
        public var flops: Int
        /// This layer's share of the model's FLOPs, in [0, 1].
        public var share: Double
        public var arithmeticIntensity: Double
        public var bytesRead: Int
        public var bytesWritten: Int
        /// Live activation bytes while this layer runs.
        public var liveBytes: Int
    }

    public struct TensorRow: Codable, Sendable {
        public var name: String
        public var dtype: String
        public var shape: [DimValue]
        public var elements: Int?
        public var bytes: Int?
        public var quantization: String?
        /// `absent` (architecture only), `memory`, or `mapped` (a slice of the model file).
        public var storage: String
        public var file: String?
        public var offset: Int?
        public var length: Int?
    }

    public struct InferenceNotes: Codable, Sendable {
        public var unknownOps: [String: Int]
        public var untypedValues: [String]
        public var issues: [String]
        public var uncostedOps: [String: Int]
        /// Nodes whose shapes stay unknown after binding (data-dependent): weights counted, arithmetic not.
        public var unresolvedNodes: [String]?
    }
}

extension ModelInspection {
    /// Inspects a model with its symbols bound.
    ///
    /// - Parameters:
    ///   - bindings: values for symbolic input dimensions (`["N": 1]`); symbols no input uses are ignored.
    ///   - includeTensors: list every constant tensor with its storage (for files; catalog weights are absent).
    ///
    /// A catalog model must be fully bound. A file is inspected whatever its inputs say: an anonymous input
    /// dimension (`?`) is named `input[axis]`, a symbol left unbound is taken as 1 (``assumedBindings``),
    /// and nodes whose shapes depend on data are costed for their weights only (``InferenceNotes/unresolvedNodes``).
    /// - Throws: ``IRError`` if a catalog model's shape is still symbolic after binding, or inference fails.
    public init(model: Model, bindings: [String: Int], includeTensors: Bool) throws {
        var graph = model.graph
        let lenient = model.metadata.format != "zoo"
        if lenient { ModelInspection.nameAnonymousInputDimensions(&graph) }
        let used = Set(graph.inputSymbols)
        var effective = bindings.filter { used.contains($0.key) }
        var assumed: [String: Int] = [:]
        if lenient {
            for s in used where effective[s] == nil { assumed[s] = 1 }
            effective.merge(assumed) { a, _ in a }
        }
        let report = try graph.inferShapes(bindings: effective, strict: !lenient)
        let unresolved = graph.inputSymbols
        if let first = graph.inputs.first(where: { !$0.type.shape.isFullyKnown }), !unresolved.isEmpty {
            throw IRError.unresolvedDimension(value: first.name, shape: first.type.shape)
        }
        let cost = try graph.costReport(unresolvedShapes: lenient ? .skipArithmetic : .fail)
        var total = cost.total
        // Weights no node reads (a weights-only import: safetensors without a known config, GGUF of an
        // unsupported architecture) still count towards the model's size.
        var parametersByType = cost.parametersByType, bytesByType = cost.weightBytesByType
        let consumed = Set(graph.nodes.flatMap(\.inputs))
        // So do the weights of subgraph bodies (If/Loop/Scan: Silero VAD keeps all of its weights in `If`
        // branches); their arithmetic depends on which branch runs and is not counted.
        let unconsumed = graph.orderedConstants.filter { !consumed.contains($0.name) }
        let subgraphWeights = ModelInspection.subgraphParameters(of: graph)
        for t in unconsumed + subgraphWeights {
            let n = t.shape.elementCount ?? 0
            let b = (t.type.byteCount ?? 0) + (t.quantization?.overheadBytes(elements: n) ?? 0)
            total.parameters += n
            total.weightBytes += b
            parametersByType[t.dtype, default: 0] += n
            bytesByType[t.dtype, default: 0] += b
        }
        func value(_ v: ValueInfo) -> Value {
            Value(name: v.name, dtype: v.type.dtype.rawValue, shape: v.type.shape.dims.map(DimValue.init))
        }
        self.model = ModelInfo(source: model.metadata.source, format: model.metadata.format,
                               producer: model.metadata.producer, formatVersion: model.metadata.formatVersion,
                               task: model.metadata.task, properties: model.metadata.properties,
                               notes: model.metadata.notes)
        self.bindings = effective
        self.assumedBindings = lenient ? assumed : nil
        self.summary = Summary(
            parameters: total.parameters,
            parametersByType: Dictionary(uniqueKeysWithValues: parametersByType.map { ($0.key.rawValue, $0.value) }),
            weightBytes: total.weightBytes,
            weightBytesByType: Dictionary(uniqueKeysWithValues: bytesByType.map { ($0.key.rawValue, $0.value) }),
            macs: total.macs, flops: total.flops, otherFlops: total.otherFlops,
            bytesRead: total.bytesRead, bytesWritten: total.bytesWritten,
            arithmeticIntensity: total.arithmeticIntensity,
            peakActivationBytes: cost.peakActivationBytes,
            peakAtNode: cost.peakNodeIndex.map { cost.nodes[$0].name },
            stateBytes: cost.stateBytes, nodeCount: cost.nodes.count,
            opHistogram: Dictionary(uniqueKeysWithValues: cost.opHistogram.map { ($0.key.rawValue, $0.value) }),
            inputs: graph.inputs.filter { !graph.isConstant($0.name) }.map(value),
            outputs: graph.outputs.map(value))
        self.layers = cost.nodes.enumerated().map { i, n in
            Layer(name: n.name, op: n.op.rawValue, outputShapes: n.outputs.map { $0.shape.dims.map(DimValue.init) },
                  parameters: n.cost.parameters, weightBytes: n.cost.weightBytes, weightType: n.weightType?.rawValue,
                  macs: n.cost.macs, flops: n.cost.flops, share: cost.flopShare(i),
                  arithmeticIntensity: n.cost.arithmeticIntensity, bytesRead: n.cost.bytesRead,
                  bytesWritten: n.cost.bytesWritten,
                  liveBytes: i < cost.liveBytesTimeline.count ? cost.liveBytesTimeline[i] : 0)
        }
        self.tensors = includeTensors ? (graph.orderedConstants + subgraphWeights).map(ModelInspection.row) : nil
        self.inference = InferenceNotes(
            unknownOps: Dictionary(uniqueKeysWithValues: report.unknownOps.map { ($0.key.rawValue, $0.value) }),
            untypedValues: report.untypedValues, issues: report.issues,
            uncostedOps: Dictionary(uniqueKeysWithValues: cost.uncostedOps.map { ($0.key.rawValue, $0.value) }),
            unresolvedNodes: lenient ? cost.unresolvedNodes : nil)
    }

    /// Constants of all nested subgraphs that some subgraph node reads as a parameter (shape and index
    /// constants excluded, as in the main graph's cost), each counted once.
    static func subgraphParameters(of graph: Graph) -> [Tensor] {
        // A nested body may read a constant of an enclosing body (outer-scope names), so constants are
        // looked up across all bodies; names are unique model-wide in ONNX (SSA).
        var bodies: [Graph] = []
        var stack = graph.nodes.flatMap { $0.subgraphs.map(\.graph) }
        // The importers bound nesting depth; the budget also bounds a pathological breadth.
        while let g = stack.popLast(), bodies.count < 100_000 {
            bodies.append(g)
            for node in g.nodes { stack.append(contentsOf: node.subgraphs.map(\.graph)) }
        }
        var constants: [String: Tensor] = [:]
        for g in bodies { for (name, t) in g.constants where graph.constants[name] == nil { constants[name] = t } }
        var out: [Tensor] = []
        var seen = Set<String>()
        for g in bodies {
            for node in g.nodes {
                let schema = OpRegistry.schema(for: node.op)
                for (i, name) in node.inputs.enumerated() where !name.isEmpty {
                    guard let c = constants[name], !(schema?.nonParameterInputs.contains(i) ?? false),
                          !(schema?.bufferInputs.contains(i) ?? false), seen.insert(name).inserted else { continue }
                    out.append(c)
                }
            }
        }
        return out
    }

    /// Names every anonymous (`?`) dimension of the graph's inputs `input[axis]`, so it can be bound.
    static func nameAnonymousInputDimensions(_ graph: inout Graph) {
        for i in graph.inputs.indices where !graph.isConstant(graph.inputs[i].name) {
            let name = graph.inputs[i].name
            let dims = graph.inputs[i].type.shape.dims.enumerated().map { axis, d -> Dim in
                if case .symbol("?") = d { return .symbol("\(name)[\(axis)]") }
                return d
            }
            graph.inputs[i].type.shape = Shape(dims)
        }
    }

    static func row(_ t: Tensor) -> TensorRow {
        var storage = "absent", file: String?, offset: Int?, length: Int?
        switch t.storage {
        case .absent: break
        case .memory(let b):
            storage = "memory"
            length = b.count
        case .mapped(let f, let o, let l):
            storage = "mapped"
            file = f.path
            offset = o
            length = l
        }
        return TensorRow(name: t.name, dtype: t.dtype.rawValue, shape: t.shape.dims.map(DimValue.init),
                         elements: t.shape.elementCount, bytes: t.type.byteCount,
                         quantization: t.quantization?.summary, storage: storage, file: file, offset: offset, length: length)
    }
}
