import EdgeIR

/// An operator implementation chosen once per node when a plan is compiled.
///
/// Lifecycle (after tflite-micro and XNNPACK): the factory sees the node, its concrete input and
/// output types and its constant inputs, validates them, and prepares whatever it can ahead of time
/// (packed weights, fused requantization multipliers); `run` then only computes. Kernels never
/// allocate on `run` for shapes known at plan time.
public protocol Kernel: AnyObject {
    /// Computes outputs from inputs. Buffers are allocated by the executor; shapes are as planned.
    func run(inputs: [TensorRef], outputs: [TensorRef]) throws
}

/// A kernel whose output shapes depend on input *values* (NonZero, TopK with a runtime k, If with
/// branches of different shapes, ops the IR has no shape rule for): it allocates its own outputs.
///
/// The executor calls ``run(inputs:)`` on the dynamic path; when the plan did know the output shapes
/// the default ``Kernel/run(inputs:outputs:)`` copies the results into the planned buffers.
public protocol DataDependentKernel: Kernel {
    func run(inputs: [TensorRef]) throws -> [HostTensor]
}

extension DataDependentKernel {
    public func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let results = try run(inputs: inputs)
        for (r, o) in zip(results, outputs) {
            guard r.shape == o.shape, r.dtype == o.dtype else {
                throw EngineError.runtime(node: "?", detail: "output \(r.dtype.rawValue)\(r.shape) differs from the planned \(o.dtype.rawValue)\(o.shape)")
            }
            if r.byteCount > 0 { o.data.copyMemory(from: r.storage.pointer, byteCount: r.byteCount) }
        }
    }
}

/// Everything a kernel factory may look at when preparing a node.
public struct KernelContext {
    public let node: Node
    /// Concrete input types (nil for omitted optional inputs).
    public let inputTypes: [TensorType?]
    public let outputTypes: [TensorType]
    /// Contents of constant inputs, by input index (weights, shape arguments).
    public let constants: [Int: HostTensor]
    public let options: EngineOptions
    /// The ai.onnx opset the node was written for (semantics changed across opsets: Softmax's axis
    /// before 13, Resize's defaults before 11 …); the newest semantics when unknown.
    public var opset: Int = 99

    public init(node: Node, inputTypes: [TensorType?], outputTypes: [TensorType], constants: [Int: HostTensor],
                options: EngineOptions, opset: Int = 99) {
        self.node = node
        self.inputTypes = inputTypes
        self.outputTypes = outputTypes
        self.constants = constants
        self.options = options
        self.opset = opset
    }

    public var inputCount: Int { node.inputs.count }
    public func hasInput(_ i: Int) -> Bool { node.input(i) != nil }
    public func inputType(_ i: Int) -> DType? { i < inputTypes.count ? inputTypes[i]?.dtype : nil }

    public func inputShape(_ i: Int) -> [Int] { i < inputTypes.count ? inputTypes[i]?.shape.values ?? [] : [] }
    public func outputShape(_ i: Int) -> [Int] { i < outputTypes.count ? outputTypes[i].shape.values ?? [] : [] }

    /// The integers of a constant input (shape arguments); nil if not constant.
    public func ints(_ i: Int) -> [Int]? { constants[i]?.ref.integers() }

    /// The values of a constant input converted to Double; nil if not constant.
    public func doubles(_ i: Int) -> [Double]? {
        guard let t = constants[i] else { return nil }
        return (0..<t.elementCount).map { t.ref.double(at: $0) }
    }

    public func unsupported(_ why: String) -> EngineError {
        .unsupported(node: node.name, op: node.op, detail: why)
    }
}

/// Knobs of a compiled plan.
public struct EngineOptions: Sendable {
    /// Use only the reference kernels (the specification), never optimized ones.
    public var forceReference: Bool
    public var threads: Int
    /// Run the fusion passes (BatchNorm folding, bias and activation fusion). Off to compare.
    public var fuse: Bool
    /// With ``fuse``, also run the quantized glue on 8-bit codes (``IntegerGlue``; bit-identical). Off to compare.
    public var integerGlue: Bool

    public init(forceReference: Bool = false, threads: Int = 1, fuse: Bool = true, integerGlue: Bool = true) {
        self.forceReference = forceReference
        self.threads = threads
        self.fuse = fuse
        self.integerGlue = integerGlue
    }
}

/// Engine failures, each naming what and where, one line.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupported(node: String, op: OpType, detail: String)
    case missingInput(String)
    case unexpectedInput(String)
    case inputMismatch(name: String, expected: String, got: String)
    case tooLarge(what: String, bytes: Int, limit: Int)
    case runtime(node: String, detail: String)

    public var description: String {
        switch self {
        case .unsupported(let n, let op, let d): return "node '\(n)': \(op) is not supported by the engine: \(d)"
        case .missingInput(let n): return "missing input '\(n)'"
        case .unexpectedInput(let n): return "the model has no input named '\(n)'"
        case .inputMismatch(let n, let e, let g): return "input '\(n)': expected \(e), got \(g)"
        case .tooLarge(let w, let b, let l): return "\(w) needs \(b) bytes, more than the \(l) bytes allowed; refused before allocating"
        case .runtime(let n, let d): return "node '\(n)': \(d)"
        }
    }
}

/// A reference kernel's registration: its factory and the element types it claims.
///
/// The claim is a promise the conformance suite holds the engine to: every ONNX backend node test
/// whose ops and tensor types are all claimed must pass (Tests/EdgeEngineTests/ConformanceTests).
public struct KernelSpec: Sendable {
    public let types: Set<DType>
    /// The kernel sizes its own outputs (a ``DataDependentKernel``); others need the output types
    /// from shape inference before they can be made.
    public let sizesOutputs: Bool
    /// Attribute conditions of the claim (BatchNormalization only in inference mode …); nil = any node.
    public let accepts: (@Sendable (Node) -> Bool)?
    public let factory: KernelRegistry.Factory

    public init(_ types: Set<DType>, sizesOutputs: Bool = false, accepts: (@Sendable (Node) -> Bool)? = nil,
                _ factory: @escaping KernelRegistry.Factory) {
        self.types = types
        self.sizesOutputs = sizesOutputs
        self.accepts = accepts
        self.factory = factory
    }
}

extension Set where Element == DType {
    static let floats: Set<DType> = [.float32, .float64, .float16]
    static let integers: Set<DType> = [.int64, .int32, .int16, .int8, .uint64, .uint32, .uint16, .uint8]
    static let numeric: Set<DType> = floats.union(integers)
    static let plain: Set<DType> = numeric.union([.bool])
    static let signedNumeric: Set<DType> = floats.union([.int64, .int32, .int16, .int8])
}

/// Op → kernel factory tables. Reference kernels are the specification; optimized kernels register
/// separately and are chosen unless ``EngineOptions/forceReference`` is set or their factory declines
/// (returns nil) for a configuration they do not handle.
///
/// Ops outside the default ONNX domain are keyed `domain:Op` (`tflite.custom:Convolution2DTransposeBias`).
public enum KernelRegistry {
    public typealias Factory = @Sendable (KernelContext) throws -> Kernel
    public typealias OptionalFactory = @Sendable (KernelContext) throws -> Kernel?

    /// Reference kernels by op.
    public static let reference: [OpType: KernelSpec] = ReferenceKernels.all
    /// Optimized kernels by op, tried first.
    public static let optimized: [OpType: OptionalFactory] = OptimizedKernels.all

    /// The registry key of a node's op (its domain prefixed unless it is ai.onnx or edgewise).
    public static func key(_ node: Node) -> OpType {
        // Quantized TFLite builtins kept in ONNX form run on TFLite's integer kernels.
        if node.attributes["tflite_quantized"] != nil, case .string(let op)? = node.attributes["tflite_op"] { return OpType("tflite:" + op) }
        return node.domain.isEmpty || node.domain == "ai.onnx" || node.domain == "edgewise" ? node.op : OpType(node.domain + ":" + node.op.rawValue)
    }

    /// The kernel for a node, or an ``EngineError/unsupported(node:op:detail:)`` naming it.
    public static func make(_ ctx: KernelContext) throws -> Kernel {
        let k = key(ctx.node)
        if !ctx.options.forceReference, let f = optimized[k], let kernel = try f(ctx) { return kernel }
        guard let spec = reference[k] else { throw ctx.unsupported("no kernel for this op") }
        let known = ctx.outputTypes.count >= ctx.node.outputs.count && ctx.outputTypes.allSatisfy { $0.shape.isFullyKnown }
        guard known || spec.sizesOutputs else { throw ctx.unsupported("output shapes could not be inferred") }
        return try spec.factory(ctx)
    }

    /// Whether the engine claims `op` for tensors of these element types.
    public static func claims(_ op: OpType, types: [DType]) -> Bool {
        guard let spec = reference[op] else { return false }
        return types.allSatisfy { spec.types.contains($0) }
    }

    /// Whether the engine claims this node (its op, attributes) for tensors of these element types.
    public static func claims(_ node: Node, types: [DType]) -> Bool {
        guard let spec = reference[key(node)] else { return false }
        return types.allSatisfy { spec.types.contains($0) } && (spec.accepts?(node) ?? true)
    }

    /// Ops with a reference kernel, sorted.
    public static var supportedOps: [OpType] { reference.keys.sorted() }
}
