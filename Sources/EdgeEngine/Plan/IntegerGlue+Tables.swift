import EdgeIR

/// Tables for ``IntegerGlue``, made by running the plan's own kernels on every code.
///
/// Each node of a chain DequantizeLinear → elementwise nodes → (QuantizeLinear) gets the kernel
/// ``KernelRegistry`` would choose for it in the real plan, but for a `[1, …, 1, L]` tensor of the same
/// rank. Two evaluations guard the claim that the table is what the plan computes for every element:
/// - the kernel made for the short tensor must be of the same class as the one made for the real shapes
///   (a factory that declined one shape and not the other would swap arithmetic);
/// - all 256 codes in order (L = 256), then the codes rotated by 128 in a tensor of 269 elements, so that
///   vector bodies and scalar tails (269 = 16·16 + 13 = 33·8 + 5) see different codes: every element of
///   the second run must equal the first run's entry for its code, bit for bit.
enum IntegerGlueTables {
    static let length = 256, tailLength = 269

    /// The output of every stage for all 256 codes (index = code byte): DequantizeLinear, each chain node,
    /// then the QuantizeLinear if given (its codes last). Nil when a kernel cannot be made or a check fails.
    static func evaluate(_ g: LoweredGraph, dequantize d: Int, chain: [Int], quantize: Node?, options: EngineOptions) -> [HostTensor]? {
        guard let first = run(g, dequantize: d, chain: chain, quantize: quantize, options: options, codes: (0..<length).map { UInt8($0) }),
              let second = run(g, dequantize: d, chain: chain, quantize: quantize, options: options,
                               codes: (0..<tailLength).map { UInt8(($0 + 128) % 256) })
        else { return nil }
        for (a, b) in zip(first, second) {
            let width = a.byteCount / length
            guard width * length == a.byteCount, b.byteCount == width * tailLength else { return nil }
            let pa = a.storage.pointer.assumingMemoryBound(to: UInt8.self), pb = b.storage.pointer.assumingMemoryBound(to: UInt8.self)
            for i in 0..<tailLength {
                let c = (i + 128) % 256
                for k in 0..<width where pa[c * width + k] != pb[i * width + k] { return nil }
            }
        }
        return first
    }

    /// One evaluation on `codes`.
    static func run(_ g: LoweredGraph, dequantize d: Int, chain: [Int], quantize: Node?, options: EngineOptions,
                    codes: [UInt8]) -> [HostTensor]? {
        let dq = g.nodes[d]
        guard let codeType = g.types[dq.inputs[0]] else { return nil }
        let rank = max(1, codeType.shape.rank)
        let shape = Array(repeating: 1, count: rank - 1) + [codes.count]
        let x = HostTensor(dtype: codeType.dtype, shape: shape)
        for (i, c) in codes.enumerated() { x.ref.u8()[i] = c }
        var current = x
        var stages: [HostTensor] = []
        for n in [dq] + chain.map({ g.nodes[$0] }) + (quantize.map { [$0] } ?? []) {
            let operand = n.op == "DequantizeLinear" || n.op == "QuantizeLinear" ? 0 : IntegerGlue.elementwiseOperand(g, n)
            guard let operand, let outType = g.types[n.outputs[0]], let inType = g.types[n.inputs[operand]] else { return nil }
            let opShape = Array(repeating: 1, count: max(1, inType.shape.rank) - 1) + [codes.count]
            guard let y = apply(g, n, operand: operand, input: current, shape: opShape, outType: outType.dtype, options: options)
            else { return nil }
            stages.append(y)
            current = y
        }
        return stages
    }

    /// Runs node `n` on `input` (as operand `operand`, the other inputs as in the graph) with the kernel
    /// the registry gives for `shape`, provided the real plan's kernel is of the same class.
    static func apply(_ g: LoweredGraph, _ n: Node, operand: Int, input: HostTensor, shape: [Int], outType: DType,
                      options: EngineOptions) -> HostTensor? {
        var consts: [Int: HostTensor] = [:]
        for (i, v) in n.inputs.enumerated() { if let c = g.constants[v] { consts[i] = c } }
        let realInputs = n.inputs.map { $0.isEmpty ? nil : g.types[$0] }
        let short = realInputs.enumerated().map { i, t in i == operand ? TensorType(input.dtype, Shape(shape)) : t }
        let y = HostTensor(dtype: outType, shape: shape)
        guard let realOut = g.types[n.outputs[0]],
              let real = try? KernelRegistry.make(KernelContext(node: n, inputTypes: realInputs, outputTypes: [realOut],
                                                                constants: consts, options: options, opset: g.opset)),
              let kernel = try? KernelRegistry.make(KernelContext(node: n, inputTypes: short, outputTypes: [TensorType(outType, Shape(shape))],
                                                                  constants: consts, options: options, opset: g.opset)),
              ObjectIdentifier(type(of: real)) == ObjectIdentifier(type(of: kernel))
        else { return nil }
        let ins = n.inputs.enumerated().map { i, v -> TensorRef in
            if i == operand { return input.ref }
            return g.constants[v]?.ref ?? ExecutionPlan.absentRef
        }
        do { try kernel.run(inputs: ins, outputs: [y.ref]) } catch { return nil }
        return y
    }

    /// Whether the codes never decrease as the values increase (equal values, −0 and +0 included, give
    /// equal codes); false when a value is NaN.
    static func isNonDecreasing(_ pairs: [(Float, Int)]) -> Bool {
        guard !pairs.contains(where: { $0.0.isNaN }) else { return false }
        let sorted = pairs.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        for (a, b) in zip(sorted, sorted.dropFirst()) {
            if b.1 < a.1 || (a.0 == b.0 && a.1 != b.1) { return false }
        }
        return true
    }
}
