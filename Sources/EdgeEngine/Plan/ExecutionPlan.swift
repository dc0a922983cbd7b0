import EdgeIR
#if canImport(Glibc)
import Glibc
#endif

/// A graph compiled for concrete input shapes: a schedule of prepared kernels over one memory arena.
///
/// Compilation happens once, in three phases:
/// 1. ``Lowering``: bind input shapes, resolve every shape, fold constant subgraphs (weights loaded
///    once), inline `If`s whose condition is known;
/// 2. plan passes (``PlanPasses``): BatchNorm folding into Conv weights, bias and activation fusion,
///    dead-node elimination — each keeps results equal within floating-point tolerance;
/// 3. scheduling: one kernel per node chosen from ``KernelRegistry`` (optimized first, reference
///    otherwise), and an arena planned by liveness (``MemoryPlan``) for every value whose shape is
///    known at compile time.
///
/// Running a static plan does no allocation and no lookups: every step's input and output views
/// point into the arena or at constants, fixed at compile time. Values whose shapes depend on data
/// (NonZero, TopK with a runtime k, a Reshape fed by a runtime shape, an `If` whose branches
/// disagree) take the dynamic path: their steps specialise a kernel for the shapes seen (cached) and
/// allocate their outputs per run.
public final class ExecutionPlan {
    /// One scheduled node.
    public struct Step {
        public let node: Node
        /// The kernel chosen at compile time (nil on the dynamic path).
        public let kernel: Kernel?
        let dynamic: DynamicNode?
        let inputs: [Source]
        let outputs: [Source]
        /// Views for static steps, fixed at compile time.
        let ins: [TensorRef]
        let outs: [TensorRef]
        /// Dynamic slots whose last reader is this step.
        let release: [Int]

        public var isDynamic: Bool { dynamic != nil }
    }

    enum Source {
        case arena(offset: Int, type: TensorType)
        case constant(HostTensor)
        case slot(Int)
        case absent
    }

    /// What compilation did, for `edgewise bench` and the tests.
    public struct Report: Sendable {
        /// Nodes in the graph as given (outer scope).
        public let originalNodes: Int
        /// Nodes removed by folding, inlining, fusion and dead-node elimination.
        public let removedNodes: Int
        public let steps: Int
        public let dynamicSteps: Int
        /// Rewrites per pass (`fold-batchnorm 3`, `fuse-activation 12` …).
        public let passes: [String: Int]
        public let constantBytes: Int
        public let arenaBytes: Int
        /// Peak of simultaneously live arena values (before fragmentation and alignment).
        public let peakLiveBytes: Int
        /// The IR's peak-activation figure (``ActivationMemory``) for this plan's schedule.
        public let irPeakBytesForSchedule: Int
    }

    public let steps: [Step]
    public let memory: MemoryPlan
    public let options: EngineOptions
    public let report: Report
    /// Inputs the plan expects, with the types it was compiled for.
    public let inputs: [ValueInfo]
    public let outputNames: [String]
    /// The compiled schedule as an IR graph (static values typed), for cost and memory comparisons.
    public let scheduledGraph: Graph
    let inputSources: [String: Source]
    let outputSources: [Source]
    let slotCount: Int
    let arena: AlignedBytes
    /// Plans for the values of scalar inputs that steer a run-time `If` (nil when there is none).
    var specialiser: InputSpecialiser?
    /// Whole-inference choice between split and single-threaded runs (nil with one thread).
    lazy var threading: ThreadingChooser? = options.threads > 1 && !options.forceReference ? ThreadingChooser() : nil

    /// What an omitted optional input looks like to a kernel: shape [0], pointing at nothing usable.
    nonisolated(unsafe) static let absentRef = TensorRef(dtype: .float32, shape: [0], data: UnsafeMutableRawPointer(bitPattern: 64)!)

    /// Refuse plans whose arena plus constants exceed this many bytes (default: 80 % of physical memory;
    /// `EDGEWISE_MEMORY_LIMIT` overrides, in bytes).
    public static var memoryLimit: Int {
        if let s = getenv("EDGEWISE_MEMORY_LIMIT"), let v = Int(String(cString: s)), v > 0 { return v }
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0 { return Int(Double(pages) * Double(size) * 0.8) }
        #endif
        return 8 << 30
    }

    /// Compiles a model, taking the ai.onnx opset from its metadata.
    public convenience init(model: Model, inputShapes: [String: [Int]] = [:], options: EngineOptions = EngineOptions()) throws {
        let opset = model.metadata.properties["onnx.opset.ai.onnx"].flatMap { Int($0) } ?? 99
        try self.init(graph: model.graph, inputShapes: inputShapes, options: options, opset: opset)
    }

    /// Compiles `graph` for the given input shapes.
    ///
    /// - Parameters:
    ///   - inputShapes: concrete shapes by input name; inputs not listed keep their declared shapes
    ///     (symbolic dimensions there put the values that depend on them on the dynamic path).
    ///   - opset: the ai.onnx opset the graph was written for (semantics that changed across opsets).
    /// - Throws: ``EngineError`` for unsupported ops (naming the node) or a model too large for memory,
    ///   ``IRError`` for shape errors.
    public convenience init(graph: Graph, inputShapes: [String: [Int]] = [:], options: EngineOptions = EngineOptions(),
                            opset: Int = 99) throws {
        try self.init(graph: graph, inputShapes: inputShapes, options: options, opset: opset, specialise: true)
    }

    /// Compiles `graph`; with `specialise`, runs may use plans specialised for scalar control inputs
    /// (``InputSpecialiser``).
    convenience init(graph: Graph, inputShapes: [String: [Int]], options: EngineOptions, opset: Int, specialise: Bool) throws {
        var types: [String: TensorType] = [:]
        for i in graph.inputs {
            var t = i.type
            if let s = inputShapes[i.name] {
                guard s.count == t.shape.rank || t.shape.rank == 0 && s.isEmpty else {
                    throw EngineError.inputMismatch(name: i.name, expected: "\(t)", got: "rank \(s.count) \(s)")
                }
                for (d, v) in zip(t.shape.dims, s) where d.value != nil && d.value != v {
                    throw EngineError.inputMismatch(name: i.name, expected: "\(t)", got: "\(s)")
                }
                t.shape = Shape(s)
            }
            types[i.name] = t
        }
        for name in inputShapes.keys where !graph.inputs.contains(where: { $0.name == name }) {
            throw EngineError.unexpectedInput(name)
        }
        var budget = ExecutionPlan.memoryLimit
        var lowered = try Lowering.lower(graph, inputTypes: types, scope: Lowering.Scope(), options: options, opset: opset, budget: &budget)
        if options.fuse { try PlanPasses.run(&lowered) }
        if options.fuse && options.integerGlue { IntegerGlue.run(&lowered, options: options) }
        try self.init(lowered: lowered, originalNodes: graph.nodes.count, options: options)
        if specialise {
            specialiser = InputSpecialiser.make(for: self, graph: graph, inputShapes: inputShapes, options: options, opset: opset)
        }
    }

    /// Compiles a subgraph (an `If` branch) that reads outer-scope values: runtime captures become
    /// the plan's inputs, constant captures stay constants.
    static func subplan(_ graph: Graph, scope: Lowering.Scope, options: EngineOptions, opset: Int) throws -> ExecutionPlan {
        var budget = ExecutionPlan.memoryLimit
        var lowered = try Lowering.lower(graph, inputTypes: [:], scope: scope, options: options, opset: opset, budget: &budget)
        if options.fuse { try PlanPasses.run(&lowered) }
        if options.fuse && options.integerGlue { IntegerGlue.run(&lowered, options: options) }
        return try ExecutionPlan(lowered: lowered, originalNodes: graph.nodes.count, options: options)
    }

    init(lowered g: LoweredGraph, originalNodes: Int, options: EngineOptions) throws {
        self.options = options
        func isStatic(_ v: String) -> Bool { g.types[v]?.shape.isFullyKnown == true && !g.untyped.contains(v) }

        // Liveness over the schedule (-1 = before the first step; steps = after the last).
        let stepCount = g.nodes.count
        var last: [String: Int] = [:]
        for i in g.inputs { last[i.name] = -1 }
        for (s, n) in g.nodes.enumerated() {
            for v in n.inputs where !v.isEmpty && !g.isConstant(v) { last[v] = max(last[v] ?? s, s) }
            for o in n.outputs where !o.isEmpty { last[o] = max(last[o] ?? s, s) }
        }
        for o in g.outputs where !g.isConstant(o) { last[o] = stepCount }

        var values: [(name: String, bytes: Int, first: Int, last: Int, aliasOf: String?)] = []
        var slots: [String: Int] = [:]
        var slotRelease: [Int: [Int]] = [:]
        func addDynamic(_ v: String, lastUse: Int) {
            slots[v] = slots.count
            slotRelease[lastUse, default: []].append(slots[v]!)
        }
        for i in g.inputs {
            if isStatic(i.name) {
                values.append((i.name, g.types[i.name]!.byteCount ?? 0, -1, last[i.name] ?? -1, nil))
            } else {
                addDynamic(i.name, lastUse: last[i.name] ?? -1)
            }
        }
        for (s, n) in g.nodes.enumerated() {
            for (k, o) in n.outputs.enumerated() where !o.isEmpty {
                if isStatic(o) {
                    let src = n.input(0)
                    let alias = k == 0 && ActivationMemory.aliasingOps.contains(n.op) && src.map { isStatic($0) && !g.isConstant($0) } == true ? src : nil
                    values.append((o, g.types[o]!.byteCount ?? 0, s, last[o] ?? s, alias))
                } else {
                    addDynamic(o, lastUse: last[o] ?? s)
                }
            }
        }
        let memory = MemoryPlan(values: values)
        let constantBytes = g.constants.values.reduce(0) { $0 + $1.byteCount }
        if memory.arenaBytes + constantBytes > ExecutionPlan.memoryLimit {
            throw EngineError.tooLarge(what: "running this model", bytes: memory.arenaBytes + constantBytes, limit: ExecutionPlan.memoryLimit)
        }
        let arena = AlignedBytes(count: memory.arenaBytes)
        func source(_ v: String) -> Source {
            if v.isEmpty { return .absent }
            if let c = g.constants[v] { return .constant(c) }
            if let b = memory.bufferOf[v], let t = g.types[v] { return .arena(offset: memory.buffers[b].offset, type: t) }
            if let s = slots[v] { return .slot(s) }
            return .absent
        }
        func view(_ s: Source) -> TensorRef {
            switch s {
            case .arena(let o, let t): return TensorRef(dtype: t.dtype, shape: t.shape.values ?? [], data: arena.pointer + o)
            case .constant(let c): return c.ref
            case .slot, .absent: return ExecutionPlan.absentRef
            }
        }

        var steps: [Step] = []
        steps.reserveCapacity(stepCount)
        for (s, n) in g.nodes.enumerated() {
            let ins = n.inputs.map(source), outs = n.outputs.map(source)
            let staticStep = n.inputs.allSatisfy { $0.isEmpty || g.isConstant($0) || isStatic($0) }
                && n.outputs.allSatisfy { $0.isEmpty || isStatic($0) }
            var consts: [Int: HostTensor] = [:]
            for (i, v) in n.inputs.enumerated() { if let c = g.constants[v] { consts[i] = c } }
            if staticStep {
                let ctx = KernelContext(node: n, inputTypes: n.inputs.map { $0.isEmpty ? nil : g.types[$0] },
                                        outputTypes: n.outputs.map { g.types[$0] ?? TensorType(.float32, .scalar) },
                                        constants: consts, options: options, opset: g.opset)
                let kernel = try KernelRegistry.make(ctx)
                steps.append(Step(node: n, kernel: kernel, dynamic: nil, inputs: ins, outputs: outs,
                                  ins: ins.map(view), outs: outs.map(view), release: slotRelease[s] ?? []))
            } else {
                let d = DynamicNode(node: n, constants: consts, options: options, opset: g.opset)
                steps.append(Step(node: n, kernel: nil, dynamic: d, inputs: ins, outputs: outs, ins: [], outs: [],
                                  release: slotRelease[s] ?? []))
            }
        }

        var scheduled = Graph(name: "plan", inputs: g.inputs.filter { isStatic($0.name) }, outputs: [], nodes: g.nodes)
        for (v, t) in g.types where isStatic(v) && !g.isConstant(v) { scheduled.valueTypes[v] = t }
        scheduled.outputs = g.outputs.filter { isStatic($0) && !g.isConstant($0) }.map { ValueInfo(name: $0, type: g.types[$0]!) }
        let irPeak = ActivationMemory(graph: scheduled).peakBytes

        self.steps = steps
        self.memory = memory
        self.arena = arena
        self.slotCount = slots.count
        self.inputs = g.inputs
        self.outputNames = g.outputs
        self.scheduledGraph = scheduled
        var inputSources: [String: Source] = [:]
        for i in g.inputs { inputSources[i.name] = source(i.name) }
        self.inputSources = inputSources
        self.outputSources = g.outputs.map(source)
        var passes: [String: Int] = [:]
        for (p, r) in g.passLog { passes[p, default: 0] += r }
        report = Report(originalNodes: originalNodes, removedNodes: g.removedNodes, steps: steps.count,
                        dynamicSteps: steps.filter(\.isDynamic).count, passes: passes, constantBytes: constantBytes,
                        arenaBytes: memory.arenaBytes, peakLiveBytes: memory.peakLiveBytes, irPeakBytesForSchedule: irPeak)
    }

    /// Nodes removed by constant folding (kept for callers of the first version).
    public var foldedNodes: Int { report.removedNodes }
}

extension HostTensor {
    /// Loads a graph constant's bytes (from memory or the mapped file) into an owned tensor.
    init(constant t: Tensor) throws {
        guard let shape = t.shape.values else {
            throw EngineError.unsupported(node: t.name, op: .constant, detail: "constant with symbolic shape \(t.shape)")
        }
        guard t.dtype != .string else {
            throw EngineError.unsupported(node: t.name, op: .constant, detail: "string tensors are not supported by the engine")
        }
        self.init(dtype: t.dtype, shape: shape)
        guard t.storage.isPresent else {
            throw EngineError.unsupported(node: t.name, op: .constant,
                                          detail: "weights are absent (architecture-only model or sparse tensor); give the engine a model file")
        }
        let need = byteCount
        try t.storage.withBytes { raw in
            guard raw.count >= need else {
                throw EngineError.runtime(node: t.name, detail: "constant holds \(raw.count) bytes, its type needs \(need)")
            }
            if need > 0 { storage.pointer.copyMemory(from: raw.baseAddress!, byteCount: need) }
        }
    }
}
