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
        let scales = ctx.floatValue(scalesInput) ?? ctx.node.floats("scales")
        guard let scales, !scales.isEmpty else {
            if let d = ctx.declaredOutputs.first ?? nil { return [TensorType(x.dtype, d.shape)] }
            return [TensorType(x.dtype, Shape(x.shape.dims.enumerated().map { $0.offset < 2 ? $0.element : .unknown }))]
        }
        guard scales.count == r, scales.allSatisfy({ $0 > 0 }) else {
            throw ctx.shapeError("scales \(scales) do not match input rank \(r)")
        }
        return [TensorType(x.dtype, Shape(zip(x.shape.dims, scales).map { d, s in
            d.value.map { .value(Int((Double($0) * s).rounded(.down))) } ?? (s == 1 ? d : .unknown)
        }))]
    }

    static func work(_ w: WorkContext) -> Work {
        let mode = w.node.string("mode") ?? "nearest"
        let perElement = mode == "nearest" ? 0 : (mode == "cubic" ? 16 : 4)
        return Work(otherFlops: perElement * w.elements(ofOutput: 0))
    }
}
