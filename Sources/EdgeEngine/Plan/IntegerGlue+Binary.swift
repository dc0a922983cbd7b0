import CEdgeKernels
import EdgeIR

/// QuantizeLinear(act?(DequantizeLinear(a) ∘ DequantizeLinear(b))), ∘ ∈ {Add, Sum of two, Sub, Mul}, act an
/// optional Relu: `DequantizeBinaryQuantize` (edgewise) — one pass over the codes instead of five over floats.
///
/// Inputs (a, a_scale, a_zero?, b, b_scale, b_zero?, y_scale, y_zero?); attributes `binary` (Add, Sub, Mul)
/// and `activation` (Relu or none). Both operands have the output's shape (no broadcasting). Rewritten only
/// where the plan would run the optimized kernels of all five nodes; the fused C kernel then calls those same
/// C functions on L1 blocks, so each element's arithmetic is unchanged.
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
        for qi in g.nodes.indices where isQuantize(g, g.nodes[qi]) {
            let producers = g.producers(), uses = g.consumerCounts()
            let q = g.nodes[qi]
            func single(_ v: String) -> Bool { uses[v] == 1 && !g.outputs.contains(v) }
            guard single(q.inputs[0]), var bi = producers[q.inputs[0]] else { continue }
            var relu: Int?
            if g.nodes[bi].op == .relu, elementwiseOperand(g, g.nodes[bi]) == 0, single(g.nodes[bi].inputs[0]),
               let p = producers[g.nodes[bi].inputs[0]] {
                relu = bi
                bi = p
            }
            let bin = g.nodes[bi]
            guard let op = binaryOps[bin.op], bin.inputs.count == 2, bin.outputs.count == 1, bin.string("activation") == nil,
                  let shape = g.types[bin.outputs[0]]?.shape.values,
                  let da = producers[bin.inputs[0]], let db = producers[bin.inputs[1]],
                  isDequantize(g, g.nodes[da]), isDequantize(g, g.nodes[db]),
                  g.types[bin.inputs[0]]?.shape.values == shape, g.types[bin.inputs[1]]?.shape.values == shape,
                  realKernel(g, bin, options: options) is OptimizedBinary,
                  relu.map({ realKernel(g, g.nodes[$0], options: options) is OptimizedActivation }) ?? true,
                  [g.nodes[da], g.nodes[db], q].allSatisfy({ optimizedQuantizeKernel(g, $0, options: options) })
            else { continue }
            _ = op
            let a = g.nodes[da], b = g.nodes[db]
            func three(_ n: Node) -> [String] { [n.inputs[0], n.inputs[1], n.input(2) ?? ""] }
            var attrs: [String: Attribute] = ["binary": .string(bin.op == "Sum" ? "Add" : bin.op.rawValue)]
            if relu != nil { attrs["activation"] = .string("Relu") }
            g.nodes[qi] = Node(name: q.name, op: dequantizeBinaryQuantizeOp, domain: "edgewise",
                               inputs: three(a) + three(b) + three(q).dropFirst(), outputs: q.outputs, attributes: attrs)
            count += 1
        }
        return count
    }
}
