import CEdgeKernels
import EdgeIR
import Foundation

/// QLinearConv and ConvInteger in 1-D and 2-D on the fused quantized convolution (`ck_qconv.h`):
/// weights packed once as int16 pairs, patches packed block by block, requantization in the store,
/// output written straight to NCHW; depthwise convolutions on a direct kernel.
///
/// Numerics are the reference kernels' bit for bit (`Reference/Quantized.swift`): exact int32 sums
/// (wrapping), the zero points folded into per-channel constants, and `round_half_even(acc ·
/// multiplier + y_zero)` in double with the multiplier formed as numpy forms it. Split into parts with
/// disjoint outputs for intra-op threading; every part computes its outputs exactly as one call does.
/// Declines (nil) what the general OptimizedQuantized path or the reference handles instead: 3-D
/// convolutions, non-constant weights or quantization parameters, non-finite multipliers.
final class OptimizedQConv: Kernel {
    let isa: KernelISA
    let depthwise: Bool
    var params: ck_conv2d_params
    let weights: AlignedBytes
    var epilogue: ck_qconv_epilogue
    /// Keeps the epilogue's arrays alive.
    let buffers: [AlignedBytes]
    let xXor: UInt8, padByte: UInt8, aZero: Int32
    let parts: Int
    let workspace: AlignedBytes
    let workspaceStride: Int

    /// Whether the weights took the u8 × s8 quads form (not depthwise; see ck_qconv.h).
    var usesQuads: Bool { !depthwise && ck_qconv_packed_uses_quads(weights.pointer) != 0 }

    init(isa: KernelISA, depthwise: Bool, params: ck_conv2d_params, weights: AlignedBytes, epilogue: ck_qconv_epilogue,
         buffers: [AlignedBytes], xXor: UInt8, padByte: UInt8, aZero: Int32, threads: Int, parts forced: Int? = nil) {
        self.isa = isa
        self.depthwise = depthwise
        self.params = params
        self.weights = weights
        self.epilogue = epilogue
        self.buffers = buffers
        self.xXor = xXor
        self.padByte = padByte
        self.aZero = aZero
        var p = params
        let bytes = depthwise ? ck_qdwconv_workspace_size(&p) : ck_qconv_workspace_size(isa.level, &p)
        let pixels = Int(p.n) * Int(p.oh) * Int(p.ow), taps = Int(p.kh) * Int(p.kw)
        let work = depthwise ? pixels * Int(p.c) * taps : pixels * Int(p.cout) * Int(p.c / p.group) * taps
        parts = forced ?? IntraOp.parts(threads: threads, work: work, maxParts: depthwise ? Int(p.n) * Int(p.c) : .max)
        workspaceStride = (bytes + 63) / 64 * 64
        workspace = AlignedBytes(count: workspaceStride * parts + 64)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        run(x: UnsafePointer(inputs[0].data.assumingMemoryBound(to: UInt8.self)), y: outputs[0].data)
    }

    /// The convolution of NCHW bytes `x` into `y` (NCHW).
    func run(x: UnsafePointer<UInt8>, y: UnsafeMutableRawPointer) {
        let w = UnsafeRawPointer(weights.pointer), ws = workspace.pointer
        let level = isa.level, parts = self.parts, stride = workspaceStride, dw = depthwise
        let xx = xXor, pb = padByte, az = aZero
        let p = params, e = epilogue
        IntraOp.run(parts) { part in
            var p = p, e = e
            if dw {
                ck_qdwconv_part(level, &p, w.assumingMemoryBound(to: Int16.self), &e, xx, az, x, y, ws + part * stride,
                                Int32(part), Int32(parts))
            } else {
                ck_qconv_part(level, &p, w, &e, xx, pb, x, y, ws + part * stride, Int32(part), Int32(parts))
            }
        }
        _ = (p, e)
    }

    /// The fused kernel for a 1-D or 2-D QLinearConv (`requantize`) or ConvInteger, or nil. `parts` forces
    /// the split (tests: every split must give the same bytes).
    static func make(_ ctx: KernelContext, requantize: Bool, isa: KernelISA, parts: Int? = nil) -> Kernel? {
        let iw = requantize ? 3 : 1, iwz = requantize ? 5 : 3
        guard let wt = ctx.constants[iw], OptimizedQuantized.is8Bit(ctx.inputType(0)), OptimizedQuantized.is8Bit(wt.dtype),
              let out = ctx.outputTypes.first?.dtype else { return nil }
        let x = ctx.inputShape(0), ws = wt.shape, y = ctx.outputShape(0)
        guard x.count == 3 || x.count == 4, ws.count == x.count, y.count == x.count else { return nil }
        let group = ctx.node.int("group", default: 1)
        guard let wg = try? WindowGeometry(ctx.node, input: Array(x[2...]), kernel: Array(ws[2...])) else { return nil }
        let (kk, s, d, pd) = wg.as3D()
        let xi = spatial3D(Array(x[2...])), yo = spatial3D(Array(y[2...]))
        let cout = ws[0], cinG = ws[1], cin = x[1], n = x[0]
        guard group > 0, cout % group == 0, cinG * group == cin, y[1] == cout, y[0] == n, n > 0 else { return nil }
        let k = cinG * kk[1] * kk[2]
        let values = [n, cin, xi[1], xi[2], cout, group, kk[1], kk[2], s[1], s[2], d[1], d[2], pd[1], pd[2], yo[1], yo[2]]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }), yo[1] > 0, yo[2] > 0, k > 0,
              OptimizedMatrix.fits(x.reduce(1, *), y.reduce(1, *), cout * k, cin * xi[1] * xi[2], cout * yo[1] * yo[2],
                                   (cout + 6) * (k + 2) * 4) else { return nil }
        // The kernels copy each input plane into padded column phases (qconv.c build_planes, the depthwise
        // phase rows): sw phases of hp rows × pq columns. A hostile stride or padding makes those dwarf the
        // input (stride 10⁹ over a 2-pixel output: 10⁹ phases) and the int32 geometry overflow; such a
        // convolution is left to the reference kernel, which allocates nothing per tap.
        let hp = (yo[1] - 1) * s[1] + (kk[1] - 1) * d[1] + 1, pq = yo[2] + (kk[2] - 1) * d[2] / s[2] + 1
        let planes = Double(cinG) * Double(s[2]) * Double(Swift.max(hp, xi[1])) * Double(pq)
        guard hp <= Int(Int32.max), pq <= Int(Int32.max),
              planes <= 16 * Double(cin) * Double(xi[1]) * Double(xi[2]) + Double(1 << 24) else { return nil }
        var p = ck_conv2d_params(n: Int32(n), c: Int32(cin), h: Int32(xi[1]), w: Int32(xi[2]), cout: Int32(cout),
                                 group: Int32(group), kh: Int32(kk[1]), kw: Int32(kk[2]), sh: Int32(s[1]), sw: Int32(s[2]),
                                 dh: Int32(d[1]), dw: Int32(d[2]), pad_top: Int32(pd[1]), pad_left: Int32(pd[2]),
                                 oh: Int32(yo[1]), ow: Int32(yo[2]), nhwc: 0)
        // Zero points and scales.
        guard let xzOpt = OptimizedQuantized.scalar(ctx, 2) else { return nil }
        let xUnsigned = ctx.inputType(0) == .uint8, wUnsigned = wt.dtype == .uint8
        let xzRaw = xzOpt ?? 0
        var wz = Array(repeating: 0.0, count: cout)
        if ctx.hasInput(iwz) { guard let z = OptimizedQuantized.perChannel(ctx, iwz, count: cout) else { return nil }; wz = z }
        var epi = ck_qconv_epilogue()
        var buffers: [AlignedBytes] = []
        if requantize {
            guard OptimizedQuantized.is8Bit(out), let ys = ctx.constants[6], ys.elementCount == 1, let xs = ctx.constants[1],
                  xs.elementCount == 1, let wsc = OptimizedQuantized.perChannel(ctx, 4, count: cout),
                  let yzOpt = OptimizedQuantized.scalar(ctx, 7) else { return nil }
            let half = ctx.inputType(1) == .float16
            let mult = wsc.map { ReferenceKernels.requantizeMultiplier(xs.ref.double(at: 0), $0, ys.ref.double(at: 0), half: half) }
            guard mult.allSatisfy({ $0.isFinite }) else { return nil }
            let mb = OptimizedQuantized.bytes(mult)
            buffers.append(mb)
            epi.multiplier = UnsafePointer(mb.pointer.assumingMemoryBound(to: Double.self))
            epi.out_zero = yzOpt ?? 0
            (epi.out_min, epi.out_max) = out == .uint8 ? (0, 255) : (-128, 127)
            epi.out_unsigned = out == .uint8 ? 1 : 0
            // |v| ≤ 2^31, so |v·m + zero| ≤ 2^31·|m| + 255 < 2^31 when |m| ≤ 0.5: the packs can clamp.
            epi.packs_clamp = mult.allSatisfy { abs($0) <= 0.5 } ? 1 : 0
            // Float32 multipliers not below 2^-19 (see ck_qconv_epilogue.fma_exact).
            let fmaExact = mult.allSatisfy { Double(Float($0)) == $0 && ($0 == 0 || abs($0) >= 0x1p-19) }
            epi.fma_exact = epi.packs_clamp == 1 && fmaExact ? 1 : 0
        } else {
            guard out == .int32 else { return nil }
        }
        var bias = [Int32](repeating: 0, count: cout)
        if requantize && ctx.hasInput(8) {
            guard let b = ctx.constants[8], b.dtype == .int32, b.elementCount == cout else { return nil }
            bias = (0..<cout).map { b.ref.i32()[$0] }
        }
        // Weights as int8 [cout][k], uint8 read as w − 128 with its zero point shifted the same way.
        let src = wt.storage.pointer.assumingMemoryBound(to: UInt8.self)
        var wi = [Int8](repeating: 0, count: cout * k)
        for i in 0..<(cout * k) { wi[i] = Int8(bitPattern: wUnsigned ? src[i] ^ 0x80 : src[i]) }
        let bz = wz.map { Int32($0) - (wUnsigned ? 128 : 0) }
        let az = xzRaw - (xUnsigned ? 128 : 0)
        let threads = min(max(1, ctx.options.threads), ProcessInfo.processInfo.activeProcessorCount)
        let xXor: UInt8 = xUnsigned ? 0x80 : 0, padByte = UInt8(truncatingIfNeeded: xzRaw)

        if group == cin && cout == cin && cinG == 1 && cin > 1 {
            // Depthwise: Σ (x' − a_zero)(w − b_zero) directly, so c0 is the bias alone.
            let w16 = AlignedBytes(count: cout * k * 2 + 64)
            let wp = w16.pointer.assumingMemoryBound(to: Int16.self)
            for j in 0..<cout { for t in 0..<k { wp[j * k + t] = Int16(wi[j * k + t]) - Int16(bz[j]) } }
            let cb = OptimizedQuantized.bytes(bias)
            buffers.append(cb)
            epi.c0 = UnsafePointer(cb.pointer.assumingMemoryBound(to: Int32.self))
            return OptimizedQConv(isa: isa, depthwise: true, params: p, weights: w16, epilogue: epi, buffers: buffers,
                                  xXor: xXor, padByte: padByte, aZero: az, threads: threads, parts: parts)
        }
        // c0 = bias − a_zero·Σw + k·a_zero·b_zero, wrapping like the reference's int32 accumulator.
        var c0 = [Int32](repeating: 0, count: cout)
        for j in 0..<cout {
            var sw: Int32 = 0
            for t in 0..<k { sw &+= Int32(wi[j * k + t]) }
            c0[j] = bias[j] &- az &* sw &+ Int32(truncatingIfNeeded: k) &* az &* bz[j]
        }
        let cb = OptimizedQuantized.bytes(c0)
        buffers.append(cb)
        epi.c0 = UnsafePointer(cb.pointer.assumingMemoryBound(to: Int32.self))
        if bz.contains(where: { $0 != 0 }) {
            let zb = OptimizedQuantized.bytes(bz)
            buffers.append(zb)
            epi.b_zero = UnsafePointer(zb.pointer.assumingMemoryBound(to: Int32.self))
        }
        let packed = AlignedBytes(count: ck_qconv_packed_weights_size(isa.level, &p) + 64)
        wi.withUnsafeBufferPointer { ck_qconv_pack_weights(isa.level, &p, $0.baseAddress!, packed.pointer) }
        return OptimizedQConv(isa: isa, depthwise: false, params: p, weights: packed, epilogue: epi, buffers: buffers,
                              xXor: xXor, padByte: padByte, aZero: az, threads: threads, parts: parts)
    }
}
