import EdgeIR
#if canImport(Glibc)
import Glibc
#endif

/// A graph compiled for concrete input shapes: a schedule of prepared kernels over one memory arena.
///
/// Compilation binds the input shapes and re-infers every shape, folds constant subgraphs, chooses
/// one kernel per node, and plans the arena by liveness (``MemoryPlan``). Running a plan then does no
/// allocation and no lookups: every step's input and output pointers are fixed at compile time.
public final class ExecutionPlan {
    public struct Step {
        public let node: Node
        public let kernel: Kernel
        /// Where each input comes from.
        let inputs: [Source]
        let outputs: [Source]
        let inputShapes: [[Int]?]
        let outputShapes: [[Int]]
        let inputTypes: [DType?]
        let outputTypes: [DType]
    }

    enum Source {
        case arena(offset: Int)
        case constant(HostTensor)
        case absent
    }

    public let graph: Graph
    public let steps: [Step]
    public let memory: MemoryPlan
    public let options: EngineOptions
    /// Nodes removed by constant folding.
    public let foldedNodes: Int
    let inputOffsets: [String: Int]
    let outputSources: [(name: String, source: Source, type: TensorType)]
    let constantsByName: [String: HostTensor]
    let arena: AlignedBytes

    /// What an omitted optional input looks like to a kernel: shape [0], pointing at nothing usable.
    nonisolated(unsafe) static let absentRef = TensorRef(dtype: .float32, shape: [0], data: UnsafeMutableRawPointer(bitPattern: 64)!)

    /// Refuse plans whose arena plus constants exceed this many bytes (default: 80 % of physical memory).
    public static var memoryLimit: Int {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, size > 0 { return Int(Double(pages) * Double(size) * 0.8) }
        #endif
        return 8 << 30
    }

    /// Compiles `graph` for the given input shapes.
    ///
    /// - Parameter inputShapes: concrete shapes by input name; inputs not listed must already be fully known.
    /// - Throws: ``EngineError`` for unsupported ops (naming the node) or a model too large for memory,
    ///   ``IRError`` for shape errors.
    public init(graph input: Graph, inputShapes: [String: [Int]] = [:], options: EngineOptions = EngineOptions()) throws {
        var g = input
        for i in g.inputs.indices {
            if let s = inputShapes[g.inputs[i].name] { g.inputs[i].type.shape = Shape(s) }
            guard g.inputs[i].type.shape.isFullyKnown else {
                throw EngineError.inputMismatch(name: g.inputs[i].name, expected: "a concrete shape",
                                                got: g.inputs[i].type.shape.description)
            }
        }
        try g.inferShapes()
        var constants: [String: HostTensor] = [:]
        var budget = ExecutionPlan.memoryLimit
        func load(_ name: String) throws -> HostTensor? {
            if let c = constants[name] { return c }
            guard let t = g.constants[name] else { return nil }
            let h = try HostTensor(constant: t)
            budget -= h.byteCount
            if budget < 0 { throw EngineError.tooLarge(what: "the model's constants", bytes: h.byteCount, limit: ExecutionPlan.memoryLimit) }
            constants[name] = h
            return h
        }

        // Compile nodes in order, folding those whose inputs are all constant.
        var compiled: [(Node, Kernel)] = []
        var folded = 0
        for node in g.nodes {
            let inputTypes = node.inputs.map { $0.isEmpty ? nil : g.valueTypes[$0] }
            let outputTypes = try node.outputs.map { o -> TensorType in
                guard let t = g.valueTypes[o], t.shape.isFullyKnown else {
                    throw EngineError.unsupported(node: node.name, op: node.op, detail: "output '\(o)' has no static shape")
                }
                return t
            }
            // Values shape inference already knows (Shape → Gather → Concat chains) become constants.
            if node.outputs.allSatisfy({ $0.isEmpty || g.knownValues[$0] != nil }),
               outputTypes.allSatisfy({ $0.dtype == .int64 }) {
                for (o, t) in zip(node.outputs, outputTypes) where !o.isEmpty {
                    constants[o] = HostTensor(int64: g.knownValues[o] ?? [], shape: t.shape.values ?? [])
                }
                folded += 1
                continue
            }
            var consts: [Int: HostTensor] = [:]
            for (i, v) in node.inputs.enumerated() where !v.isEmpty { if let c = try load(v) { consts[i] = c } }
            let ctx = KernelContext(node: node, inputTypes: inputTypes, outputTypes: outputTypes, constants: consts, options: options)
            let kernel = try KernelRegistry.make(ctx)
            let allConstant = node.inputs.indices.allSatisfy { node.inputs[$0].isEmpty || consts[$0] != nil }
            let foldable = allConstant && node.implicitInputs.isEmpty && node.op.rawValue != "RandomNormal"
                && outputTypes.reduce(0, { $0 + ($1.byteCount ?? .max) }) <= 64 << 20
            if foldable {
                let outs = outputTypes.map { HostTensor(dtype: $0.dtype, shape: $0.shape.values ?? []) }
                try kernel.run(inputs: node.inputs.indices.map { consts[$0]?.ref ?? ExecutionPlan.absentRef },
                               outputs: outs.map(\.ref))
                for (o, t) in zip(node.outputs, outs) where !o.isEmpty { constants[o] = t }
                folded += 1
                continue
            }
            compiled.append((node, kernel))
        }

        // Liveness over the remaining schedule.
        let stepCount = compiled.count
        var first: [String: Int] = [:], last: [String: Int] = [:]
        for i in g.inputs where constants[i.name] == nil { first[i.name] = -1; last[i.name] = -1 }
        for (s, (node, _)) in compiled.enumerated() {
            for v in node.inputs + node.implicitInputs where !v.isEmpty && constants[v] == nil { last[v] = max(last[v] ?? s, s) }
            for o in node.outputs where !o.isEmpty { first[o] = s; last[o] = max(last[o] ?? s, s) }
        }
        for o in g.outputs where constants[o.name] == nil { last[o.name] = stepCount }
        var values: [(name: String, bytes: Int, first: Int, last: Int, aliasOf: String?)] = []
        for i in g.inputs where constants[i.name] == nil {
            values.append((i.name, i.type.byteCount ?? 0, -1, last[i.name] ?? -1, nil))
        }
        for (node, _) in compiled {
            for (k, o) in node.outputs.enumerated() where !o.isEmpty {
                let alias: String? = k == 0 && ActivationMemory.aliasingOps.contains(node.op)
                    && node.input(0).map { constants[$0] == nil } == true ? node.input(0) : nil
                values.append((o, g.valueTypes[o]?.byteCount ?? 0, first[o] ?? 0, last[o] ?? 0, alias))
            }
        }
        let memory = MemoryPlan(values: values)
        let constantBytes = constants.values.reduce(0) { $0 + $1.byteCount }
        if memory.arenaBytes + constantBytes > ExecutionPlan.memoryLimit {
            throw EngineError.tooLarge(what: "running this model", bytes: memory.arenaBytes + constantBytes, limit: ExecutionPlan.memoryLimit)
        }
        func source(_ v: String) -> Source {
            if v.isEmpty { return .absent }
            if let c = constants[v] { return .constant(c) }
            if let b = memory.bufferOf[v] { return .arena(offset: memory.buffers[b].offset) }
            return .absent
        }
        steps = compiled.map { node, kernel in
            Step(node: node, kernel: kernel, inputs: node.inputs.map(source), outputs: node.outputs.map(source),
                 inputShapes: node.inputs.map { $0.isEmpty ? nil : g.valueTypes[$0]?.shape.values },
                 outputShapes: node.outputs.map { g.valueTypes[$0]?.shape.values ?? [] },
                 inputTypes: node.inputs.map { $0.isEmpty ? nil : g.valueTypes[$0]?.dtype },
                 outputTypes: node.outputs.map { g.valueTypes[$0]?.dtype ?? .float32 })
        }
        var inputOffsets: [String: Int] = [:]
        for i in g.inputs { if case .arena(let o) = source(i.name) { inputOffsets[i.name] = o } }
        self.inputOffsets = inputOffsets
        outputSources = g.outputs.map { ($0.name, source($0.name), g.valueTypes[$0.name] ?? $0.type) }
        constantsByName = constants
        self.graph = g
        self.memory = memory
        self.options = options
        self.foldedNodes = folded
        arena = AlignedBytes(count: memory.arenaBytes)
    }

    /// Runs the plan once.
    ///
    /// - Throws: ``EngineError`` for missing, extra or mismatched inputs (checked before any work), or a
    ///   kernel's runtime error.
    public func run(_ inputs: [String: HostTensor]) throws -> [String: HostTensor] {
        for name in inputs.keys where !graph.inputs.contains(where: { $0.name == name }) {
            throw EngineError.unexpectedInput(name)
        }
        for i in graph.inputs where constantsByName[i.name] == nil {
            guard let t = inputs[i.name] else { throw EngineError.missingInput(i.name) }
            let expected = i.type.shape.values ?? []
            guard t.dtype == i.type.dtype, t.shape == expected else {
                throw EngineError.inputMismatch(name: i.name, expected: "\(i.type.dtype.rawValue)\(expected)",
                                                got: "\(t.dtype.rawValue)\(t.shape)")
            }
            if let o = inputOffsets[i.name] { (arena.pointer + o).copyMemory(from: t.storage.pointer, byteCount: t.byteCount) }
        }
        let base = arena.pointer
        for step in steps {
            var ins: [TensorRef] = []
            ins.reserveCapacity(step.inputs.count)
            for (k, s) in step.inputs.enumerated() {
                switch s {
                case .arena(let o): ins.append(TensorRef(dtype: step.inputTypes[k] ?? .float32, shape: step.inputShapes[k] ?? [], data: base + o))
                case .constant(let c): ins.append(c.ref)
                case .absent: ins.append(ExecutionPlan.absentRef)
                }
            }
            var outs: [TensorRef] = []
            outs.reserveCapacity(step.outputs.count)
            for (k, s) in step.outputs.enumerated() {
                if case .arena(let o) = s { outs.append(TensorRef(dtype: step.outputTypes[k], shape: step.outputShapes[k], data: base + o)) }
            }
            try step.kernel.run(inputs: ins, outputs: outs)
        }
        var result: [String: HostTensor] = [:]
        for (name, s, type) in outputSources {
            let out = HostTensor(dtype: type.dtype, shape: type.shape.values ?? [])
            switch s {
            case .arena(let o): out.storage.pointer.copyMemory(from: base + o, byteCount: out.byteCount)
            case .constant(let c): out.storage.pointer.copyMemory(from: c.storage.pointer, byteCount: out.byteCount)
            case .absent: break
            }
            result[name] = out
        }
        return result
    }
}

extension HostTensor {
    /// Loads a graph constant's bytes (from memory or the mapped file) into an owned tensor.
    init(constant t: Tensor) throws {
        guard let shape = t.shape.values else {
            throw EngineError.unsupported(node: t.name, op: .constant, detail: "constant with symbolic shape \(t.shape)")
        }
        self.init(dtype: t.dtype, shape: shape)
        guard t.storage.isPresent else {
            throw EngineError.unsupported(node: t.name, op: .constant,
                                          detail: "weights are absent (architecture-only model); give the engine a model file")
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
