import EdgeIR

/// Sliding-window geometry shared by Conv and pooling: strides, dilations and the begin padding of
/// each spatial axis after `auto_pad` is resolved.
struct WindowGeometry {
    let kernel: [Int]
    let strides: [Int]
    let dilations: [Int]
    /// Padding before and after each spatial axis.
    let padBegin: [Int]
    let padEnd: [Int]

    init(_ node: Node, input: [Int], kernel: [Int]) throws {
        let n = input.count
        self.kernel = kernel
        strides = node.ints("strides") ?? Array(repeating: 1, count: n)
        dilations = node.ints("dilations") ?? Array(repeating: 1, count: n)
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * n)
        guard strides.count == n, dilations.count == n, pads.count == 2 * n else {
            throw EngineError.unsupported(node: node.name, op: node.op, detail: "strides/dilations/pads do not match \(n) spatial axes")
        }
        switch node.string("auto_pad") ?? "NOTSET" {
        case "SAME_UPPER", "SAME_LOWER":
            let upper = node.string("auto_pad") == "SAME_UPPER"
            for i in 0..<n {
                (pads[i], pads[i + n]) = ShapeMath.samePadding(input: input[i], kernel: kernel[i], stride: strides[i],
                                                               dilation: dilations[i], upper: upper)
            }
        case "VALID": pads = Array(repeating: 0, count: 2 * n)
        default: break
        }
        padBegin = Array(pads.prefix(n))
        padEnd = Array(pads.suffix(n))
    }

    /// Pads 1-D and 2-D geometry to 3-D (leading size-1 axes) so one loop nest serves every rank.
    func as3D() -> (k: [Int], s: [Int], d: [Int], p: [Int]) {
        let extra = 3 - kernel.count
        let one = Array(repeating: 1, count: max(0, extra)), zero = Array(repeating: 0, count: max(0, extra))
        return (one + kernel, one + strides, one + dilations, zero + padBegin)
    }
}

/// Pads a spatial shape to three axes with leading 1s.
func spatial3D(_ s: [Int]) -> [Int] { Array(repeating: 1, count: max(0, 3 - s.count)) + s }

/// Direct convolution: NCHW with `[Cout, Cin/group, k…]` weights for 1-, 2- and 3-D, or TFLite's NHWC
/// with OHWI (regular, grouped) or 1HWO (depthwise) weights; bias and the fused activation included.
extension ReferenceKernels {
    static let convolution: [OpType: KernelSpec] = [
        .conv: KernelSpec([.float32]) { try makeConv($0) },
        .convTranspose: KernelSpec([.float32]) { try makeConvTranspose($0) },
    ]

    static func makeConv(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputType(0) == .float32, ctx.inputType(1) == .float32 else { throw ctx.unsupported("only float32 Conv") }
        if ctx.node.string("layout") == "NHWC" { return try makeConvNHWC(ctx) }
        let x = ctx.inputShape(0), w = ctx.inputShape(1), y = ctx.outputShape(0)
        guard x.count >= 3, x.count <= 5 else { throw ctx.unsupported("Conv of rank \(x.count)") }
        let act = try FusedActivation(ctx.node)
        let group = ctx.node.int("group", default: 1)
        let geo = try WindowGeometry(ctx.node, input: Array(x[2...]), kernel: Array(w[2...]))
        let (k, s, d, p) = geo.as3D()
        let xi = spatial3D(Array(x[2...])), yo = spatial3D(Array(y[2...]))
        let cinG = w[1], coutG = w[0] / group, batch = x[0], cin = x[1], cout = w[0]
        let inPlane = xi.reduce(1, *), outPlane = yo.reduce(1, *), kSize = k.reduce(1, *)
        let hasBias = ctx.hasInput(2)
        // For each kernel column, the output range whose input index stays inside (no branch in the loop).
        let wLo = (0..<k[2]).map { kw in max(0, ceilDiv(p[2] - kw * d[2], s[2])) }
        let wHi = (0..<k[2]).map { kw in min(yo[2], max(0, ceilDiv(xi[2] + p[2] - kw * d[2], s[2]))) }
        return ClosureKernel { ins, outs in
            let X = ins[0].f32(), W = ins[1].f32(), Y = outs[0].f32()
            for n in 0..<batch {
                for co in 0..<cout {
                    let g = co / coutG
                    let yp = Y + (n * cout + co) * outPlane
                    let b: Float = hasBias ? ins[2].f32()[co] : 0
                    for i in 0..<outPlane { yp[i] = b }
                    for ci in 0..<cinG {
                        let xp = X + (n * cin + g * cinG + ci) * inPlane
                        let wp = W + (co * cinG + ci) * kSize
                        for kd in 0..<k[0] {
                            for kh in 0..<k[1] {
                                for kw in 0..<k[2] {
                                    let wv = wp[(kd * k[1] + kh) * k[2] + kw]
                                    for od in 0..<yo[0] {
                                        let id = od * s[0] - p[0] + kd * d[0]
                                        if id < 0 || id >= xi[0] { continue }
                                        for oh in 0..<yo[1] {
                                            let ih = oh * s[1] - p[1] + kh * d[1]
                                            if ih < 0 || ih >= xi[1] { continue }
                                            let row = xp + (id * xi[1] + ih) * xi[2] - p[2] + kw * d[2]
                                            let out = yp + (od * yo[1] + oh) * yo[2]
                                            let sw = s[2]
                                            for ow in wLo[kw]..<max(wLo[kw], wHi[kw]) { out[ow] += wv * row[ow * sw] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    act.apply(yp, outPlane)
                }
            }
        }
    }

    /// NHWC convolution (TFLite): weights OHWI `[Cout, KH, KW, Cin/group]` or depthwise 1HWO `[1, KH, KW, Cout]`.
    static func makeConvNHWC(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0), w = ctx.inputShape(1), y = ctx.outputShape(0)
        guard x.count == 4 else { throw ctx.unsupported("NHWC Conv of rank \(x.count)") }
        let act = try FusedActivation(ctx.node)
        let depthwise = ctx.node.string("weight_layout") == "1HWO"
        let (batch, H, W, cin) = (x[0], x[1], x[2], x[3])
        let (OH, OW, cout) = (y[1], y[2], y[3])
        let kh = w[1], kw = w[2]
        let geo = try WindowGeometry(ctx.node, input: [H, W], kernel: [kh, kw])
        let group = depthwise ? cin : ctx.node.int("group", default: 1)
        let cinG = depthwise ? 1 : w[3], coutG = cout / group
        let mult = depthwise ? cout / cin : 1
        let hasBias = ctx.hasInput(2)
        return ClosureKernel { ins, outs in
            let X = ins[0].f32(), Wt = ins[1].f32(), Y = outs[0].f32()
            for n in 0..<batch {
                for oh in 0..<OH {
                    for ow in 0..<OW {
                        let acc = Y + ((n * OH + oh) * OW + ow) * cout
                        for co in 0..<cout { acc[co] = hasBias ? ins[2].f32()[co] : 0 }
                        for i in 0..<kh {
                            let ih = oh * geo.strides[0] - geo.padBegin[0] + i * geo.dilations[0]
                            if ih < 0 || ih >= H { continue }
                            for j in 0..<kw {
                                let iw = ow * geo.strides[1] - geo.padBegin[1] + j * geo.dilations[1]
                                if iw < 0 || iw >= W { continue }
                                let px = X + ((n * H + ih) * W + iw) * cin
                                if depthwise {
                                    let wr = Wt + (i * kw + j) * cout
                                    for co in 0..<cout { acc[co] += px[co / mult] * wr[co] }
                                } else {
                                    for co in 0..<cout {
                                        let xg = px + (co / coutG) * cinG
                                        let wr = Wt + ((co * kh + i) * kw + j) * cinG
                                        var s: Float = 0
                                        for c in 0..<cinG { s += xg[c] * wr[c] }
                                        acc[co] += s
                                    }
                                }
                            }
                        }
                        act.apply(acc, cout)
                    }
                }
            }
        }
    }

    /// ConvTranspose, NCHW, 1- to 3-D: each input element scatters `x · w[ci, co, k]` to
    /// `o = i·stride − padBegin + k·dilation`.
    static func makeConvTranspose(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputType(0) == .float32, ctx.inputType(1) == .float32 else { throw ctx.unsupported("only float32 ConvTranspose") }
        guard ctx.node.string("layout") != "NHWC" else { throw ctx.unsupported("NHWC ConvTranspose") }
        let x = ctx.inputShape(0), w = ctx.inputShape(1), y = ctx.outputShape(0)
        guard x.count >= 3, x.count <= 5 else { throw ctx.unsupported("ConvTranspose of rank \(x.count)") }
        let act = try FusedActivation(ctx.node)
        let sp = x.count - 2
        let group = ctx.node.int("group", default: 1)
        let strides = ctx.node.ints("strides") ?? Array(repeating: 1, count: sp)
        let dil = ctx.node.ints("dilations") ?? Array(repeating: 1, count: sp)
        let outPad = ctx.node.ints("output_padding") ?? Array(repeating: 0, count: sp)
        var pads = ctx.node.ints("pads") ?? Array(repeating: 0, count: 2 * sp)
        let kernel = Array(w[2...])
        let auto = ctx.node.string("auto_pad") ?? "NOTSET"
        if auto != "NOTSET" || ctx.node.ints("output_shape") != nil {
            for i in 0..<sp {
                let total = strides[i] * (x[2 + i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 - y[2 + i]
                // ONNX: SAME_UPPER puts the smaller half first; otherwise the larger half.
                let half = floorDiv(total, 2)
                pads[i] = auto == "SAME_UPPER" ? half : total - half
                if auto == "VALID" { pads[i] = 0 }
            }
        }
        let (k, s, d) = (spatial3D(kernel), spatial3D(strides), spatial3D(dil))
        let p = Array(repeating: 0, count: 3 - sp) + Array(pads.prefix(sp))
        let xi = spatial3D(Array(x[2...])), yo = spatial3D(Array(y[2...]))
        let cinG = x[1] / group, coutG = w[1], cout = coutG * group, batch = x[0], cin = x[1]
        let inPlane = xi.reduce(1, *), outPlane = yo.reduce(1, *), kSize = k.reduce(1, *)
        let hasBias = ctx.hasInput(2)
        return ClosureKernel { ins, outs in
            let X = ins[0].f32(), W = ins[1].f32(), Y = outs[0].f32()
            for n in 0..<batch {
                for co in 0..<cout {
                    let b: Float = hasBias ? ins[2].f32()[co] : 0
                    let yp = Y + (n * cout + co) * outPlane
                    for i in 0..<outPlane { yp[i] = b }
                }
                for ci in 0..<cin {
                    let g = ci / cinG
                    let xp = X + (n * cin + ci) * inPlane
                    for cog in 0..<coutG {
                        let co = g * coutG + cog
                        let yp = Y + (n * cout + co) * outPlane
                        let wp = W + (ci * coutG + cog) * kSize
                        for id in 0..<xi[0] { for ih in 0..<xi[1] { for iw in 0..<xi[2] {
                            let v = xp[(id * xi[1] + ih) * xi[2] + iw]
                            for kd in 0..<k[0] {
                                let od = id * s[0] - p[0] + kd * d[0]
                                if od < 0 || od >= yo[0] { continue }
                                for kh in 0..<k[1] {
                                    let oh = ih * s[1] - p[1] + kh * d[1]
                                    if oh < 0 || oh >= yo[1] { continue }
                                    for kw in 0..<k[2] {
                                        let ow = iw * s[2] - p[2] + kw * d[2]
                                        if ow < 0 || ow >= yo[2] { continue }
                                        yp[(od * yo[1] + oh) * yo[2] + ow] += v * wp[(kd * k[1] + kh) * k[2] + kw]
                                    }
                                }
                            }
                        } } }
                    }
                }
                if !act.isNone { act.apply(Y + n * cout * outPlane, cout * outPlane) }
            }
        }
    }
}

/// ⌊a / b⌋ for b > 0 and any sign of a (Python's `//`).
@inline(__always) func floorDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}

/// ⌈a / b⌉ for b > 0 and any sign of a.
@inline(__always) func ceilDiv(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? (a + b - 1) / b : -((-a) / b)
}
