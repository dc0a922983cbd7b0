/// Conv and ConvTranspose: N-dimensional, grouped, depthwise, dilated, with explicit or automatic padding.
///
/// Layout is NCHW (ONNX) with weights `[Cout, Cin/group, k…]` unless the node says
/// `layout = "NHWC"` (TFLite), in which case weights are `[Cout, k…, Cin/group]` (OHWI) or, for
/// TFLite's depthwise convolution, `weight_layout = "1HWO"`: `[1, k…, Cout]`.
extension OpRegistry {
    static let convSchemas: [OpSchema] = [
        OpSchema(.conv, infer: { ctx in [try ConvGeometry(ctx).outputType] }, work: { w in
            let g = ConvGeometry.work(w)
            return Work(macs: g.macs, otherFlops: g.biasAndActivation)
        }),
        OpSchema(.convTranspose, infer: { ctx in [try ConvTransposeGeometry.infer(ctx)] }, work: { w in
            // Each input element is multiplied by a Cout/group × k… slice of the weight.
            let x = w.dims(ofInput: 0), wt = w.dims(ofInput: 1)
            guard x.count >= 3, wt.count == x.count else { return Work() }
            let macs = x.reduce(1, *) * wt[1] * wt[2...].reduce(1, *)
            let bias = w.inputs.count > 2 && w.inputs[2] != nil ? w.elements(ofOutput: 0) : 0
            return Work(macs: macs, otherFlops: bias)
        }),
    ]
}

/// The resolved geometry of a Conv node.
struct ConvGeometry {
    let outputType: TensorType

    init(_ ctx: InferenceContext) throws {
        let x = try ctx.input(0)
        let w = try ctx.input(1)
        let node = ctx.node
        let nhwc = node.string("layout") == "NHWC"
        let spatial = x.shape.rank - 2
        guard spatial >= 1 else { throw ctx.shapeError("input \(x.shape) must have rank ≥ 3 (N, C, spatial…)") }
        guard w.shape.rank == x.shape.rank else {
            throw ctx.shapeError("weight \(w.shape) must have the input's rank \(x.shape.rank)")
        }
        let group = node.int("group", default: 1)
        guard group >= 1 else { throw ctx.attributeError("group", "must be ≥ 1, got \(group)") }

        let cin: Dim = nhwc ? x.shape[x.shape.rank - 1] : x.shape[1]
        let weightLayout = node.string("weight_layout") ?? (nhwc ? "OHWI" : "OIHW")
        let cout: Dim
        let wIn: Dim
        let kernelDims: [Dim]
        switch weightLayout {
        case "1HWO":
            cout = w.shape[w.shape.rank - 1]
            wIn = 1
            kernelDims = Array(w.shape.dims[1..<(w.shape.rank - 1)])
        case "OHWI":
            cout = w.shape[0]
            wIn = w.shape[w.shape.rank - 1]
            kernelDims = Array(w.shape.dims[1..<(w.shape.rank - 1)])
        default:
            cout = w.shape[0]
            wIn = w.shape[1]
            kernelDims = Array(w.shape.dims[2...])
        }
        var kernel: [Int] = []
        for (i, d) in kernelDims.enumerated() {
            guard let v = d.value, v >= 1 else { throw ctx.shapeError("weight \(w.shape) has kernel dimension \(i) = \(d)") }
            kernel.append(v)
        }
        if let ks = node.ints("kernel_shape"), ks != kernel {
            throw ctx.attributeError("kernel_shape", "\(ks) disagrees with weight shape \(w.shape)")
        }
        if let c = cin.value, let wi = wIn.value {
            if weightLayout == "1HWO" {
                if let co = cout.value, co % c != 0 {
                    throw ctx.shapeError("depthwise output channels \(co) are not a multiple of input channels \(c)")
                }
            } else {
                guard c % group == 0 else { throw ctx.shapeError("input channels \(c) not divisible by group \(group)") }
                guard c / group == wi else {
                    throw ctx.shapeError("weight \(w.shape) expects \(wi) input channels per group, input has \(c)/\(group) = \(c / group)")
                }
            }
        }
        if let co = cout.value, weightLayout != "1HWO", co % group != 0 {
            throw ctx.shapeError("output channels \(co) not divisible by group \(group)")
        }
        if let b = ctx.optionalInput(2) {
            guard b.shape.rank == 1, b.shape[0] == cout || b.shape[0].isSymbolic || cout.isSymbolic else {
                throw ctx.shapeError("bias \(b.shape) must be [\(cout)]")
            }
        }
        let strides = node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dilations = node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        guard strides.count == spatial, strides.allSatisfy({ $0 >= 1 }) else {
            throw ctx.attributeError("strides", "expected \(spatial) values ≥ 1, got \(strides)")
        }
        guard dilations.count == spatial, dilations.allSatisfy({ $0 >= 1 }) else {
            throw ctx.attributeError("dilations", "expected \(spatial) values ≥ 1, got \(dilations)")
        }
        let inSpatial: [Dim] = nhwc ? Array(x.shape.dims[1..<(1 + spatial)]) : Array(x.shape.dims[2...])
        let outSpatial = try WindowPadding.outputDims(ctx, input: inSpatial, kernel: kernel, strides: strides,
                                                      dilations: dilations, ceilMode: false)
        let n = x.shape[0]
        let dims: [Dim] = nhwc ? [n] + outSpatial + [cout] : [n, cout] + outSpatial
        outputType = TensorType(x.dtype, Shape(dims))
    }

    /// MACs and other arithmetic of a Conv with concrete shapes.
    static func work(_ w: WorkContext) -> (macs: Int, biasAndActivation: Int) {
        let wt = w.dims(ofInput: 1)
        guard !wt.isEmpty, let out = w.outputs.first?.shape.values else { return (0, 0) }
        let nhwc = w.node.string("layout") == "NHWC"
        let layout = w.node.string("weight_layout") ?? (nhwc ? "OHWI" : "OIHW")
        // Weight elements per output channel = (Cin/group) × k…
        let perOutput: Int
        switch layout {
        case "1HWO": perOutput = wt.dropFirst().dropLast().reduce(1, *)
        case "OHWI": perOutput = wt.dropFirst().reduce(1, *)
        default: perOutput = wt.dropFirst().reduce(1, *)
        }
        let outputs = out.reduce(1, *)
        let bias = w.inputs.count > 2 && w.inputs[2] != nil ? outputs : 0
        let act = w.node.string("activation") != nil ? outputs : 0
        return (outputs * perOutput, bias + act)
    }
}

/// Explicit or automatic padding of sliding-window ops (Conv, pooling).
enum WindowPadding {
    static func outputDims(_ ctx: InferenceContext, input: [Dim], kernel: [Int], strides: [Int], dilations: [Int],
                           ceilMode: Bool) throws -> [Dim] {
        let spatial = input.count
        let node = ctx.node
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
        guard pads.count == 2 * spatial else {
            throw ctx.attributeError("pads", "expected \(2 * spatial) values, got \(pads.count)")
        }
        guard pads.allSatisfy({ $0 >= 0 }) else { throw ctx.attributeError("pads", "negative padding \(pads)") }
        var out: [Dim] = []
        for i in 0..<spatial {
            switch autoPad {
            case "SAME_UPPER", "SAME_LOWER":
                if let n = input[i].value {
                    let (b, e) = ShapeMath.samePadding(input: n, kernel: kernel[i], stride: strides[i],
                                                       dilation: dilations[i], upper: autoPad == "SAME_UPPER")
                    pads[i] = b
                    pads[i + spatial] = e
                    out.append(.value(n / strides[i] + (n % strides[i] == 0 ? 0 : 1)))  // ⌈n / stride⌉, no overflow
                } else {
                    out.append(.unknown)
                }
                continue
            case "VALID":
                pads[i] = 0
                pads[i + spatial] = 0
            case "NOTSET":
                break
            default:
                throw ctx.attributeError("auto_pad", "unknown mode '\(autoPad)'")
            }
            guard let d = ShapeMath.windowOutput(input[i], kernel: kernel[i], stride: strides[i], dilation: dilations[i],
                                                 padBegin: pads[i], padEnd: pads[i + spatial], ceilMode: ceilMode)
            else {
                throw ctx.shapeError("window \(kernel[i]) (dilation \(dilations[i])) does not fit input size \(input[i]) with padding \(pads[i])+\(pads[i + spatial]) on spatial axis \(i)")
            }
            out.append(d)
        }
        return out
    }
}

enum ConvTransposeGeometry {
    static func infer(_ ctx: InferenceContext) throws -> TensorType {
        let x = try ctx.input(0)
        let w = try ctx.input(1)
        let node = ctx.node
        let spatial = x.shape.rank - 2
        guard spatial >= 1, w.shape.rank == x.shape.rank else {
            throw ctx.shapeError("input \(x.shape) and weight \(w.shape) must have equal rank ≥ 3")
        }
        let group = node.int("group", default: 1)
        guard group >= 1 else { throw ctx.attributeError("group", "must be ≥ 1") }
        if let c = x.shape[1].value, let wc = w.shape[0].value, c != wc {
            throw ctx.shapeError("input channels \(c) ≠ weight's first dimension \(wc)")
        }
        let cout: Dim = w.shape[1].value.flatMap { ShapeMath.checked($0.multipliedReportingOverflow(by: group)) }.map { .value($0) } ?? .unknown
        let kernel = w.shape.dims[2...].map { $0.value ?? 1 }
        let strides = node.ints("strides") ?? Array(repeating: 1, count: spatial)
        let dilations = node.ints("dilations") ?? Array(repeating: 1, count: spatial)
        let outPad = node.ints("output_padding") ?? Array(repeating: 0, count: spatial)
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * spatial)
        guard strides.count == spatial, dilations.count == spatial, outPad.count == spatial, pads.count == 2 * spatial,
              strides.allSatisfy({ $0 >= 1 }), dilations.allSatisfy({ $0 >= 1 })
        else { throw ctx.attributeError("strides/dilations/pads", "do not match \(spatial) spatial axes") }
        var dims: [Dim] = [x.shape[0], cout]
        if let os = node.ints("output_shape") {
            let tail = os.suffix(spatial)
            guard tail.count == spatial else { throw ctx.attributeError("output_shape", "needs \(spatial) values") }
            dims += tail.map { .value($0) }
            return TensorType(x.dtype, Shape(dims))
        }
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        for i in 0..<spatial {
            guard let n = x.shape[2 + i].value else { dims.append(.unknown); continue }
            // strides·(n−1) + output_padding + (k−1)·dilation + 1, every step checked (sizes come from files).
            func c(_ r: (partialValue: Int, overflow: Bool)) throws -> Int {
                guard let v = ShapeMath.checked(r) else { throw ctx.shapeError("output size overflows on spatial axis \(i)") }
                return v
            }
            let reach = try c(try c(strides[i].multipliedReportingOverflow(by: n - 1)).addingReportingOverflow(outPad[i]))
            let full = try c(try c(reach.addingReportingOverflow(try c((kernel[i] - 1).multipliedReportingOverflow(by: dilations[i])))).addingReportingOverflow(1))
            if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
                let target = try c(n.multipliedReportingOverflow(by: strides[i]))
                let total = max(0, full - target)
                let small = total / 2
                (pads[i], pads[i + spatial]) = autoPad == "SAME_UPPER" ? (small, total - small) : (total - small, small)
            } else if autoPad == "VALID" {
                pads[i] = 0
                pads[i + spatial] = 0
            }
            let v = try c(try c(full.subtractingReportingOverflow(pads[i])).subtractingReportingOverflow(pads[i + spatial]))
            guard v > 0 else { throw ctx.shapeError("output size \(v) ≤ 0 on spatial axis \(i)") }
            dims.append(.value(v))
        }
        return TensorType(x.dtype, Shape(dims))
    }
}
