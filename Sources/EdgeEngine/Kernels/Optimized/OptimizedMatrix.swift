import CEdgeKernels
import EdgeIR
import Foundation

/// Gemm, MatMul and FullyConnected on the packed SGEMM.
///
/// A constant B (the usual weight) is packed once for the chosen ISA, with Gemm's alpha folded in;
/// a run-time B is packed block by block. Bias (Gemm's C when it is a row, a column or a scalar,
/// FullyConnected's b) and the fused activation run in the GEMM's epilogue; a full-size C is copied
/// into Y first and accumulated onto.
final class OptimizedMatrix: Kernel {
    let isa: KernelISA
    /// Template arguments; a, b, c are filled per call.
    var args: ck_sgemm_args
    let packedB: AlignedBytes?
    let bias: AlignedBytes?
    /// Gemm's full-size C (already scaled by beta), copied into Y before accumulating.
    let fullC: AlignedBytes?
    let workspace: AlignedBytes
    /// Per batch: element offsets of A, B and Y (one entry when there is no batching).
    let batches: [(a: Int, b: Int, y: Int)]
    let bIsRuntime: Bool
    /// Parts each call is split into (1: single-threaded), each with its own workspace: whole batches
    /// per part when there are enough of them, otherwise every batch's GEMM split by ck_sgemm_part.
    let parts: Int
    /// Whether a call splits, measured per node.
    let chooser: SplitChooser
    let splitBatches: Bool
    let workspaceStride: Int

    init(isa: KernelISA, args: ck_sgemm_args, packedB: AlignedBytes?, bias: AlignedBytes?, fullC: AlignedBytes?,
         batches: [(a: Int, b: Int, y: Int)], threads: Int = 1) {
        self.isa = isa
        var a = args
        self.packedB = packedB
        self.bias = bias
        self.fullC = fullC
        self.batches = batches
        bIsRuntime = packedB == nil
        if let p = packedB { a.b = UnsafePointer(p.pointer.assumingMemoryBound(to: Float.self)) }
        if let b = bias { a.epilogue.bias = UnsafePointer(b.pointer.assumingMemoryBound(to: Float.self)) }
        self.args = a
        let work = batches.count * Int(a.m) * Int(a.n) * Int(a.k)
        parts = IntraOp.parts(threads: threads, work: work)
        chooser = SplitChooser(candidate: parts)
        // Splitting whole batches keeps each GEMM intact; do it when every part gets at least two.
        splitBatches = parts > 1 && batches.count >= 2 * parts
        workspaceStride = (ck_sgemm_workspace_size(isa.level, &a) + 16 + 15) / 16 * 16
        workspace = AlignedBytes(count: workspaceStride * parts * 4)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let A = inputs[0].f32(), Y = outputs[0].f32()
        let B: UnsafeMutablePointer<Float>? = bIsRuntime ? inputs[1].f32() : nil
        let ws = workspace.pointer.assumingMemoryBound(to: Float.self)
        let perY = Int(args.m) * Int(args.n)
        chooser.measure { count in
            if count > 1 {
                runParts(A: A, B: B, Y: Y, ws: ws, perY: perY)
                return
            }
            for batch in batches {
                args.a = UnsafePointer(A + batch.a)
                if let B { args.b = UnsafePointer(B + batch.b) }
                args.c = Y + batch.y
                if let c = fullC { (Y + batch.y).update(from: c.pointer.assumingMemoryBound(to: Float.self), count: perY) }
                ck_sgemm(isa.level, &args, ws)
            }
        }
    }

    private func runParts(A: UnsafeMutablePointer<Float>, B: UnsafeMutablePointer<Float>?, Y: UnsafeMutablePointer<Float>,
                          ws: UnsafeMutablePointer<Float>, perY: Int) {
        let template = args, level = isa.level, parts = self.parts, stride = workspaceStride
        let batches = self.batches, fullC = self.fullC?.pointer.assumingMemoryBound(to: Float.self)
        func batchArgs(_ batch: (a: Int, b: Int, y: Int)) -> ck_sgemm_args {
            var g = template
            g.a = UnsafePointer(A + batch.a)
            if let B { g.b = UnsafePointer(B + batch.b) }
            g.c = Y + batch.y
            return g
        }
        if splitBatches {
            IntraOp.run(parts) { part in
                let wsPart = ws + part * stride
                for k in (batches.count * part / parts)..<(batches.count * (part + 1) / parts) {
                    var g = batchArgs(batches[k])
                    if let c = fullC { g.c.update(from: c, count: perY) }
                    ck_sgemm(level, &g, wsPart)
                }
            }
            return
        }
        for batch in batches {
            let g = batchArgs(batch)
            if let c = fullC { g.c.update(from: c, count: perY) }
            IntraOp.run(parts) { part in
                var g = g
                ck_sgemm_part(level, &g, Int32(part), Int32(parts), ws + part * stride)
            }
        }
    }

    static func floats(_ t: HostTensor) -> AlignedBytes {
        let a = AlignedBytes(count: t.byteCount)
        a.pointer.copyMemory(from: t.storage.pointer, byteCount: t.byteCount)
        return a
    }

    static func packB(_ isa: KernelISA, k: Int, n: Int, _ b: HostTensor, rs: Int, cs: Int, scale: Float) -> AlignedBytes {
        let p = AlignedBytes(count: ck_sgemm_packed_b_size(isa.level, Int32(k), Int32(n)) * 4)
        ck_sgemm_pack_b(isa.level, Int32(k), Int32(n), b.ref.f32(), rs, cs, scale, p.pointer.assumingMemoryBound(to: Float.self))
        return p
    }

    /// Threads the plan allows, at most the cores available.
    static func threads(_ ctx: KernelContext) -> Int {
        min(max(1, ctx.options.threads), ProcessInfo.processInfo.activeProcessorCount)
    }

    static func fits(_ v: Int...) -> Bool { v.allSatisfy { $0 >= 0 && $0 < Int(Int32.max) } }

    // MARK: Gemm

    static func makeGemm(_ ctx: KernelContext) throws -> Kernel? { try makeGemm(ctx, isa: .selected) }

    static func makeGemm(_ ctx: KernelContext, isa: KernelISA) throws -> Kernel? {
        let node = ctx.node
        guard ctx.inputTypes.compactMap({ $0 }).allSatisfy({ $0.dtype == .float32 }), ctx.outputTypes[0].dtype == .float32,
              let act = EpilogueActivation.fused(node) else { return nil }
        let a = ctx.inputShape(0), bs = ctx.inputShape(1), y = ctx.outputShape(0)
        guard a.count == 2, bs.count == 2, y.count == 2 else { return nil }
        let ta = node.int("transA", default: 0) != 0, tb = node.int("transB", default: 0) != 0
        let alpha = Float(node.float("alpha", default: 1)), beta = Float(node.float("beta", default: 1))
        let m = y[0], n = y[1], k = ta ? a[0] : a[1]
        guard fits(m, n, k, m * k, k * n, m * n) else { return nil }
        var g = ck_sgemm_args()
        g.m = Int32(m); g.n = Int32(n); g.k = Int32(k)
        g.a_rs = ta ? 1 : k; g.a_cs = ta ? m : 1
        g.ldc = n
        g.epilogue.act = act
        var packed: AlignedBytes?
        if let b = ctx.constants[1] {
            packed = packB(isa, k: k, n: n, b, rs: tb ? 1 : n, cs: tb ? k : 1, scale: alpha)
            g.b_kind = Int32(CK_B_PACKED.rawValue)
        } else {
            guard alpha == 1 else { return nil }
            g.b_kind = Int32(CK_B_STRIDED.rawValue)
            g.b_rs = tb ? 1 : n; g.b_cs = tb ? k : 1
        }
        var bias: AlignedBytes?, fullC: AlignedBytes?
        if node.input(2) != nil {
            guard let c = ctx.constants[2] else { return nil }
            let cs = c.shape, cv = c.ref.f32()
            let count = c.elementCount
            let vector = AlignedBytes(count: max(m, n) * 4)
            let vp = vector.pointer.assumingMemoryBound(to: Float.self)
            if count == 1 {
                for j in 0..<n { vp[j] = beta * cv[0] }
                bias = vector
            } else if count == n, cs.last == n {
                for j in 0..<n { vp[j] = beta * cv[j] }
                bias = vector
            } else if count == m, cs.count == 2, cs[0] == m, cs[1] == 1 {
                for i in 0..<m { vp[i] = beta * cv[i] }
                bias = vector
                g.epilogue.bias_per_row = 1
            } else if cs == [m, n] {
                let full = AlignedBytes(count: m * n * 4)
                let fp = full.pointer.assumingMemoryBound(to: Float.self)
                for i in 0..<(m * n) { fp[i] = beta * cv[i] }
                fullC = full
                g.accumulate = 1
            } else {
                return nil
            }
        }
        return OptimizedMatrix(isa: isa, args: g, packedB: packed, bias: bias, fullC: fullC, batches: [(0, 0, 0)], threads: threads(ctx))
    }

    // MARK: MatMul

    static func makeMatMul(_ ctx: KernelContext) throws -> Kernel? { try makeMatMul(ctx, isa: .selected) }

    static func makeMatMul(_ ctx: KernelContext, isa: KernelISA) throws -> Kernel? {
        guard ctx.inputTypes.count == 2, ctx.inputTypes.allSatisfy({ $0?.dtype == .float32 }), ctx.outputTypes[0].dtype == .float32,
              let act = EpilogueActivation.fused(ctx.node) else { return nil }
        var a = ctx.inputShape(0), b = ctx.inputShape(1)
        guard !a.isEmpty, !b.isEmpty else { return nil }
        if a.count == 1 { a = [1] + a }
        if b.count == 1 { b = b + [1] }
        let m = a[a.count - 2], k = a[a.count - 1], n = b[b.count - 1]
        guard b[b.count - 2] == k else { return nil }
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        guard let batchOut = ShapeMath.broadcast(Shape(batchA), Shape(batchB))?.values else { return nil }
        let batchCount = batchOut.reduce(1, *)
        let bBatches = batchB.reduce(1, *)
        guard fits(m, n, k, batchCount * m * k, bBatches * k * n, batchCount * m * n) else { return nil }
        var g = ck_sgemm_args()
        g.k = Int32(k); g.n = Int32(n)
        g.a_rs = k; g.a_cs = 1
        g.ldc = n
        g.epilogue.act = act
        if let bt = ctx.constants[1], bBatches == 1 {
            // One weight for every batch: fold the batch into M when A's batches are contiguous rows.
            let packed = packB(isa, k: k, n: n, bt, rs: n, cs: 1, scale: 1)
            g.b_kind = Int32(CK_B_PACKED.rawValue)
            let offA = broadcastOffsets(input: batchA, output: batchOut)
            if offA == Array(0..<batchCount) {
                g.m = Int32(batchCount * m)
                return OptimizedMatrix(isa: isa, args: g, packedB: packed, bias: nil, fullC: nil, batches: [(0, 0, 0)], threads: threads(ctx))
            }
            g.m = Int32(m)
            let batches = (0..<batchCount).map { (a: offA[$0] * m * k, b: 0, y: $0 * m * n) }
            return OptimizedMatrix(isa: isa, args: g, packedB: packed, bias: nil, fullC: nil, batches: batches, threads: threads(ctx))
        }
        g.m = Int32(m)
        g.b_kind = Int32(CK_B_STRIDED.rawValue)
        g.b_rs = n; g.b_cs = 1
        let offA = broadcastOffsets(input: batchA, output: batchOut), offB = broadcastOffsets(input: batchB, output: batchOut)
        let batches = (0..<batchCount).map { (a: offA[$0] * m * k, b: offB[$0] * k * n, y: $0 * m * n) }
        return OptimizedMatrix(isa: isa, args: g, packedB: nil, bias: nil, fullC: nil, batches: batches, threads: threads(ctx))
    }

    // MARK: FullyConnected

    static func makeFullyConnected(_ ctx: KernelContext) throws -> Kernel? { try makeFullyConnected(ctx, isa: .selected) }

    /// TFLite's FullyConnected: y = x · Wᵀ + b with W [N, K]; leading dims of x are rows.
    static func makeFullyConnected(_ ctx: KernelContext, isa: KernelISA) throws -> Kernel? {
        guard ctx.inputTypes.compactMap({ $0 }).allSatisfy({ $0.dtype == .float32 }), ctx.outputTypes[0].dtype == .float32,
              let act = EpilogueActivation.fused(ctx.node), let wt = ctx.constants[1], wt.shape.count == 2 else { return nil }
        let n = wt.shape[0], k = wt.shape[1]
        let total = ctx.inputShape(0).reduce(1, *)
        guard k > 0, total % k == 0 else { return nil }
        let m = total / k
        guard fits(m, n, k, m * k, n * k, m * n) else { return nil }
        var g = ck_sgemm_args()
        g.m = Int32(m); g.n = Int32(n); g.k = Int32(k)
        g.a_rs = k; g.a_cs = 1
        g.ldc = n
        g.epilogue.act = act
        g.b_kind = Int32(CK_B_PACKED.rawValue)
        var bias: AlignedBytes?
        if ctx.node.input(2) != nil {
            guard let b = ctx.constants[2], b.dtype == .float32, b.elementCount == n else { return nil }
            bias = floats(b)
        }
        let packed = packB(isa, k: k, n: n, wt, rs: 1, cs: k, scale: 1)
        return OptimizedMatrix(isa: isa, args: g, packedB: packed, bias: bias, fullC: nil, batches: [(0, 0, 0)], threads: threads(ctx))
    }
}
