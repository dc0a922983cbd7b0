/// Max, average and Lp pooling (windowed and global), NCHW or NHWC (`layout = "NHWC"`).
extension OpRegistry {
    static let poolSchemas: [OpSchema] = [
        windowed(.maxPool), windowed(.averagePool), windowed("LpPool"),
        global(.globalAveragePool), global(.globalMaxPool), global("GlobalLpPool"),
    ]

    private static func windowed(_ op: OpType) -> OpSchema {
        OpSchema(op, infer: { ctx in
            let x = try ctx.input(0)
            let nhwc = ctx.node.string("layout") == "NHWC"
            let spatial = x.shape.rank - 2
            guard spatial >= 1 else { throw ctx.shapeError("input \(x.shape) must have rank ≥ 3") }
            guard let kernel = ctx.node.ints("kernel_shape"), kernel.count == spatial, kernel.allSatisfy({ $0 >= 1 }) else {
                throw ctx.attributeError("kernel_shape", "required: \(spatial) values ≥ 1")
            }
            let strides = ctx.node.ints("strides") ?? Array(repeating: 1, count: spatial)
            let dilations = ctx.node.ints("dilations") ?? Array(repeating: 1, count: spatial)
            guard strides.count == spatial, strides.allSatisfy({ $0 >= 1 }) else {
                throw ctx.attributeError("strides", "expected \(spatial) values ≥ 1")
            }
            guard dilations.count == spatial, dilations.allSatisfy({ $0 >= 1 }) else {
                throw ctx.attributeError("dilations", "expected \(spatial) values ≥ 1")
            }
            let inSpatial = nhwc ? Array(x.shape.dims[1..<(1 + spatial)]) : Array(x.shape.dims[2...])
            let out = try WindowPadding.outputDims(ctx, input: inSpatial, kernel: kernel, strides: strides,
                                                   dilations: dilations, ceilMode: ctx.node.int("ceil_mode", default: 0) != 0)
            let dims: [Dim] = nhwc ? [x.shape[0]] + out + [x.shape[x.shape.rank - 1]] : [x.shape[0], x.shape[1]] + out
            var types = [TensorType(x.dtype, Shape(dims))]
            if ctx.node.outputs.count > 1 { types.append(TensorType(.int64, Shape(dims))) }
            return types
        }, work: { w in
            let k = (w.node.ints("kernel_shape") ?? []).reduce(1, *)
            return Work(otherFlops: w.elements(ofOutput: 0) * k)
        })
    }

    private static func global(_ op: OpType) -> OpSchema {
        OpSchema(op, infer: { ctx in
            let x = try ctx.input(0)
            guard x.shape.rank >= 3 else { throw ctx.shapeError("input \(x.shape) must have rank ≥ 3") }
            let nhwc = ctx.node.string("layout") == "NHWC"
            var dims = x.shape.dims
            let range = nhwc ? 1..<(dims.count - 1) : 2..<dims.count
            for i in range { dims[i] = 1 }
            return [TensorType(x.dtype, Shape(dims))]
        }, work: { w in Work(otherFlops: w.elements(ofInput: 0)) })
    }
}
