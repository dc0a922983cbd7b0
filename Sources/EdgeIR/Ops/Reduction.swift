/// Reduce* ops and ArgMax/ArgMin. Axes come from the attribute (older opsets) or the second input.
extension OpRegistry {
    static let reductionSchemas: [OpSchema] =
        ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
         "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"].map { reduce(OpType($0), argIndex: false) }
        + ["ArgMax", "ArgMin"].map { reduce(OpType($0), argIndex: true) }

    private static func reduce(_ op: OpType, argIndex: Bool) -> OpSchema {
        OpSchema(op, nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            let keep = ctx.node.int("keepdims", default: 1) != 0
            var axes: [Int]
            if argIndex {
                axes = [ctx.node.int("axis", default: 0)]
            } else if let a = ctx.value(1) {
                axes = a.map { Int(clamping: $0) }
            } else if let a = ctx.node.ints("axes") {
                axes = a
            } else if ctx.optionalInput(1) != nil {
                throw ctx.shapeError("axes are not known statically")
            } else {
                axes = []
            }
            if axes.isEmpty {
                if ctx.node.int("noop_with_empty_axes", default: 0) != 0 { return [TensorType(x.dtype, x.shape)] }
                axes = Array(0..<x.shape.rank)
            }
            var set = Set<Int>()
            for a in axes {
                guard let n = x.shape.axis(a) else { throw ctx.attributeError("axes", "\(a) out of range for \(x.shape)") }
                set.insert(n)
            }
            var dims: [Dim] = []
            for (i, d) in x.shape.dims.enumerated() {
                if set.contains(i) { if keep { dims.append(1) } } else { dims.append(d) }
            }
            return [TensorType(argIndex ? .int64 : x.dtype, Shape(dims))]
        }, work: { w in Work(otherFlops: w.elements(ofInput: 0)) })
    }
}
