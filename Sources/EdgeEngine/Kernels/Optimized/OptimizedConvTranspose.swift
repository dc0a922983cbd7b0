import CEdgeKernels
import EdgeIR

/// ConvTranspose, float32, 2-D NCHW, constant weights: per image and group one packed SGEMM
/// `cols[(co, ky, kx), pixel] = Σ_ci W[ci, co, ky, kx] · x[ci, pixel]` (weights packed once), then a
/// col2im scatter-add of each row into `y[co, iy·s − pad + ky·d, ix·s − pad + kx·d]` over the bias, and
/// the fused activation. Pads from `pads`, `auto_pad` or `output_shape` as the reference
/// (``ReferenceKernels/makeConvTranspose``) computes them. Declines other ranks, layouts and types.
final class OptimizedConvTranspose: Kernel {
    let isa: KernelISA
    let batch: Int, cin: Int, h: Int, w: Int, cout: Int, oh: Int, ow: Int, group: Int
    let kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int, pt: Int, pl: Int
    let packedA: AlignedBytes, perGroup: Int
    let bias: [Float]?
    let act: FusedActivation
    let cols: AlignedBytes, workspace: AlignedBytes

    init(isa: KernelISA, x: [Int], y: [Int], weights: HostTensor, bias: [Float]?, group: Int, kernel: (Int, Int),
         strides: (Int, Int), dilations: (Int, Int), pads: (Int, Int), act: FusedActivation) {
        self.isa = isa
        (batch, cin, h, w) = (x[0], x[1], x[2], x[3])
        (cout, oh, ow) = (y[1], y[2], y[3])
        self.group = group
        (kh, kw) = kernel
        (sh, sw) = strides
        (dh, dw) = dilations
        (pt, pl) = pads
        self.bias = bias
        self.act = act
        let cinG = cin / group, coutG = cout / group, m = coutG * kh * kw
        perGroup = ck_sgemm_packed_a_size(isa.level, Int32(m), Int32(cinG))
        packedA = AlignedBytes(count: perGroup * group * 4)
        let src = weights.ref.f32(), dst = packedA.pointer.assumingMemoryBound(to: Float.self)
        // A(i, p) = W[g·cinG + p][i] with i = (co, ky, kx): rows contiguous (rs 1), columns m apart.
        for g in 0..<group { ck_sgemm_pack_a(isa.level, Int32(m), Int32(cinG), src + g * cinG * m, 1, m, dst + g * perGroup) }
        cols = AlignedBytes(count: m * h * w * 4)
        var args = ck_sgemm_args()
        args.m = Int32(m); args.n = Int32(h * w); args.k = Int32(cinG)
        args.b_kind = Int32(CK_B_STRIDED.rawValue)
        workspace = AlignedBytes(count: (ck_sgemm_workspace_size(isa.level, &args) + 16) * 4)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let X = inputs[0].f32(), Y = outputs[0].f32()
        let cinG = cin / group, coutG = cout / group, m = coutG * kh * kw, inPlane = h * w, outPlane = oh * ow
        let C = cols.pointer.assumingMemoryBound(to: Float.self), ws = workspace.pointer.assumingMemoryBound(to: Float.self)
        let A = packedA.pointer.assumingMemoryBound(to: Float.self)
        for n in 0..<batch {
            for co in 0..<cout {
                let yp = Y + (n * cout + co) * outPlane
                yp.update(repeating: bias?[co] ?? 0, count: outPlane)
            }
            for g in 0..<group {
                var args = ck_sgemm_args()
                args.m = Int32(m); args.n = Int32(inPlane); args.k = Int32(cinG)
                args.a = UnsafePointer(A + g * perGroup)
                args.a_packed = 1
                args.b_kind = Int32(CK_B_STRIDED.rawValue)
                args.b = UnsafePointer(X + (n * cin + g * cinG) * inPlane)
                args.b_rs = inPlane
                args.b_cs = 1
                args.c = C
                args.ldc = inPlane
                ck_sgemm(isa.level, &args, ws)
                for cog in 0..<coutG {
                    let yp = Y + (n * cout + g * coutG + cog) * outPlane
                    for ky in 0..<kh {
                        for kx in 0..<kw {
                            let row = C + ((cog * kh + ky) * kw + kx) * inPlane
                            // Input columns whose output column lands inside: 0 ≤ ix·sw − pl + kx·dw < ow.
                            let off = kx * dw - pl
                            let ix0 = max(0, ceilDiv(-off, sw)), ix1 = min(w, ceilDiv(ow - off, sw))
                            guard ix1 > ix0 else { continue }
                            for iy in 0..<h {
                                let oy = iy * sh - pt + ky * dh
                                if oy < 0 || oy >= oh { continue }
                                let src = row + iy * w, dst = yp + oy * ow + off
                                if sw == 1 {
                                    for ix in ix0..<ix1 { dst[ix] += src[ix] }
                                } else {
                                    for ix in ix0..<ix1 { dst[ix * sw] += src[ix] }
                                }
                            }
                        }
                    }
                }
            }
            if !act.isNone { act.apply(Y + n * cout * outPlane, cout * outPlane) }
        }
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? {
        let node = ctx.node
        guard ctx.inputType(0) == .float32, node.string("layout") != "NHWC", let wt = ctx.constants[1], wt.dtype == .float32 else { return nil }
        let x = ctx.inputShape(0), wShape = wt.shape, y = ctx.outputShape(0)
        guard x.count == 4, wShape.count == 4, y.count == 4, x.allSatisfy({ $0 > 0 }), y.allSatisfy({ $0 > 0 }) else { return nil }
        let group = node.int("group", default: 1)
        guard group >= 1, x[1] % group == 0, wShape[0] == x[1], y[1] == wShape[1] * group else { return nil }
        var bias: [Float]?
        if node.input(2) != nil {
            guard let b = ctx.constants[2], b.dtype == .float32, b.elementCount == y[1] else { return nil }
            bias = (0..<y[1]).map { b.ref.f32()[$0] }
        }
        let act = try FusedActivation(node)
        let strides = node.ints("strides") ?? [1, 1], dil = node.ints("dilations") ?? [1, 1]
        let outPad = node.ints("output_padding") ?? [0, 0]
        var pads = node.ints("pads") ?? [0, 0, 0, 0]
        guard strides.count == 2, dil.count == 2, outPad.count == 2, pads.count == 4 else { return nil }
        let kernel = Array(wShape[2...])
        let auto = node.string("auto_pad") ?? "NOTSET"
        if auto != "NOTSET" || node.ints("output_shape") != nil {
            for i in 0..<2 {
                let total = strides[i] * (x[2 + i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 - y[2 + i]
                let half = floorDiv(total, 2)
                pads[i] = auto == "SAME_UPPER" ? half : total - half
                if auto == "VALID" { pads[i] = 0 }
            }
        }
        guard strides.allSatisfy({ $0 >= 1 }), dil.allSatisfy({ $0 >= 1 }) else { return nil }
        return OptimizedConvTranspose(isa: .selected, x: x, y: y, weights: wt, bias: bias, group: group, kernel: (kernel[0], kernel[1]),
                                      strides: (strides[0], strides[1]), dilations: (dil[0], dil[1]), pads: (pads[0], pads[1]), act: act)
    }
}
