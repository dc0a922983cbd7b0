/// Elementwise arithmetic with NumPy broadcasting, comparisons, logic and `Where`.
///
/// Arithmetic on statically known integer values is folded (so `Shape → Mul → Reshape` chains
/// resolve), capped at a few elements so a hostile file cannot make inference do real work.
extension OpRegistry {
    static let elementwiseSchemas: [OpSchema] =
        ["Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift", "Max", "Min", "Sum", "Mean"].map { arithmetic(OpType($0)) }
        + ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"].map { comparison(OpType($0)) }
        + [where_, prelu]

    private static func broadcastAll(_ ctx: InferenceContext) throws -> Shape {
        guard ctx.inputCount >= 1 else { throw IRError.arity(node: ctx.node.name, op: ctx.node.op, detail: "needs at least one input") }
        var shape = try ctx.input(0).shape
        for i in 1..<max(1, ctx.inputCount) {
            guard let t = ctx.optionalInput(i) else { continue }
            guard let s = ShapeMath.broadcast(shape, t.shape) else {
                throw ctx.shapeError("\(shape) and \(t.shape) do not broadcast")
            }
            shape = s
        }
        return shape
    }

    private static func arithmetic(_ op: OpType) -> OpSchema {
        OpSchema(op, infer: { ctx in
            let shape = try broadcastAll(ctx)
            let a = try ctx.input(0)
            for i in 1..<max(1, ctx.inputCount) {
                if let t = ctx.optionalInput(i), t.dtype != a.dtype, op != "Pow", op != "BitShift" {
                    throw ctx.typeError("\(a.dtype.rawValue) and \(t.dtype.rawValue) operands")
                }
            }
            if let folded = fold(op, ctx, shape) { ctx.outputValues[0] = folded }
            return [TensorType(a.dtype, shape)]
        }, work: { w in
            let n = w.elements(ofOutput: 0)
            let act = w.node.string("activation") != nil ? n : 0
            return Work(otherFlops: n * max(1, w.inputs.count - 1) + act)
        })
    }

    /// Folds integer arithmetic on known values of at most 64 elements.
    private static func fold(_ op: OpType, _ ctx: InferenceContext, _ shape: Shape) -> [Int64]? {
        guard ctx.inputCount == 2, let a = ctx.value(0), let b = ctx.value(1),
              let n = shape.elementCount, n <= 64, a.count == n || a.count == 1, b.count == n || b.count == 1
        else { return nil }
        var out: [Int64] = []
        for i in 0..<n {
            let x = a[a.count == 1 ? 0 : i], y = b[b.count == 1 ? 0 : i]
            switch op {
            case "Add": out.append(x &+ y)
            case "Sub": out.append(x &- y)
            case "Mul": out.append(x &* y)
            case "Div": guard y != 0, !(x == .min && y == -1) else { return nil }; out.append(x / y)
            case "Max": out.append(max(x, y))
            case "Min": out.append(min(x, y))
            default: return nil
            }
        }
        return out
    }

    private static func comparison(_ op: OpType) -> OpSchema {
        OpSchema(op, infer: { ctx in
            [TensorType(.bool, try broadcastAll(ctx))]
        }, work: { w in Work(otherFlops: w.elements(ofOutput: 0)) })
    }

    private static let where_ = OpSchema("Where", infer: { ctx in
        let x = try ctx.input(1)
        return [TensorType(x.dtype, try broadcastAll(ctx))]
    }, work: { w in Work(otherFlops: w.elements(ofOutput: 0)) })

    private static let prelu = OpSchema(.prelu, infer: { ctx in
        let x = try ctx.input(0), slope = try ctx.input(1)
        guard let s = ShapeMath.broadcast(x.shape, slope.shape), s.rank == x.shape.rank else {
            throw ctx.shapeError("slope \(slope.shape) does not broadcast to input \(x.shape)")
        }
        return [TensorType(x.dtype, x.shape)]
    }, work: { w in Work(otherFlops: 2 * w.elements(ofOutput: 0)) })
}
