/// Shape-preserving unary ops: activations, math functions, Cast, Clip, Identity, Dropout.
///
/// `otherFlops` per element is a documented estimate of each function's arithmetic (e.g. a sigmoid
/// is an exp, an add and a divide, ≈ 4), used for arithmetic intensity; MACs are zero.
extension OpRegistry {
    static let unaryFlops: [(OpType, Int)] = [
        ("Relu", 1), ("Sigmoid", 4), ("Tanh", 5), ("HardSwish", 4), ("HardSigmoid", 3), ("SiLU", 5),
        ("Gelu", 8), ("LeakyRelu", 2), ("Elu", 3), ("Selu", 4), ("Celu", 4), ("Softplus", 3), ("Softsign", 3),
        ("Mish", 8), ("Relu6", 2), ("Exp", 1), ("Log", 1), ("Sqrt", 1), ("Reciprocal", 1), ("Neg", 1),
        ("Abs", 1), ("Erf", 4), ("Floor", 1), ("Ceil", 1), ("Round", 1), ("Sign", 1), ("Sin", 1), ("Cos", 1),
        ("Tan", 1), ("Asin", 1), ("Acos", 1), ("Atan", 1), ("Sinh", 1), ("Cosh", 1), ("IsNaN", 1), ("IsInf", 1),
        ("ThresholdedRelu", 1), ("Shrink", 2), ("Not", 1), ("BitwiseNot", 1), ("Identity", 0),
        ("CumSum", 1), ("Trilu", 0), ("LRN", 6), ("Swish", 5),
        // TFLite's DENSIFY expands a sparse constant to its dense shape (≈ one write per element).
        ("Densify", 1),
    ]

    static let activationSchemas: [OpSchema] = unaryFlops.map { (op, flops) in
        OpSchema(op, nonParameterInputs: op == "CumSum" || op == "Trilu" ? [1] : [], infer: { ctx in
            let x = try ctx.input(0)
            if op == "Identity", let v = ctx.value(0) { ctx.outputValues[0] = v }
            return [TensorType(op == "IsNaN" || op == "IsInf" ? .bool : x.dtype, x.shape)]
        }, work: { w in Work(otherFlops: flops * w.elements(ofOutput: 0)) })
    } + [clip, cast, castLike, dropout]

    private static let clip = OpSchema(.clip, nonParameterInputs: [1, 2], infer: { ctx in
        let x = try ctx.input(0)
        for i in [1, 2] {
            if let t = ctx.optionalInput(i), t.shape.elementCount != 1, t.shape.rank != 0 {
                throw ctx.shapeError("\(i == 1 ? "min" : "max") must be a scalar, got \(t.shape)")
            }
        }
        return [TensorType(x.dtype, x.shape)]
    }, work: { w in Work(otherFlops: 2 * w.elements(ofOutput: 0)) })

    private static let cast = OpSchema("Cast", infer: { ctx in
        let x = try ctx.input(0)
        guard let code = ctx.node.int("to") else { throw ctx.attributeError("to", "required") }
        guard let t = DType(onnxDataType: code) else { throw ctx.attributeError("to", "unsupported data type code \(code)") }
        if t.isInteger, let v = ctx.value(0) { ctx.outputValues[0] = v }
        return [TensorType(t, x.shape)]
    }, work: { w in Work(otherFlops: w.elements(ofOutput: 0)) })

    private static let castLike = OpSchema("CastLike", nonParameterInputs: [1], infer: { ctx in
        let x = try ctx.input(0), like = try ctx.input(1)
        return [TensorType(like.dtype, x.shape)]
    }, work: { w in Work(otherFlops: w.elements(ofOutput: 0)) })

    private static let dropout = OpSchema("Dropout", nonParameterInputs: [1, 2], infer: { ctx in
        let x = try ctx.input(0)
        var out = [TensorType(x.dtype, x.shape)]
        if ctx.node.outputs.count > 1 { out.append(TensorType(.bool, x.shape)) }
        return out
    })
}
