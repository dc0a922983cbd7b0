import CEdgeKernels
import EdgeIR

/// QuantizeLinear(act?(DequantizeLinear(a) ∘ b)), ∘ ∈ {Add, Sum of two, Sub, Mul}, act an optional Relu, b a
/// DequantizeLinear too or a float32 value: `DequantizeBinaryQuantize` (edgewise) — one pass over the codes
/// instead of five over floats.
///
/// Inputs (a, a_scale, a_zero?, b, b_scale?, b_zero?, y_scale, y_zero?); attributes `binary` (Add, Sub, Mul)
/// and `activation` (Relu or none). Both operands have the output's shape (no broadcasting). When the float
/// result (act's output) is read by other nodes too — ResNet's residual blocks: Relu(Sum) feeds the next
/// convolution through QuantizeLinear and the next block's Sum as float — the fused node also outputs it and
/// takes that node's place in the order. Rewritten only where the plan would run the optimized kernels of all
/// the nodes; the fused C kernel then calls those same C functions on L1 blocks, so each element's arithmetic
/// is unchanged.
extension IntegerGlue {
    static let dequantizeBinaryQuantizeOp: OpType = "DequantizeBinaryQuantize"
    static let binaryOps: [OpType: ck_binary_op] = [.add: CK_BIN_ADD, "Sum": CK_BIN_ADD, .sub: CK_BIN_SUB, .mul: CK_BIN_MUL]

    static func realKernel(_ g: LoweredGraph, _ n: Node, options: EngineOptions) -> Kernel? {
        var consts: [Int: HostTensor] = [:]
        for (i, v) in n.inputs.enumerated() { if let c = g.constants[v] { consts[i] = c } }
        guard let outs = Optional(n.outputs.compactMap { g.types[$0] }), outs.count == n.outputs.count else { return nil }
        return try? KernelRegistry.make(KernelContext(node: n, inputTypes: n.inputs.map { $0.isEmpty ? nil : g.types[$0] },
                                                      outputTypes: outs, constants: consts, options: options, opset: g.opset))
    }

    /// Whether the plan runs `n` (DequantizeLinear / QuantizeLinear) on the optimized per-tensor C kernel.
    static func optimizedQuantizeKernel(_ g: LoweredGraph, _ n: Node, options: EngineOptions) -> Bool {
        var consts: [Int: HostTensor] = [:]
        for (i, v) in n.inputs.enumerated() { if let c = g.constants[v] { consts[i] = c } }
        guard let out = g.types[n.outputs[0]] else { return false }
        let ctx = KernelContext(node: n, inputTypes: n.inputs.map { $0.isEmpty ? nil : g.types[$0] }, outputTypes: [out],
                                constants: consts, options: options, opset: g.opset)
        let k = n.op == "QuantizeLinear" ? try? OptimizedQuantizeLinear.makeQuantize(ctx) : try? OptimizedQuantizeLinear.makeDequantize(ctx)
        return k != nil
    }

    static func dequantizedBinaries(_ g: inout LoweredGraph, options: EngineOptions) -> Int {
        guard !options.forceReference else { return 0 }
        var count = 0
        var replaced: Set<Int> = []   // QuantizeLinear nodes whose work moved to a fused node at an earlier index
        for qi in g.nodes.indices where isQuantize(g, g.nodes[qi]) {
            let producers = g.producers(), uses = g.consumerCounts()
            let q = g.nodes[qi], v = q.inputs[0]
            func single(_ x: String) -> Bool { uses[x] == 1 && !g.outputs.contains(x) }
            guard var bi = producers[v] else { continue }
            var relu: Int?
            if g.nodes[bi].op == .relu, elementwiseOperand(g, g.nodes[bi]) == 0, single(g.nodes[bi].inputs[0]),
               let p = producers[g.nodes[bi].inputs[0]] {
                relu = bi
                bi = p
            }
            let bin = g.nodes[bi]
            guard binaryOps[bin.op] != nil, bin.inputs.count == 2, bin.outputs.count == 1, bin.string("activation") == nil,
                  let shape = g.types[bin.outputs[0]]?.shape.values,
                  let da = producers[bin.inputs[0]], isDequantize(g, g.nodes[da]),
                  g.types[bin.inputs[0]]?.shape.values == shape, let bt = g.types[bin.inputs[1]], bt.shape.values == shape,
                  realKernel(g, bin, options: options) is OptimizedBinary,
                  relu.map({ realKernel(g, g.nodes[$0], options: options) is OptimizedActivation }) ?? true,
                  [g.nodes[da], q].allSatisfy({ optimizedQuantizeKernel(g, $0, options: options) })
            else { continue }
            // b: a DequantizeLinear of the same kind, else a float32 value as it is.
            let dqB = producers[bin.inputs[1]].flatMap { isDequantize(g, g.nodes[$0]) ? g.nodes[$0] : nil }
            if let dqB { guard optimizedQuantizeKernel(g, dqB, options: options) else { continue } }
            else { guard bt.dtype == .float32, !g.isConstant(bin.inputs[1]) else { continue } }
            let a = g.nodes[da]
            func three(_ n: Node) -> [String] { [n.inputs[0], n.inputs[1], n.input(2) ?? ""] }
            var attrs: [String: Attribute] = ["binary": .string(bin.op == "Sum" ? "Add" : bin.op.rawValue)]
            if relu != nil { attrs["activation"] = .string("Relu") }
            let bInputs = dqB.map(three) ?? [bin.inputs[1], "", ""]
            let inputs = three(a) + bInputs + three(q).dropFirst()
            if single(v) {
                g.nodes[qi] = Node(name: q.name, op: dequantizeBinaryQuantizeOp, domain: "edgewise",
                                   inputs: inputs, outputs: q.outputs, attributes: attrs)
            } else {
                // v is read elsewhere too: the fused node also outputs it, in the place of v's producer (its
                // inputs come before that; v's and y's readers after), and the QuantizeLinear goes.
                let at = relu ?? bi
                g.nodes[at] = Node(name: q.name, op: dequantizeBinaryQuantizeOp, domain: "edgewise",
                                   inputs: inputs, outputs: q.outputs + [v], attributes: attrs)
                replaced.insert(qi)
            }
            count += 1
        }
        for i in replaced.sorted(by: >) { g.nodes.remove(at: i) }
        return count
    }
}
