import EdgeIR

/// A node on the dynamic path: its kernel is specialised at run time for the input shapes (and the
/// contents of small inputs, which may decide output shapes) actually seen, and cached.
///
/// Output shapes come from the IR's shape rule fed with the real inputs; a kernel whose outputs
/// depend on data beyond that (NonZero, TopK …) is a ``DataDependentKernel`` and sizes them itself.
final class DynamicNode {
    let node: Node
    let constants: [Int: HostTensor]
    let options: EngineOptions
    let opset: Int
    private var cache: [[Int]: (kernel: Kernel, outputTypes: [TensorType]?)] = [:]

    /// Inputs up to this many elements are part of the specialisation key and given to the kernel
    /// factory as constants (shape arguments, scales, axes).
    static let smallInput = 64
    static let cacheLimit = 32

    init(node: Node, constants: [Int: HostTensor], options: EngineOptions, opset: Int) {
        self.node = node
        self.constants = constants
        self.options = options
        self.opset = opset
    }

    func run(_ ins: [TensorRef]) throws -> [HostTensor] {
        let key = Self.key(ins, node: node, constants: constants)
        let entry: (kernel: Kernel, outputTypes: [TensorType]?)
        if let e = cache[key] {
            entry = e
        } else {
            entry = try specialise(ins)
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[key] = entry
        }
        if let ts = entry.outputTypes {
            let outs = ts.map { HostTensor(dtype: $0.dtype, shape: $0.shape.values ?? []) }
            try entry.kernel.run(inputs: ins, outputs: outs.map(\.ref))
            return outs
        }
        guard let d = entry.kernel as? DataDependentKernel else {
            throw EngineError.unsupported(node: node.name, op: node.op, detail: "output shape cannot be determined")
        }
        return try d.run(inputs: ins)
    }

    static func key(_ ins: [TensorRef], node: Node, constants: [Int: HostTensor]) -> [Int] {
        var key: [Int] = []
        for (i, t) in ins.enumerated() {
            guard node.input(i) != nil else { key.append(-1); continue }
            key.append(t.dtype.hashValue)
            key.append(t.rank)
            key.append(contentsOf: t.shape)
            if constants[i] == nil, t.count <= smallInput {
                let bytes = UnsafeRawBufferPointer(start: t.data, count: t.byteCount)
                key.append(bytes.count)
                for b in bytes { key.append(Int(b)) }
            }
        }
        return key
    }

    private func specialise(_ ins: [TensorRef]) throws -> (kernel: Kernel, outputTypes: [TensorType]?) {
        var consts = constants
        for (i, t) in ins.enumerated() where node.input(i) != nil && consts[i] == nil && t.count <= Self.smallInput {
            consts[i] = HostTensor(copying: t)
        }
        let types: [TensorType?] = ins.enumerated().map { i, t in node.input(i) == nil ? nil : TensorType(t.dtype, Shape(t.shape)) }
        let contents: [TensorRef?] = ins.indices.map { i in consts[i]?.ref ?? (node.input(i) == nil ? nil : ins[i]) }
        let (inferred, _) = try NodeTyping.infer(node, types: types, contents: contents, declared: [])
        var outputTypes: [TensorType]?
        if let ts = inferred, ts.count >= node.outputs.count, ts.allSatisfy({ $0.shape.isFullyKnown }) {
            outputTypes = Array(ts.prefix(node.outputs.count))
        }
        let ctx = KernelContext(node: node, inputTypes: types, outputTypes: outputTypes ?? [], constants: consts,
                                options: options, opset: opset)
        let kernel = try KernelRegistry.make(ctx)
        if outputTypes == nil, !(kernel is DataDependentKernel) {
            throw EngineError.unsupported(node: node.name, op: node.op, detail: "output shape depends on run-time data the kernel cannot size")
        }
        return (kernel, outputTypes)
    }
}
