/// BatchNorm, LayerNorm, RMSNorm, InstanceNorm, GroupNorm and the softmax family.
///
/// Per-element arithmetic (otherFlops): BatchNorm at inference is a scale and a shift (2); LayerNorm
/// a mean, a variance, a normalise and an affine (≈ 8); RMSNorm a square-sum, a normalise and a
/// scale (≈ 4); softmax a max, a subtract, an exp, a sum and a divide (≈ 5).
extension OpRegistry {
    static let normalizationSchemas: [OpSchema] = [
        OpSchema(.batchNorm, bufferInputs: [3, 4], infer: { ctx in
            let x = try ctx.input(0)
            guard x.shape.rank >= 2 else { throw ctx.shapeError("input \(x.shape) must have rank ≥ 2") }
            let c = ctx.node.string("layout") == "NHWC" ? x.shape[x.shape.rank - 1] : x.shape[1]
            for i in 1...4 {
                if let t = ctx.optionalInput(i), t.shape.rank != 1 || (t.shape[0] != c && !t.shape[0].isSymbolic && !c.isSymbolic) {
                    throw ctx.shapeError("parameter \(i) has shape \(t.shape), expected [\(c)]")
                }
            }
            return Array(repeating: TensorType(x.dtype, x.shape), count: 1)
        }, work: { w in Work(otherFlops: 2 * w.elements(ofOutput: 0)) }),
        lastAxisNorm(.layerNorm, flops: 8, extraOutputs: true),
        lastAxisNorm(.rmsNorm, flops: 4, extraOutputs: false),
        lastAxisNorm("RMSNormalization", flops: 4, extraOutputs: false),
        OpSchema("InstanceNormalization", infer: { ctx in
            let x = try ctx.input(0)
            return [TensorType(x.dtype, x.shape)]
        }, work: { w in Work(otherFlops: 8 * w.elements(ofOutput: 0)) }),
        OpSchema("GroupNormalization", infer: { ctx in
            let x = try ctx.input(0)
            return [TensorType(x.dtype, x.shape)]
        }, work: { w in Work(otherFlops: 8 * w.elements(ofOutput: 0)) }),
        softmaxLike(.softmax), softmaxLike("LogSoftmax"), softmaxLike("Hardmax"),
    ]

    /// Norms over the trailing axes from `axis` (default −1), with a scale (and bias) of those axes' shape.
    private static func lastAxisNorm(_ op: OpType, flops: Int, extraOutputs: Bool) -> OpSchema {
        OpSchema(op, infer: { ctx in
            let x = try ctx.input(0)
            let axisAttr = ctx.node.int("axis", default: -1)
            guard let axis = x.shape.axis(axisAttr) else {
                throw ctx.attributeError("axis", "\(axisAttr) is out of range for \(x.shape)")
            }
            if let scale = ctx.optionalInput(1) {
                let normalized = Shape(Array(x.shape.dims[axis...]))
                guard let b = ShapeMath.broadcast(scale.shape, normalized), b.rank == normalized.rank || scale.shape.rank <= normalized.rank else {
                    throw ctx.shapeError("scale \(scale.shape) does not match normalised axes \(normalized)")
                }
            }
            var out = [TensorType(x.dtype, x.shape)]
            if extraOutputs, ctx.node.outputs.count > 1 {
                var stat = x.shape.dims
                for i in axis..<stat.count { stat[i] = 1 }
                out += Array(repeating: TensorType(.float32, Shape(stat)), count: ctx.node.outputs.count - 1)
            }
            return out
        }, work: { w in Work(otherFlops: flops * w.elements(ofOutput: 0)) })
    }

    private static func softmaxLike(_ op: OpType) -> OpSchema {
        OpSchema(op, infer: { ctx in
            let x = try ctx.input(0)
            let a = ctx.node.int("axis", default: -1)
            guard x.shape.rank == 0 || x.shape.axis(a) != nil else {
                throw ctx.attributeError("axis", "\(a) is out of range for \(x.shape)")
            }
            return [TensorType(x.dtype, x.shape)]
        }, work: { w in Work(otherFlops: 5 * w.elements(ofOutput: 0)) })
    }
}
