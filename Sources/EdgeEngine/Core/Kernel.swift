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

/// Everything a kernel factory may look at when preparing a node.
public struct KernelContext {
    public let node: Node
    /// Concrete input types (nil for omitted optional inputs).
    public let inputTypes: [TensorType?]
    public let outputTypes: [TensorType]
    /// Contents of constant inputs, by input index (weights, shape arguments).
    public let constants: [Int: HostTensor]
    public let options: EngineOptions

    public func inputShape(_ i: Int) -> [Int] { inputTypes[i]?.shape.values ?? [] }
    public func outputShape(_ i: Int) -> [Int] { outputTypes[i].shape.values ?? [] }

    /// The integers of a constant input (shape arguments); nil if not constant.
    public func ints(_ i: Int) -> [Int]? {
        guard let t = constants[i] else { return nil }
        switch t.dtype {
        case .int64: return (0..<t.elementCount).map { Int(t.ref.i64()[$0]) }
        case .int32: return (0..<t.elementCount).map { Int(t.ref.i32()[$0]) }
        default: return nil
        }
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

    public init(forceReference: Bool = false, threads: Int = 1) {
        self.forceReference = forceReference
        self.threads = threads
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

/// Op → kernel factory tables. Reference kernels are the specification; optimized kernels register
/// separately and are chosen unless ``EngineOptions/forceReference`` is set or their factory declines
/// (returns nil) for a configuration they do not handle.
public enum KernelRegistry {
    public typealias Factory = @Sendable (KernelContext) throws -> Kernel
    public typealias OptionalFactory = @Sendable (KernelContext) throws -> Kernel?

    /// Reference kernels by op.
    public static let reference: [OpType: Factory] = ReferenceKernels.all
    /// Optimized kernels by op, tried first.
    public static let optimized: [OpType: OptionalFactory] = OptimizedKernels.all

    /// The kernel for a node, or an ``EngineError/unsupported(node:op:detail:)`` naming it.
    public static func make(_ ctx: KernelContext) throws -> Kernel {
        if !ctx.options.forceReference, let f = optimized[ctx.node.op], let k = try f(ctx) { return k }
        guard let f = reference[ctx.node.op] else { throw ctx.unsupported("no kernel for this op") }
        return try f(ctx)
    }

    /// Ops with a reference kernel, sorted.
    public static var supportedOps: [OpType] { reference.keys.sorted() }
}
