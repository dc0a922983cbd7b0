/// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, QLinearConv and ConvInteger.
extension OpRegistry {
    static let quantizationSchemas: [OpSchema] = [
        OpSchema("QuantizeLinear", infer: { ctx in
            let x = try ctx.input(0)
            var t = ctx.optionalInput(2)?.dtype ?? .uint8
            if let code = ctx.node.int("output_dtype"), code != 0 {
                guard let d = DType(onnxDataType: code) else { throw ctx.attributeError("output_dtype", "unknown code \(code)") }
                t = d
            }
            return [TensorType(t, x.shape)]
        }, work: { w in Work(otherFlops: 3 * w.elements(ofOutput: 0)) }),
        OpSchema("DequantizeLinear", infer: { ctx in
            let x = try ctx.input(0)
            let scale = try ctx.input(1)
            return [TensorType(scale.dtype, x.shape)]
        }, work: { w in Work(otherFlops: 2 * w.elements(ofOutput: 0)) }),
        OpSchema("DynamicQuantizeLinear", infer: { ctx in
            let x = try ctx.input(0)
            return [TensorType(.uint8, x.shape), TensorType(.float32, .scalar), TensorType(.uint8, .scalar)]
        }, work: { w in Work(otherFlops: 5 * w.elements(ofInput: 0)) }),
        OpSchema("QLinearConv", infer: { ctx in
            let inner = InferenceContext(
                node: ctx.node, inputs: [ctx.optionalInput(0), ctx.optionalInput(3), ctx.optionalInput(8)],
                inputValues: [], declaredOutputs: ctx.declaredOutputs)
            let t = try ConvGeometry(inner).outputType
            return [TensorType(ctx.optionalInput(7)?.dtype ?? t.dtype, t.shape)]
        }, work: { w in
            let inner = WorkContext(node: w.node, inputs: [w.inputs.first ?? nil, w.inputs.count > 3 ? w.inputs[3] : nil,
                                                           w.inputs.count > 8 ? w.inputs[8] : nil], outputs: w.outputs)
            let g = ConvGeometry.work(inner)
            return Work(macs: g.macs, otherFlops: g.biasAndActivation + 3 * w.elements(ofOutput: 0))
        }),
        OpSchema("ConvInteger", infer: { ctx in
            let inner = InferenceContext(node: ctx.node, inputs: [ctx.optionalInput(0), ctx.optionalInput(1)],
                                         inputValues: [], declaredOutputs: ctx.declaredOutputs)
            return [TensorType(.int32, try ConvGeometry(inner).outputType.shape)]
        }, work: { w in
            let inner = WorkContext(node: w.node, inputs: Array(w.inputs.prefix(2)), outputs: w.outputs)
            return Work(macs: ConvGeometry.work(inner).macs)
        }),
    ]
}
