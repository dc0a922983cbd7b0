import CEdgeKernels
import EdgeIR
import Foundation

/// Conv with constant float32 weights, 1-D or 2-D, NCHW or NHWC: the implicit-GEMM path (weights
/// packed once for the chosen ISA) or the direct depthwise kernel, with bias and activation fused.
///
/// Declines (nil) what it does not handle, so the reference kernel runs: non-constant weights or
/// bias, other element types, 3-D and higher convolutions, depthwise with a channel multiplier in
/// NHWC, grouped NHWC convolutions, activations the epilogue lacks.
final class OptimizedConv: Kernel {
    enum Path { case gemm, depthwise }
    let isa: KernelISA
    let path: Path
    var params: ck_conv2d_params
    let weights: AlignedBytes
    let bias: AlignedBytes?
    let activation: ck_activation
    /// Parts a call may be split into (1: single-threaded), each with its own workspace; whether a
    /// call splits is measured per node (``SplitChooser``).
    let parts: Int
    let chooser: SplitChooser
    let workspace: AlignedBytes
    /// Floats per part's workspace (a multiple of 16, so every part's stays 64-byte aligned).
    let workspaceStride: Int

    init(isa: KernelISA, path: Path, params: ck_conv2d_params, weights: AlignedBytes, bias: AlignedBytes?,
         activation: ck_activation, threads: Int = 1) {
        self.isa = isa
        self.path = path
        self.params = params
        self.weights = weights
        self.bias = bias
        self.activation = activation
        var p = params
        let floats = path == .gemm ? ck_conv2d_workspace_size(isa.level, &p) : ck_dwconv2d_workspace_size(isa.level, &p)
        // Multiply-adds per call: depthwise C·OH·OW·KH·KW, otherwise Cout·OH·OW·(C/group)·KH·KW.
        let pixels = Int(p.n) * Int(p.oh) * Int(p.ow), taps = Int(p.kh) * Int(p.kw)
        let work = path == .depthwise ? pixels * Int(p.c) * taps : pixels * Int(p.cout) * Int(p.c / p.group) * taps
        parts = IntraOp.parts(threads: threads, work: work, maxParts: path == .depthwise ? Int(p.nhwc != 0 ? p.oh : p.c) : .max)
        chooser = SplitChooser(candidate: parts)
        workspaceStride = (floats + 15) / 16 * 16
        workspace = AlignedBytes(count: workspaceStride * parts * 4)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let x = inputs[0].f32(), y = outputs[0].f32()
        let w = weights.pointer.assumingMemoryBound(to: Float.self)
        let b = bias.map { UnsafePointer($0.pointer.assumingMemoryBound(to: Float.self)) }
        let ws = workspace.pointer.assumingMemoryBound(to: Float.self)
        let level = isa.level, act = activation, path = self.path, stride = workspaceStride
        let p = params
        chooser.measure { count in
            let parts = Int32(count)
            IntraOp.run(count) { part in
                var p = p
                let wsPart = ws + part * stride
                switch path {
                case .gemm: ck_conv2d_part(level, &p, w, b, act, x, y, wsPart, Int32(part), parts)
                case .depthwise: ck_dwconv2d_part(level, &p, w, b, act, x, y, wsPart, Int32(part), parts)
                }
            }
        }
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? { try make(ctx, isa: .selected) }

    static func make(_ ctx: KernelContext, isa: KernelISA) throws -> Kernel? {
        let threads = min(max(1, ctx.options.threads), ProcessInfo.processInfo.activeProcessorCount)
        let node = ctx.node
        guard ctx.inputTypes.first??.dtype == .float32, ctx.outputTypes.first?.dtype == .float32,
              let wt = ctx.constants[1], wt.dtype == .float32 else { return nil }
        var bt: HostTensor?
        if node.input(2) != nil {
            guard let b = ctx.constants[2], b.dtype == .float32 else { return nil }
            bt = b
        }
        guard let act = EpilogueActivation.fused(node) else { return nil }
        let nhwc = node.string("layout") == "NHWC"
        let layout = node.string("weight_layout") ?? (nhwc ? "OHWI" : "OIHW")
        let xs = ctx.inputShape(0), ys = ctx.outputShape(0), ws = wt.shape
        guard xs.count == 3 || xs.count == 4, ys.count == xs.count, ws.count == xs.count else { return nil }
        let spatial = xs.count - 2
        // View 1-D as 2-D with height 1.
        func hw(_ s: [Int], channelsLast: Bool) -> (Int, Int) {
            let sp = channelsLast ? Array(s[1..<(s.count - 1)]) : Array(s[2...])
            return spatial == 1 ? (1, sp[0]) : (sp[0], sp[1])
        }
        let (h, w) = hw(xs, channelsLast: nhwc), (oh, ow) = hw(ys, channelsLast: nhwc)
        let n = xs[0], c = nhwc ? xs[xs.count - 1] : xs[1], cout = nhwc ? ys[ys.count - 1] : ys[1]
        let kernelDims: [Int]
        switch layout {
        case "OIHW": kernelDims = Array(ws[2...])
        case "OHWI", "1HWO": kernelDims = Array(ws[1..<(ws.count - 1)])
        default: return nil
        }
        let (kh, kw) = spatial == 1 ? (1, kernelDims[0]) : (kernelDims[0], kernelDims[1])
        let group = layout == "1HWO" ? c : node.int("group", default: 1)
        let strides = node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dil = node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        guard strides.count == spatial, dil.count == spatial, group >= 1, c % group == 0, cout % group == 0 else { return nil }
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
        guard pads.count == 2 * spatial else { return nil }
        let auto = node.string("auto_pad") ?? "NOTSET"
        let inSp = spatial == 1 ? [w] : [h, w], kSp = spatial == 1 ? [kw] : [kh, kw]
        if auto == "SAME_UPPER" || auto == "SAME_LOWER" {
            for i in 0..<spatial {
                let (b, e) = ShapeMath.samePadding(input: inSp[i], kernel: kSp[i], stride: strides[i], dilation: dil[i],
                                                   upper: auto == "SAME_UPPER")
                pads[i] = b
                pads[i + spatial] = e
            }
        } else if auto == "VALID" {
            pads = Array(repeating: 0, count: 2 * spatial)
        }
        let (sh, sw) = spatial == 1 ? (1, strides[0]) : (strides[0], strides[1])
        let (dh, dw) = spatial == 1 ? (1, dil[0]) : (dil[0], dil[1])
        let (pt, pl) = spatial == 1 ? (0, pads[0]) : (pads[0], pads[1])
        let values = [n, c, h, w, cout, group, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }), oh > 0, ow > 0, n > 0 else { return nil }
        // The C kernels index with 32-bit counts per image.
        guard c * h * w < Int(Int32.max), cout * oh * ow < Int(Int32.max) else { return nil }
        var p = ck_conv2d_params(n: Int32(n), c: Int32(c), h: Int32(h), w: Int32(w), cout: Int32(cout), group: Int32(group),
                                 kh: Int32(kh), kw: Int32(kw), sh: Int32(sh), sw: Int32(sw), dh: Int32(dh), dw: Int32(dw),
                                 pad_top: Int32(pt), pad_left: Int32(pl), oh: Int32(oh), ow: Int32(ow), nhwc: nhwc ? 1 : 0)
        let biasCopy: AlignedBytes? = bt.map { b in
            let a = AlignedBytes(count: cout * 4)
            a.pointer.copyMemory(from: b.storage.pointer, byteCount: min(b.byteCount, cout * 4))
            return a
        }
        if let b = bt, b.elementCount != cout { return nil }

        let depthwise = group == c && cout == c && c > 1
        if depthwise {
            let taps = kh * kw
            let packed = AlignedBytes(count: c * taps * 4)
            let src = wt.ref.f32(), dst = packed.pointer.assumingMemoryBound(to: Float.self)
            switch (nhwc, layout) {
            case (false, "OIHW"):  // [C,1,KH,KW] is already [C][KH][KW]
                dst.update(from: src, count: c * taps)
            case (true, "1HWO"):   // [1,KH,KW,C] is already [KH][KW][C]
                dst.update(from: src, count: c * taps)
            case (true, "OHWI"):   // [C,KH,KW,1] → [KH][KW][C]
                for ch in 0..<c { for t in 0..<taps { dst[t * c + ch] = src[ch * taps + t] } }
            default: return nil
            }
            return OptimizedConv(isa: isa, path: .depthwise, params: p, weights: packed, bias: biasCopy, activation: act,
                                 threads: threads)
        }
        guard layout != "1HWO", !nhwc || group == 1 else { return nil }
        let packed = AlignedBytes(count: ck_conv2d_packed_weights_size(isa.level, &p) * 4)
        ck_conv2d_pack_weights(isa.level, &p, wt.ref.f32(), packed.pointer.assumingMemoryBound(to: Float.self))
        return OptimizedConv(isa: isa, path: .gemm, params: p, weights: packed, bias: biasCopy, activation: act,
                                 threads: threads)
    }
}
