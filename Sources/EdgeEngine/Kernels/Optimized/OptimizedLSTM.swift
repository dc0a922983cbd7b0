import CEdgeKernels
import EdgeIR

/// LSTM, float32, the common configuration: one forward direction, layout 0, constant W, R and B,
/// the default activations (Sigmoid, Tanh, Tanh), no peepholes, no clip, no input_forget, and no
/// `sequence_lens` shorter than the sequence. Per step the gate pre-activations of all batch rows are
/// two GEMMs on the packed SGEMM, `x_t·Wᵀ + (Wb + Rb)` then `+= h·Rᵀ` (W and R packed once), and the
/// gates go through the vector sigmoid/tanh kernels (gate order i, o, f, c as ONNX defines):
/// `c = f ⊙ c + i ⊙ tanh(ĉ)`, `h = o ⊙ tanh(c)`. Declines everything else (the reference runs).
final class OptimizedLSTM: Kernel {
    let isa: KernelISA
    let seq: Int, batch: Int, hidden: Int, inputSize: Int
    let packedW: AlignedBytes, packedR: AlignedBytes
    let bias: AlignedBytes
    /// Scratch: gates [batch, 4H], cell state [batch, H], tanh(c) [batch, H], hidden state [batch, H].
    let gates: AlignedBytes, cell: AlignedBytes, tanhC: AlignedBytes, state: AlignedBytes
    let hasH0: Bool, hasC0: Bool
    /// Output indices of Y, Y_h, Y_c (nil when the node does not produce them).
    let yIndex: Int?, yhIndex: Int?, ycIndex: Int?

    init(isa: KernelISA, seq: Int, batch: Int, hidden: Int, inputSize: Int, w: HostTensor, r: HostTensor, b: HostTensor?,
         hasH0: Bool, hasC0: Bool, outputs: [String]) {
        self.isa = isa
        self.seq = seq
        self.batch = batch
        self.hidden = hidden
        self.inputSize = inputSize
        let g = 4 * hidden
        // B(p, j) = W[j][p]: W [4H, I] row-major is Bᵀ, so rs = 1, cs = I.
        packedW = AlignedBytes(count: ck_sgemm_packed_b_size(isa.level, Int32(inputSize), Int32(g)) * 4)
        ck_sgemm_pack_b(isa.level, Int32(inputSize), Int32(g), w.ref.f32(), 1, inputSize, 1, packedW.pointer.assumingMemoryBound(to: Float.self))
        packedR = AlignedBytes(count: ck_sgemm_packed_b_size(isa.level, Int32(hidden), Int32(g)) * 4)
        ck_sgemm_pack_b(isa.level, Int32(hidden), Int32(g), r.ref.f32(), 1, hidden, 1, packedR.pointer.assumingMemoryBound(to: Float.self))
        bias = AlignedBytes(count: g * 4)
        let bp = bias.pointer.assumingMemoryBound(to: Float.self)
        for j in 0..<g { bp[j] = b.map { $0.ref.f32()[j] + $0.ref.f32()[g + j] } ?? 0 }
        gates = AlignedBytes(count: batch * g * 4)
        cell = AlignedBytes(count: batch * hidden * 4)
        tanhC = AlignedBytes(count: batch * hidden * 4)
        state = AlignedBytes(count: batch * hidden * 4)
        self.hasH0 = hasH0
        self.hasC0 = hasC0
        func index(_ k: Int) -> Int? { k < outputs.count && !outputs[k].isEmpty ? k : nil }
        yIndex = index(0)
        yhIndex = index(1)
        ycIndex = index(2)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let H = hidden, G = 4 * hidden, rows = batch * H
        let x = inputs[0].f32()
        let gp = gates.pointer.assumingMemoryBound(to: Float.self)
        let c = cell.pointer.assumingMemoryBound(to: Float.self)
        let tc = tanhC.pointer.assumingMemoryBound(to: Float.self)
        let h = state.pointer.assumingMemoryBound(to: Float.self)
        if hasH0 { h.update(from: inputs[5].f32(), count: rows) } else { h.update(repeating: 0, count: rows) }
        if hasC0 { c.update(from: inputs[6].f32(), count: rows) } else { c.update(repeating: 0, count: rows) }
        let sigmoid = EpilogueActivation.make(CK_ACT_SIGMOID), tanh = EpilogueActivation.make(CK_ACT_TANH)
        var g = ck_sgemm_args()
        g.m = Int32(batch)
        g.n = Int32(G)
        g.b_kind = Int32(CK_B_PACKED.rawValue)
        g.c = gp
        g.ldc = G
        g.a_cs = 1
        let y = yIndex.map { outputs[$0].f32() }
        for t in 0..<seq {
            // gates = x_t·Wᵀ + (Wb + Rb)
            g.k = Int32(inputSize)
            g.a = UnsafePointer(x + t * batch * inputSize)
            g.a_rs = inputSize
            g.b = UnsafePointer(packedW.pointer.assumingMemoryBound(to: Float.self))
            g.accumulate = 0
            g.epilogue.bias = UnsafePointer(bias.pointer.assumingMemoryBound(to: Float.self))
            g.epilogue.bias_per_row = 0
            ck_sgemm(isa.level, &g, nil)
            // gates += h·Rᵀ
            g.k = Int32(H)
            g.a = UnsafePointer(h)
            g.a_rs = H
            g.b = UnsafePointer(packedR.pointer.assumingMemoryBound(to: Float.self))
            g.accumulate = 1
            g.epilogue.bias = nil
            ck_sgemm(isa.level, &g, nil)
            for bi in 0..<batch {
                let row = gp + bi * G
                ck_activation_apply(isa.level, row, row, 3 * H, nil, nil, sigmoid)      // i, o, f
                ck_activation_apply(isa.level, row + 3 * H, row + 3 * H, H, nil, nil, tanh)  // ĉ
                let cr = c + bi * H
                for k in 0..<H { cr[k] = row[2 * H + k] * cr[k] + row[k] * row[3 * H + k] }
            }
            ck_activation_apply(isa.level, c, tc, rows, nil, nil, tanh)
            for bi in 0..<batch {
                let row = gp + bi * G, hr = h + bi * H, tr = tc + bi * H
                for k in 0..<H { hr[k] = row[H + k] * tr[k] }
            }
            // Y[t, 0, b, :] (one direction)
            if let y { (y + t * rows).update(from: h, count: rows) }
        }
        if let k = yhIndex { outputs[k].f32().update(from: h, count: rows) }
        if let k = ycIndex { outputs[k].f32().update(from: c, count: rows) }
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? {
        let node = ctx.node
        guard ctx.inputTypes.first??.dtype == .float32, ctx.outputTypes.allSatisfy({ $0.dtype == .float32 }),
              let w = ctx.constants[1], let r = ctx.constants[2], w.dtype == .float32, r.dtype == .float32,
              (node.string("direction") ?? "forward") == "forward", node.int("layout", default: 0) == 0,
              node.int("input_forget", default: 0) == 0, node.float("clip", default: .infinity) == .infinity,
              node.floats("activation_alpha") == nil, node.floats("activation_beta") == nil,
              (node.stringList("activations") ?? ["Sigmoid", "Tanh", "Tanh"]).map({ $0.lowercased() }) == ["sigmoid", "tanh", "tanh"],
              node.input(7) == nil
        else { return nil }
        let xs = ctx.inputShape(0)
        guard xs.count == 3, w.shape.count == 3, r.shape.count == 3, w.shape[0] == 1, r.shape[0] == 1 else { return nil }
        let seq = xs[0], batch = xs[1], inputSize = xs[2], hidden = r.shape[2]
        guard seq > 0, batch > 0, hidden > 0, w.shape[1] == 4 * hidden, w.shape[2] == inputSize, r.shape[1] == 4 * hidden else { return nil }
        var b: HostTensor?
        if node.input(3) != nil {
            guard let bt = ctx.constants[3], bt.dtype == .float32, bt.elementCount == 8 * hidden else { return nil }
            b = bt
        }
        if node.input(4) != nil {
            // Only when every sequence is the full length.
            guard let lens = ctx.ints(4), lens.count == batch, lens.allSatisfy({ $0 == seq }) else { return nil }
        }
        let state = [1, batch, hidden]
        for i in [5, 6] where node.input(i) != nil {
            guard ctx.inputType(i) == .float32, ctx.inputShape(i) == state else { return nil }
        }
        return OptimizedLSTM(isa: .selected, seq: seq, batch: batch, hidden: hidden, inputSize: inputSize, w: w, r: r, b: b,
                             hasH0: node.input(5) != nil, hasC0: node.input(6) != nil, outputs: node.outputs)
    }
}
