import EdgeIR

/// Direct convolution, NCHW, any spatial rank, groups, dilations, explicit or automatic padding.
extension ReferenceKernels {
    static let convolution: [OpType: KernelRegistry.Factory] = [.conv: makeConv]

    static func makeConv(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.node.string("layout") != "NHWC" else { throw ctx.unsupported("NHWC layout in the reference kernel") }
        guard ctx.inputTypes[0]?.dtype == .float32, ctx.inputTypes[1]?.dtype == .float32 else {
            throw ctx.unsupported("only float32 Conv in the reference kernel")
        }
        let x = ctx.inputShape(0), w = ctx.inputShape(1), y = ctx.outputShape(0)
        let spatial = x.count - 2
        let group = ctx.node.int("group", default: 1)
        let kernel = Array(w[2...])
        let stridesA = ctx.node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dil = ctx.node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        var pads = ctx.node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
        let auto = ctx.node.string("auto_pad") ?? "NOTSET"
        if auto == "SAME_UPPER" || auto == "SAME_LOWER" {
            for i in 0..<spatial {
                let (b, e) = ShapeMath.samePadding(input: x[2 + i], kernel: kernel[i], stride: stridesA[i], dilation: dil[i],
                                                   upper: auto == "SAME_UPPER")
                pads[i] = b
                pads[i + spatial] = e
            }
        } else if auto == "VALID" {
            pads = Array(repeating: 0, count: 2 * spatial)
        }
        let hasBias = ctx.node.input(2) != nil
        let cinPerGroup = w[1], coutPerGroup = w[0] / group
        let inSp = Array(x[2...]), outSp = Array(y[2...])
        let inStr = strides(inSp), outStr = strides(outSp), kStr = strides(kernel)
        let inSize = inSp.reduce(1, *), outSize = outSp.reduce(1, *), kSize = kernel.reduce(1, *)
        return ClosureKernel { ins, outs in
            let X = ins[0].f32(), W = ins[1].f32(), Y = outs[0].f32()
            let B: UnsafeMutablePointer<Float>? = hasBias ? ins[2].f32() : nil
            var opos = [Int](repeating: 0, count: spatial), kpos = [Int](repeating: 0, count: spatial)
            for n in 0..<x[0] {
                for co in 0..<w[0] {
                    let g = co / coutPerGroup
                    for o in 0..<outSize {
                        var r = o
                        for d in 0..<spatial { opos[d] = r / outStr[d]; r %= outStr[d] }
                        var acc: Float = B?[co] ?? 0
                        for ci in 0..<cinPerGroup {
                            let c = g * cinPerGroup + ci
                            let xBase = (n * x[1] + c) * inSize
                            let wBase = (co * cinPerGroup + ci) * kSize
                            for k in 0..<kSize {
                                var rk = k, inside = true, off = 0
                                for d in 0..<spatial {
                                    kpos[d] = rk / kStr[d]; rk %= kStr[d]
                                    let p = opos[d] * stridesA[d] - pads[d] + kpos[d] * dil[d]
                                    if p < 0 || p >= inSp[d] { inside = false; break }
                                    off += p * inStr[d]
                                }
                                if inside { acc += X[xBase + off] * W[wBase + k] }
                            }
                        }
                        Y[(n * w[0] + co) * outSize + o] = acc
                    }
                }
            }
        }
    }
}
