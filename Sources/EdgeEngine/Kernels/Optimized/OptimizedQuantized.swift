import CEdgeKernels
import EdgeIR

/// QLinearConv, ConvInteger, QLinearMatMul and MatMulInteger on the int8 GEMM (`ck_qgemm.h`).
///
/// Numerics are the reference kernels' (`Reference/Quantized.swift`), bit for bit: the GEMM is exact
/// int32, the zero points are applied as corrections (Σ(a − za)(b − zb) = Σab − za·Σb − zb·Σa + k·za·zb,
/// wrapping mod 2^32 like the reference's accumulator), and requantization is the reference's
/// `round_half_even(acc · multiplier)` in double with the multiplier formed as numpy forms it.
/// uint8 operands read as a − 128 (the GEMM's `a_xor`, weights flipped at pack time) with zero points
/// shifted by −128. The weights (B) must be constant; scales and zero points must be constant;
/// the activation zero point must be one value. Anything else falls back to the reference kernel.
///
/// Convolution: per image and group, a patch matrix (rows = output positions, `ck_qim2col`; a transpose
/// for pointwise convolutions) times the packed weights, stored back to NCHW by the epilogue.
final class OptimizedQuantized: Kernel {
    struct Geometry {
        var batch = 1, group = 1, cin = 1, cout = 1, inPlane = 1, outPlane = 1
        var inDims: [Int32] = [1, 1, 1], kernel: [Int32] = [1, 1, 1], stride: [Int32] = [1, 1, 1]
        var dilation: [Int32] = [1, 1, 1], pad: [Int32] = [0, 0, 0], outDims: [Int32] = [1, 1, 1]
    }

    let isa: KernelISA
    let isConv: Bool
    let geo: Geometry
    /// GEMM shape per group: m rows (output positions, or rows of A), n columns (output channels), k.
    let m: Int, n: Int, k: Int
    /// For MatMul: how many m×k blocks of A (leading dimensions flattened into rows already).
    let aXor: UInt8
    let padByte: UInt8
    let packed: [AlignedBytes]
    /// Per group: epilogue whose arrays point into `buffers`.
    var epilogues: [ck_qlinear_epilogue]
    let buffers: [AlignedBytes]
    let needRowSums: Bool
    let outBytes: Int
    let patches: AlignedBytes?
    let acc: AlignedBytes
    let rowSums: AlignedBytes
    let workspace: AlignedBytes

    init(isa: KernelISA, isConv: Bool, geo: Geometry, m: Int, n: Int, k: Int, aXor: UInt8, padByte: UInt8,
         packed: [AlignedBytes], epilogues: [ck_qlinear_epilogue], buffers: [AlignedBytes], needRowSums: Bool, outBytes: Int) {
        self.isa = isa
        self.isConv = isConv
        self.geo = geo
        self.m = m
        self.n = n
        self.k = k
        self.aXor = aXor
        self.padByte = padByte
        self.packed = packed
        self.epilogues = epilogues
        self.buffers = buffers
        self.needRowSums = needRowSums
        self.outBytes = outBytes
        patches = isConv ? AlignedBytes(count: m * k + 64) : nil
        acc = AlignedBytes(count: m * n * 4 + 64)
        rowSums = AlignedBytes(count: m * 4 + 64)
        workspace = AlignedBytes(count: ck_qgemm_workspace_size(isa.level, Int32(k)) + 64)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let X = UnsafePointer(inputs[0].data.assumingMemoryBound(to: UInt8.self))
        let Y = outputs[0].data
        let accP = acc.pointer.assumingMemoryBound(to: Int32.self)
        let rows = rowSums.pointer.assumingMemoryBound(to: Int32.self)
        let ws = workspace.pointer
        if !isConv {
            // One GEMM over all rows of A (B is 2-D and shared by every batch).
            let a = UnsafeRawPointer(X).assumingMemoryBound(to: Int8.self)
            if needRowSums { ck_qrow_sums(Int32(m), Int32(k), a, k, aXor, rows) }
            ck_qgemm(isa.level, Int32(m), Int32(n), Int32(k), a, k, aXor, packed[0].pointer, accP, n, ws)
            ck_qlinear_store(Int32(m), Int32(n), accP, n, needRowSums ? rows : nil, &epilogues[0], Y, n, 1)
            return
        }
        let g = geo, coutG = g.cout / g.group, cinG = g.cin / g.group
        let cols = patches!.pointer.assumingMemoryBound(to: UInt8.self)
        let a = UnsafeRawPointer(cols).assumingMemoryBound(to: Int8.self)
        for img in 0..<g.batch {
            for grp in 0..<g.group {
                let x = X + (img * g.cin + grp * cinG) * g.inPlane
                ck_qim2col(x, Int32(cinG), g.inPlane, g.inDims, g.kernel, g.stride, g.dilation, g.pad, g.outDims,
                           padByte, cols, k)
                if needRowSums { ck_qrow_sums(Int32(m), Int32(k), a, k, aXor, rows) }
                ck_qgemm(isa.level, Int32(m), Int32(n), Int32(k), a, k, aXor, packed[grp].pointer, accP, n, ws)
                let y = Y + (img * g.cout + grp * coutG) * g.outPlane * outBytes
                ck_qlinear_store(Int32(m), Int32(n), accP, n, needRowSums ? rows : nil, &epilogues[grp], y, 1, g.outPlane)
            }
        }
    }

    // MARK: Factories

    static func makeConv(_ ctx: KernelContext, requantize: Bool) throws -> Kernel? {
        try makeConv(ctx, requantize: requantize, isa: .selected)
    }

    static func makeMatMul(_ ctx: KernelContext, requantize: Bool) throws -> Kernel? {
        try makeMatMul(ctx, requantize: requantize, isa: .selected)
    }

    static func is8Bit(_ t: DType?) -> Bool { t == .int8 || t == .uint8 }

    /// The one value of a constant input as Int32 (nil when absent → 0; fails when not constant or not one value).
    static func scalar(_ ctx: KernelContext, _ i: Int) -> Int32?? {
        guard ctx.hasInput(i) else { return .some(nil) }
        guard let t = ctx.constants[i], t.elementCount == 1 else { return nil }
        return .some(Int32(t.ref.double(at: 0)))
    }

    /// n values of a constant input (one value broadcast); nil when not constant or of another count.
    static func perChannel(_ ctx: KernelContext, _ i: Int, count: Int) -> [Double]? {
        guard let t = ctx.constants[i] else { return nil }
        if t.elementCount == 1 { return Array(repeating: t.ref.double(at: 0), count: count) }
        guard t.elementCount == count else { return nil }
        return (0..<count).map { t.ref.double(at: $0) }
    }

    static func bytes<T>(_ values: [T]) -> AlignedBytes {
        let b = AlignedBytes(count: max(1, values.count * MemoryLayout<T>.stride))
        values.withUnsafeBytes { if $0.count > 0 { b.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        return b
    }

    /// Shared preparation: the weight matrix W[j][p] (row j = output channel, k values each, `count` rows)
    /// as int8 with per-row zero points, packed per group; the epilogue of every group.
    static func prepare(_ ctx: KernelContext, requantize: Bool, isa: KernelISA, weights w: HostTensor, weightRowMajorK: Bool,
                        rows cout: Int, k: Int, groups: Int, m: Int, inZeroIndex: Int, wZeroIndex: Int,
                        bias: [Int32]?, isConv: Bool, geo: Geometry) -> Kernel? {
        guard is8Bit(ctx.inputType(0)), is8Bit(w.dtype), let out = ctx.outputTypes.first?.dtype else { return nil }
        guard let xzOpt = scalar(ctx, inZeroIndex) else { return nil }
        let xUnsigned = ctx.inputType(0) == .uint8, wUnsigned = w.dtype == .uint8
        let xzRaw = xzOpt ?? 0
        var wz = Array(repeating: 0.0, count: cout)
        if ctx.hasInput(wZeroIndex) { guard let z = perChannel(ctx, wZeroIndex, count: cout) else { return nil }; wz = z }
        var multipliers: [Double]? = nil
        var outZero: Int32 = 0, lo: Int32 = 0, hi: Int32 = 0
        if requantize {
            guard is8Bit(out), let ys = ctx.constants[6], ys.elementCount == 1, let xs = ctx.constants[1], xs.elementCount == 1,
                  let wsc = perChannel(ctx, 4, count: cout), let yzOpt = scalar(ctx, 7) else { return nil }
            // Per-channel scales only for convolution (the reference MatMul takes per-tensor scales).
            if !isConv, ctx.constants[4]!.elementCount != 1 { return nil }
            let half = ctx.inputType(1) == .float16
            multipliers = wsc.map {
                ReferenceKernels.requantizeMultiplier(xs.ref.double(at: 0), $0, ys.ref.double(at: 0), half: half)
            }
            outZero = yzOpt ?? 0
            (lo, hi) = out == .uint8 ? (0, 255) : (-128, 127)
        } else {
            guard out == .int32 else { return nil }
        }
        // Weights as int8 [cout][k] (row j, column p), flipped when uint8.
        let total = cout * k
        var wi = [Int8](repeating: 0, count: total)
        let src = w.storage.pointer.assumingMemoryBound(to: UInt8.self)
        for j in 0..<cout {
            for p in 0..<k {
                let s = weightRowMajorK ? j * k + p : p * cout + j
                wi[j * k + p] = Int8(bitPattern: wUnsigned ? src[s] ^ 0x80 : src[s])
            }
        }
        let wzShift = wUnsigned ? 128.0 : 0
        let bz = wz.map { Int32($0 - wzShift) }
        let az = xzRaw - (xUnsigned ? 128 : 0)
        let n = cout / groups
        var packed: [AlignedBytes] = [], buffers: [AlignedBytes] = [], epilogues: [ck_qlinear_epilogue] = []
        let needRowSums = bz.contains { $0 != 0 }
        for g in 0..<groups {
            let p = AlignedBytes(count: ck_qgemm_packed_b_size(isa.level, Int32(k), Int32(n)) + 64)
            var sums = [Int32](repeating: 0, count: n)
            wi.withUnsafeBufferPointer { b in
                ck_qgemm_pack_b(isa.level, Int32(k), Int32(n), b.baseAddress! + g * n * k, 1, k, p.pointer, &sums)
            }
            packed.append(p)
            let cs = bytes(sums), zb = bytes(Array(bz[(g * n)..<((g + 1) * n)]))
            let bi = bias.map { bytes(Array($0[(g * n)..<((g + 1) * n)])) }
            let mu = multipliers.map { bytes(Array($0[(g * n)..<((g + 1) * n)])) }
            buffers += [cs, zb] + [bi, mu].compactMap { $0 }
            var e = ck_qlinear_epilogue()
            e.k = Int32(k)
            e.a_zero = az
            e.col_sums = UnsafePointer(cs.pointer.assumingMemoryBound(to: Int32.self))
            e.b_zero = needRowSums ? UnsafePointer(zb.pointer.assumingMemoryBound(to: Int32.self)) : nil
            e.bias = bi.map { UnsafePointer($0.pointer.assumingMemoryBound(to: Int32.self)) }
            e.multiplier = mu.map { UnsafePointer($0.pointer.assumingMemoryBound(to: Double.self)) }
            e.out_zero = outZero
            e.out_min = lo
            e.out_max = hi
            e.out_unsigned = out == .uint8 ? 1 : 0
            // The reference Conv adds the zero point before rounding, the reference MatMul after.
            e.zero_before_round = isConv ? 1 : 0
            epilogues.append(e)
        }
        return OptimizedQuantized(isa: isa, isConv: isConv, geo: geo, m: m, n: n, k: k, aXor: xUnsigned ? 0x80 : 0,
                                  padByte: UInt8(truncatingIfNeeded: xzRaw), packed: packed, epilogues: epilogues,
                                  buffers: buffers, needRowSums: needRowSums,
                                  outBytes: requantize ? 1 : 4)
    }

    static func makeConv(_ ctx: KernelContext, requantize: Bool, isa: KernelISA) throws -> Kernel? {
        if let fused = OptimizedQConv.make(ctx, requantize: requantize, isa: isa) { return fused }
        let iw = requantize ? 3 : 1, iwz = requantize ? 5 : 3
        guard let w = ctx.constants[iw] else { return nil }
        let x = ctx.inputShape(0), ws = w.shape, y = ctx.outputShape(0)
        guard x.count >= 3, x.count <= 5, ws.count == x.count, y.count == x.count else { return nil }
        let group = ctx.node.int("group", default: 1)
        guard let wg = try? WindowGeometry(ctx.node, input: Array(x[2...]), kernel: Array(ws[2...])) else { return nil }
        let (kk, s, d, p) = wg.as3D()
        let xi = spatial3D(Array(x[2...])), yo = spatial3D(Array(y[2...]))
        let cout = ws[0], cinG = ws[1], cin = x[1]
        guard group > 0, cout % group == 0, cinG * group == cin, y[1] == cout, y[0] == x[0] else { return nil }
        var geo = Geometry()
        geo.batch = x[0]; geo.group = group; geo.cin = cin; geo.cout = cout
        geo.inPlane = xi.reduce(1, *); geo.outPlane = yo.reduce(1, *)
        geo.inDims = xi.map { Int32($0) }; geo.kernel = kk.map { Int32($0) }; geo.stride = s.map { Int32($0) }
        geo.dilation = d.map { Int32($0) }; geo.pad = p.map { Int32($0) }; geo.outDims = yo.map { Int32($0) }
        let k = cinG * kk.reduce(1, *), m = geo.outPlane
        guard OptimizedMatrix.fits(m, k, m * k, cout * k, m * cout, x.reduce(1, *), y.reduce(1, *)), m > 0, k > 0 else { return nil }
        var bias: [Int32]? = nil
        if requantize && ctx.hasInput(8) {
            guard let b = ctx.constants[8], b.dtype == .int32, b.elementCount == cout else { return nil }
            bias = (0..<cout).map { b.ref.i32()[$0] }
        }
        return prepare(ctx, requantize: requantize, isa: isa, weights: w, weightRowMajorK: true, rows: cout, k: k,
                       groups: group, m: m, inZeroIndex: 2, wZeroIndex: iwz, bias: bias, isConv: true, geo: geo)
    }

    static func makeMatMul(_ ctx: KernelContext, requantize: Bool, isa: KernelISA) throws -> Kernel? {
        let ib = requantize ? 3 : 1, ibz = requantize ? 5 : 3
        guard let b = ctx.constants[ib], b.shape.count == 2 else { return nil }
        let a = ctx.inputShape(0), y = ctx.outputShape(0)
        guard a.count >= 2, b.shape[0] == a[a.count - 1] else { return nil }
        let k = b.shape[0], n = b.shape[1], m = a.dropLast().reduce(1, *)
        guard y.reduce(1, *) == m * n, m > 0, k > 0, n > 0, OptimizedMatrix.fits(m, n, k, m * k, k * n, m * n) else { return nil }
        return prepare(ctx, requantize: requantize, isa: isa, weights: b, weightRowMajorK: false, rows: n, k: k,
                       groups: 1, m: m, inZeroIndex: 2, wZeroIndex: ibz, bias: nil, isConv: false, geo: Geometry())
    }
}

/// Per-tensor QuantizeLinear (float32 → int8/uint8) and DequantizeLinear (int8/uint8 → float32) with a
/// float32 scale: the reference's arithmetic in one C loop (`ck_quantize_f32`, `ck_dequantize_8`), without
/// its per-element type dispatch. Per-axis, blocked and float16 forms stay with the reference kernel.
enum OptimizedQuantizeLinear {
    static func perTensor(_ ctx: KernelContext) -> Bool {
        ctx.inputType(1) == .float32 && ctx.inputShape(1).reduce(1, *) == 1 && (!ctx.hasInput(2) || ctx.inputShape(2).reduce(1, *) == 1)
    }

    static func makeQuantize(_ ctx: KernelContext) throws -> Kernel? {
        guard ctx.inputType(0) == .float32, perTensor(ctx), let out = ctx.outputTypes.first?.dtype, OptimizedQuantized.is8Bit(out),
              ctx.node.int("saturate", default: 1) != 0 else { return nil }
        let n = ctx.inputShape(0).reduce(1, *), hasZero = ctx.hasInput(2)
        let unsigned: Int32 = out == .uint8 ? 1 : 0, (lo, hi): (Int32, Int32) = out == .uint8 ? (0, 255) : (-128, 127)
        return ClosureKernel { ins, outs in
            let zero = hasZero ? Int32(ins[2].double(at: 0)) : 0
            ck_quantize_f32(ins[0].f32(), n, ins[1].f32()[0], zero, lo, hi, unsigned, outs[0].data)
        }
    }

    static func makeDequantize(_ ctx: KernelContext) throws -> Kernel? {
        guard OptimizedQuantized.is8Bit(ctx.inputType(0)), perTensor(ctx), ctx.outputTypes.first?.dtype == .float32 else { return nil }
        let n = ctx.inputShape(0).reduce(1, *), hasZero = ctx.hasInput(2)
        let unsigned: Int32 = ctx.inputType(0) == .uint8 ? 1 : 0
        return ClosureKernel { ins, outs in
            let zero = hasZero ? Int32(ins[2].double(at: 0)) : 0
            ck_dequantize_8(ins[0].data, n, unsigned, ins[1].f32()[0], zero, outs[0].f32())
        }
    }
}

/// MaxPool over int8 / uint8 NCHW tensors (the quantized models' pools): `ck_maxpool_8`, the reference's
/// window and padding rules (taps outside the input are skipped; the running maximum starts at the
/// type's minimum). No Indices output, no NHWC.
enum OptimizedMaxPool8 {
    static func make(_ ctx: KernelContext) throws -> Kernel? {
        guard OptimizedQuantized.is8Bit(ctx.inputType(0)), ctx.node.string("layout") != "NHWC",
              ctx.node.outputs.count == 1 || ctx.node.outputs[1].isEmpty else { return nil }
        let xs = ctx.inputShape(0), ys = ctx.outputShape(0)
        guard xs.count >= 3, xs.count <= 5, ys.count == xs.count, ys[0] == xs[0], ys[1] == xs[1],
              let ks = ctx.node.ints("kernel_shape"), ks.count == xs.count - 2,
              let geo = try? WindowGeometry(ctx.node, input: Array(xs[2...]), kernel: ks) else { return nil }
        let (k, s, d, p) = geo.as3D()
        let inD = spatial3D(Array(xs[2...])).map { Int32($0) }, outD = spatial3D(Array(ys[2...])).map { Int32($0) }
        let kk = k.map { Int32($0) }, ss = s.map { Int32($0) }, dd = d.map { Int32($0) }, pp = p.map { Int32($0) }
        let planes = Int32(xs[0] * xs[1]), signed: Int32 = ctx.inputType(0) == .int8 ? 1 : 0
        guard OptimizedMatrix.fits(xs.reduce(1, *), ys.reduce(1, *)) else { return nil }
        return ClosureKernel { ins, outs in
            ck_maxpool_8(ins[0].data, planes, signed, inD, kk, ss, dd, pp, outD, outs[0].data)
        }
    }
}
