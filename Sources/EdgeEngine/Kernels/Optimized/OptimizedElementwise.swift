import CEdgeKernels
import EdgeIR

/// Float32 Add/Sub/Mul/Div with NumPy broadcasting, as runs along which each operand is contiguous
/// or constant (same shape: one run; a per-channel operand: one run per plane; a scalar: one run), with
/// the fused activation. Declines other element types.
final class OptimizedBinary: Kernel {
    let isa: KernelISA
    let op: Int32
    let runs: Int32, length: Int32
    let aOffsets: [Int64], bOffsets: [Int64]
    let aStep: Int32, bStep: Int32
    let activation: ck_activation

    init(isa: KernelISA, op: Int32, runs: Int32, length: Int32, aOffsets: [Int64], bOffsets: [Int64], aStep: Int32, bStep: Int32,
         activation: ck_activation) {
        self.isa = isa
        self.op = op
        self.runs = runs
        self.length = length
        self.aOffsets = aOffsets
        self.bOffsets = bOffsets
        self.aStep = aStep
        self.bStep = bStep
        self.activation = activation
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        ck_binary_runs(isa.level, op, runs, length, inputs[0].f32(), aOffsets, aStep, inputs[1].f32(), bOffsets, bStep,
                       outputs[0].f32(), activation)
    }

    static func factory(_ op: ck_binary_op) -> KernelRegistry.OptionalFactory {
        { ctx in try make(ctx, op: op, isa: .selected) }
    }

    static func make(_ ctx: KernelContext, op: ck_binary_op, isa: KernelISA) throws -> Kernel? {
        guard ctx.inputTypes.count == 2, ctx.inputTypes.allSatisfy({ $0?.dtype == .float32 }), ctx.outputTypes[0].dtype == .float32,
              let act = EpilogueActivation.fused(ctx.node) else { return nil }
        let out = ctx.outputShape(0)
        let total = out.reduce(1, *)
        guard total > 0, total < Int(Int32.max) else { return nil }
        let r = out.count
        func padded(_ s: [Int]) -> [Int]? { s.count <= r ? Array(repeating: 1, count: r - s.count) + s : nil }
        guard let a = padded(ctx.inputShape(0)), let b = padded(ctx.inputShape(1)),
              zip(a, out).allSatisfy({ $0 == $1 || $0 == 1 }), zip(b, out).allSatisfy({ $0 == $1 || $0 == 1 }) else { return nil }
        // Extend the run outward from the last dimension while each operand keeps its kind (contiguous
        // or broadcast) along every non-trivial dimension.
        var kind: (Bool, Bool)?
        var split = r
        for d in stride(from: r - 1, through: 0, by: -1) where out[d] != 1 {
            let k = (a[d] == out[d], b[d] == out[d])
            if let kind, kind != k { break }
            kind = k
            split = d
        }
        if kind == nil { split = 0 }
        let length = out[split...].reduce(1, *)
        let outer = Array(out[..<split])
        let (aFull, bFull) = kind ?? (true, true)
        let aInner = aFull ? length : 1, bInner = bFull ? length : 1
        let aOff = broadcastOffsets(input: Array(a[..<split]), output: outer).map { Int64($0 * aInner) }
        let bOff = broadcastOffsets(input: Array(b[..<split]), output: outer).map { Int64($0 * bInner) }
        return OptimizedBinary(isa: isa, op: Int32(op.rawValue), runs: Int32(total / length), length: Int32(length),
                               aOffsets: aOff, bOffsets: bOff, aStep: aFull ? 1 : 0, bStep: bFull ? 1 : 0, activation: act)
    }
}

/// Float32 activations on their own (Relu, Clip with constant bounds, Sigmoid, Tanh, HardSwish, HardSigmoid, LeakyRelu, SiLU).
final class OptimizedActivation: Kernel {
    let isa: KernelISA
    let activation: ck_activation

    init(isa: KernelISA, activation: ck_activation) {
        self.isa = isa
        self.activation = activation
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        ck_activation_apply(isa.level, inputs[0].f32(), outputs[0].f32(), inputs[0].count, nil, nil, activation)
    }

    static func factory(_ op: OpType) -> KernelRegistry.OptionalFactory { { ctx in try make(ctx, isa: .selected) } }

    static func make(_ ctx: KernelContext, isa: KernelISA) throws -> Kernel? {
        let node = ctx.node
        guard ctx.inputTypes.first??.dtype == .float32, ctx.outputTypes[0].dtype == .float32, node.string("activation") == nil
        else { return nil }
        let a: ck_activation
        switch node.op {
        case .relu: a = EpilogueActivation.make(CK_ACT_RELU)
        case .sigmoid: a = EpilogueActivation.make(CK_ACT_SIGMOID)
        case .tanh: a = EpilogueActivation.make(CK_ACT_TANH)
        case .silu: a = EpilogueActivation.make(CK_ACT_SILU)
        case .hardSwish: a = EpilogueActivation.make(CK_ACT_HARDSWISH, 1.0 / 6.0, 0.5)
        case .hardSigmoid:
            a = EpilogueActivation.make(CK_ACT_HARDSIGMOID, Float(node.float("alpha", default: 0.2)), Float(node.float("beta", default: 0.5)))
        case .leakyRelu: a = EpilogueActivation.make(CK_ACT_LEAKYRELU, Float(node.float("alpha", default: 0.01)))
        case .clip:
            // Bounds from constant inputs (opset ≥ 11) or attributes (older); absent bounds are infinite.
            func bound(_ i: Int, _ attr: String, _ d: Float) -> Float? {
                if node.input(i) != nil {
                    guard let t = ctx.constants[i], t.dtype == .float32, t.elementCount == 1 else { return nil }
                    return t.ref.f32()[0]
                }
                return Float(node.float(attr, default: Double(d)))
            }
            guard let lo = bound(1, "min", -.infinity), let hi = bound(2, "max", .infinity), !lo.isNaN, !hi.isNaN else { return nil }
            a = EpilogueActivation.make(CK_ACT_CLIP, lo, hi)
        default: return nil
        }
        return OptimizedActivation(isa: isa, activation: a)
    }
}
