/// What the IR knows about one operator: how to infer its output types and what it costs.
///
/// One small file per op family under `Ops/` registers its schemas; ``OpRegistry`` collects them.
public struct OpSchema: Sendable {
    public let op: OpType
    /// Inputs that are shape or index arguments (Reshape's `shape`, Slice's `starts` …), which are
    /// never counted as parameters even when constant.
    public let nonParameterInputs: Set<Int>
    /// Inputs that are stored state rather than learned weights (BatchNorm's running mean and
    /// variance): their bytes count as weight bytes but not as parameters, because PyTorch's
    /// `parameters()` (and so every published parameter count: torchvision, timm, papers) excludes buffers.
    public let bufferInputs: Set<Int>
    /// Output types from input types (and known values, for shape arithmetic).
    public let infer: @Sendable (inout InferenceContext) throws -> [TensorType]
    /// Arithmetic work of one execution with fully known shapes.
    public let work: @Sendable (WorkContext) -> Work

    public init(_ op: OpType, nonParameterInputs: Set<Int> = [], bufferInputs: Set<Int> = [],
                infer: @escaping @Sendable (inout InferenceContext) throws -> [TensorType],
                work: @escaping @Sendable (WorkContext) -> Work = { _ in Work() }) {
        self.op = op
        self.nonParameterInputs = nonParameterInputs
        self.bufferInputs = bufferInputs
        self.infer = infer
        self.work = work
    }
}

/// The arithmetic an op performs.
///
/// Convention (see docs/DECISIONS.md): a MAC is one multiply-add; FLOPs = 2 × MACs + `otherFlops`,
/// where `otherFlops` counts every other arithmetic operation (bias adds, activations, normalisation,
/// pooling comparisons, softmax exponentials …). Memory traffic defaults to "read every input, write
/// every output"; in-place ops (a KV-cache append) override it.
public struct Work: Sendable, Equatable {
    public var macs: Int
    public var otherFlops: Int
    public var bytesReadOverride: Int?
    public var bytesWrittenOverride: Int?

    public init(macs: Int = 0, otherFlops: Int = 0, bytesRead: Int? = nil, bytesWritten: Int? = nil) {
        self.macs = macs
        self.otherFlops = otherFlops
        self.bytesReadOverride = bytesRead
        self.bytesWrittenOverride = bytesWritten
    }
}

/// Inputs to shape inference for one node.
public struct InferenceContext {
    public let node: Node
    /// Input types in order; nil for an omitted optional input or an input whose type is unknown.
    public let inputs: [TensorType?]
    /// Statically known integer contents of inputs (shape arguments).
    public let inputValues: [[Int64]?]
    /// Contents of small constant floating-point inputs (Resize scales, Clip bounds).
    public let inputFloats: [[Double]?]
    /// Known integer contents of outputs, which an op may set (Shape, Gather on shapes, Concat …).
    public var outputValues: [[Int64]?]
    /// Types the importer declared for this node's outputs, used where a shape is data-dependent.
    public let declaredOutputs: [TensorType?]

    public init(node: Node, inputs: [TensorType?], inputValues: [[Int64]?], inputFloats: [[Double]?] = [],
                declaredOutputs: [TensorType?]) {
        self.node = node
        self.inputs = inputs
        self.inputValues = inputValues
        self.inputFloats = inputFloats
        self.outputValues = Array(repeating: nil, count: node.outputs.count)
        self.declaredOutputs = declaredOutputs
    }

    public var inputCount: Int { node.inputs.count }

    /// The type of a required input.
    /// - Throws: ``IRError/arity(node:op:detail:)`` if the input is missing, or
    ///   ``IRError/shapeMismatch(node:op:detail:)`` if its type is not known.
    public func input(_ i: Int) throws -> TensorType {
        guard i < node.inputs.count, !node.inputs[i].isEmpty else {
            throw IRError.arity(node: node.name, op: node.op, detail: "input \(i) is required but missing")
        }
        // `inputs` may be shorter than the node's input list (wrapper ops pass a subset to a shared rule).
        guard i < inputs.count, let t = inputs[i] else {
            throw IRError.shapeMismatch(node: node.name, op: node.op, detail: "type of input '\(node.inputs[i])' is unknown")
        }
        return t
    }

    /// The type of an optional input, nil when omitted.
    public func optionalInput(_ i: Int) -> TensorType? {
        guard i < node.inputs.count, i < inputs.count, !node.inputs[i].isEmpty else { return nil }
        return inputs[i]
    }

    /// Known integer contents of input `i`.
    public func value(_ i: Int) -> [Int64]? { i < inputValues.count ? inputValues[i] : nil }

    /// Contents of a small constant float input `i`.
    public func floatValue(_ i: Int) -> [Double]? { i < inputFloats.count ? inputFloats[i] : nil }

    /// Longest shape a rule builds from a length read out of a file (numpy's own limit is 64).
    public static let maxRank = 64

    /// A rank taken from data (the length of a shape vector), checked before it sizes an array: a
    /// hostile file can declare a shape vector of 2⁴⁰ elements, or a negative one.
    public func rank(_ r: Int) throws -> Int {
        guard r >= 0, r <= InferenceContext.maxRank else {
            throw shapeError("rank \(r) is out of range (0…\(InferenceContext.maxRank))")
        }
        return r
    }

    public func shapeError(_ detail: String) -> IRError {
        IRError.shapeMismatch(node: node.name, op: node.op, detail: detail)
    }

    public func typeError(_ detail: String) -> IRError {
        IRError.typeMismatch(node: node.name, op: node.op, detail: detail)
    }

    public func attributeError(_ name: String, _ detail: String) -> IRError {
        IRError.badAttribute(node: node.name, op: node.op, attribute: name, detail: detail)
    }
}

/// Inputs to a work computation: the node with concrete input and output types.
public struct WorkContext {
    public let node: Node
    public let inputs: [TensorType?]
    public let outputs: [TensorType]

    public init(node: Node, inputs: [TensorType?], outputs: [TensorType]) {
        self.node = node
        self.inputs = inputs
        self.outputs = outputs
    }

    /// Element count of input `i` (0 if absent or unknown).
    public func elements(ofInput i: Int) -> Int {
        guard i < inputs.count, let t = inputs[i] else { return 0 }
        return t.shape.elementCount ?? 0
    }

    /// Element count of output `i` (0 if unknown).
    public func elements(ofOutput i: Int) -> Int {
        guard i < outputs.count else { return 0 }
        return outputs[i].shape.elementCount ?? 0
    }

    public func dims(ofInput i: Int) -> [Int] {
        guard i < inputs.count, let t = inputs[i] else { return [] }
        return t.shape.values ?? []
    }
}

/// The table of known operators.
public enum OpRegistry {
    /// Every schema, keyed by op name.
    public static let schemas: [OpType: OpSchema] = {
        var table: [OpType: OpSchema] = [:]
        let all: [[OpSchema]] = [
            convSchemas, matMulSchemas, poolSchemas, elementwiseSchemas, activationSchemas,
            normalizationSchemas, tensorShapeSchemas, indexingSchemas, reductionSchemas,
            resizeSchemas, transformerSchemas, recurrentSchemas, controlFlowSchemas, quantizationSchemas,
        ]
        for list in all { for s in list { table[s.op] = s } }
        return table
    }()

    public static func schema(for op: OpType) -> OpSchema? { schemas[op] }

    /// Ops with a shape rule and a cost rule, sorted by name.
    public static var knownOps: [OpType] { schemas.keys.sorted() }
}
