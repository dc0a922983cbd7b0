/// Resize (opset 10+: X, roi, scales, sizes) and Upsample (X, scales).
///
/// NCHW by default. With `layout = "NHWC"` (TFLite's RESIZE_BILINEAR / NEAREST_NEIGHBOR) a two-value
/// `sizes` input gives the new height and width.
extension OpRegistry {
    static let resizeSchemas: [OpSchema] = [
        OpSchema("Resize", nonParameterInputs: [1, 2, 3], infer: { ctx in try ResizeRule.infer(ctx, scalesInput: 2, sizesInput: 3) },
                 work: ResizeRule.work),
        OpSchema("Upsample", nonParameterInputs: [1], infer: { ctx in try ResizeRule.infer(ctx, scalesInput: 1, sizesInput: nil) },
                 work: ResizeRule.work),
    ]
}

enum ResizeRule {
    static func infer(_ ctx: InferenceContext, scalesInput: Int, sizesInput: Int?) throws -> [TensorType] {
        let x = try ctx.input(0)
        let r = x.shape.rank
        let nhwc = ctx.node.string("layout") == "NHWC"
        if let si = sizesInput, let sizes = ctx.value(si), !sizes.isEmpty {
            guard sizes.allSatisfy({ $0 > 0 }) else { throw ctx.shapeError("sizes \(sizes) must be positive") }
            var dims = x.shape.dims
            // keep_aspect_ratio_policy (opset 18): one scale for the resized axes, the smallest
            // (not_larger) or largest (not_smaller) ratio; each size = round(scale · input).
            if let policy = ctx.node.string("keep_aspect_ratio_policy"), policy != "stretch", !nhwc {
                let axes = sizes.count == r ? Array(0..<r) : (ctx.node.ints("axes") ?? []).compactMap { x.shape.axis($0) }
                guard axes.count == sizes.count else { throw ctx.shapeError("sizes \(sizes) do not match the axes") }
                var ratios: [Double] = []
                for (a, s) in zip(axes, sizes) {
                    guard let n = x.shape[a].value, n > 0 else { return [TensorType(x.dtype, Shape(dims.map { _ in Dim.unknown }))] }
                    ratios.append(Double(s) / Double(n))
                }
                let scale = policy == "not_larger" ? ratios.min()! : ratios.max()!
                for a in axes { dims[a] = .value(Int((Double(x.shape[a].value!) * scale).rounded())) }
                return [TensorType(x.dtype, Shape(dims))]
            }
            if nhwc, sizes.count == 2, r == 4 {
                dims[1] = .value(Int(sizes[0]))
                dims[2] = .value(Int(sizes[1]))
            } else if sizes.count == r {
                dims = sizes.map { .value(Int($0)) }
            } else if let axes = ctx.node.ints("axes"), axes.count == sizes.count {
                for (k, a) in axes.enumerated() {
                    guard let n = x.shape.axis(a) else { throw ctx.attributeError("axes", "\(a) out of range") }
                    dims[n] = .value(Int(sizes[k]))
                }
            } else {
                throw ctx.shapeError("sizes \(sizes) do not match input rank \(r)")
            }
            return [TensorType(x.dtype, Shape(dims))]
        }
        let givenScales = ctx.floatValue(scalesInput) ?? ctx.node.floats("scales")
        guard let givenScales, !givenScales.isEmpty else {
            if let d = ctx.declaredOutputs.first ?? nil { return [TensorType(x.dtype, d.shape)] }
            return [TensorType(x.dtype, Shape(x.shape.dims.enumerated().map { $0.offset < 2 ? $0.element : .unknown }))]
        }
        var scales = givenScales
        if scales.count != r, let axes = ctx.node.ints("axes"), axes.count == scales.count {
            // Scales for the listed axes only (opset 18); the others keep their size.
            var full = [Double](repeating: 1, count: r)
            for (a, s) in zip(axes, scales) {
                guard let n = x.shape.axis(a) else { throw ctx.attributeError("axes", "\(a) out of range") }
                full[n] = s
            }
            scales = full
        }
        guard scales.count == r, scales.allSatisfy({ $0 > 0 }) else {
            throw ctx.shapeError("scales \(scales) do not match input rank \(r)")
        }
        let dims: [Dim] = zip(x.shape.dims, scales).map { d, s in
            if let v = d.value { return .value(Int((Double(v) * s).rounded(.down))) }
            return s == 1 ? d : .unknown
        }
        return [TensorType(x.dtype, Shape(dims))]
    }

    static func work(_ w: WorkContext) -> Work {
        let mode = w.node.string("mode") ?? "nearest"
        let perElement = mode == "nearest" ? 0 : (mode == "cubic" ? 16 : 4)
        return Work(otherFlops: perElement * w.elements(ofOutput: 0))
    }
}
