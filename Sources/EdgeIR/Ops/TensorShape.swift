/// Ops that move or describe data without arithmetic: Reshape, Flatten, Transpose, Squeeze, Unsqueeze,
/// Expand, Tile, Shape, Size, Constant, ConstantOfShape, Range, DepthToSpace, SpaceToDepth.
///
/// Shape arguments are read from statically known values; when a shape depends on data the output
/// keeps its rank with unknown (`?`) dimensions, or takes the type the file declared.
extension OpRegistry {
    static let tensorShapeSchemas: [OpSchema] = [
        OpSchema(.reshape, nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            let target: [Int64]
            if let v = ctx.value(1) {
                target = v
            } else if let s = ctx.node.ints("shape") {
                target = s.map(Int64.init)
            } else if let d = ctx.declaredOutputs.first ?? nil {
                return [TensorType(x.dtype, d.shape)]
            } else if let st = ctx.optionalInput(1), let r = st.shape.values?.first {
                return [TensorType(x.dtype, Shape(Array(repeating: Dim.unknown, count: try ctx.rank(r))))]
            } else {
                throw ctx.shapeError("target shape is not known statically")
            }
            let out = try ReshapeRule.resolve(ctx, input: x.shape, target: target,
                                              allowZero: ctx.node.int("allowzero", default: 0) != 0)
            if let v = ctx.value(0) { ctx.outputValues[0] = v }
            return [TensorType(x.dtype, out)]
        }),
        OpSchema(.flatten, infer: { ctx in
            let x = try ctx.input(0)
            let a = ctx.node.int("axis", default: 1)
            let axis = a < 0 ? a + x.shape.rank : a
            guard axis >= 0, axis <= x.shape.rank else { throw ctx.attributeError("axis", "\(a) out of range for \(x.shape)") }
            // A product whose only non-1 factor is a symbol is that symbol: [N, C, 1, 1] → [N, C].
            func collapse(_ dims: ArraySlice<Dim>) -> Dim {
                if let p = ShapeMath.product(dims) { return .value(p) }
                let rest = dims.filter { $0 != .value(1) }
                return rest.count == 1 ? rest[0] : .unknown
            }
            return [TensorType(x.dtype, Shape([collapse(x.shape.dims[..<axis]), collapse(x.shape.dims[axis...])]))]
        }),
        OpSchema(.transpose, infer: { ctx in
            let x = try ctx.input(0)
            let perm = ctx.node.ints("perm") ?? Array((0..<x.shape.rank).reversed())
            guard perm.count == x.shape.rank, Set(perm) == Set(0..<x.shape.rank) else {
                throw ctx.attributeError("perm", "\(perm) is not a permutation of \(x.shape.rank) axes")
            }
            return [TensorType(x.dtype, Shape(perm.map { x.shape[$0] }))]
        }),
        OpSchema(.squeeze, nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            let axesArg = ctx.value(1).map { $0.map(Int.init) } ?? ctx.node.ints("axes")
            var drop = Set<Int>()
            if let axesArg {
                for a in axesArg {
                    guard let n = x.shape.axis(a) else { throw ctx.attributeError("axes", "\(a) out of range for \(x.shape)") }
                    if let v = x.shape[n].value, v != 1 { throw ctx.shapeError("axis \(a) has size \(v), not 1") }
                    drop.insert(n)
                }
            } else if ctx.optionalInput(1) != nil {
                throw ctx.shapeError("axes are not known statically")
            } else {
                for (i, d) in x.shape.dims.enumerated() where d == .value(1) { drop.insert(i) }
            }
            if let v = ctx.value(0) { ctx.outputValues[0] = v }
            return [TensorType(x.dtype, Shape(x.shape.dims.enumerated().filter { !drop.contains($0.offset) }.map(\.element)))]
        }),
        OpSchema(.unsqueeze, nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            guard let axes = ctx.value(1).map({ $0.map(Int.init) }) ?? ctx.node.ints("axes") else {
                throw ctx.shapeError("axes are not known statically")
            }
            let rank = x.shape.rank + axes.count
            var positions = Set<Int>()
            for a in axes {
                let n = a < 0 ? a + rank : a
                guard n >= 0, n < rank, positions.insert(n).inserted else {
                    throw ctx.attributeError("axes", "\(axes) invalid for output rank \(rank)")
                }
            }
            var dims: [Dim] = []
            var src = x.shape.dims.makeIterator()
            for i in 0..<rank { dims.append(positions.contains(i) ? 1 : (src.next() ?? 1)) }
            if let v = ctx.value(0) { ctx.outputValues[0] = v }
            return [TensorType(x.dtype, Shape(dims))]
        }),
        OpSchema("Expand", nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            guard let target = ctx.value(1) else {
                if let d = ctx.declaredOutputs.first ?? nil { return [TensorType(x.dtype, d.shape)] }
                let r = try ctx.input(1).shape.values?.first ?? x.shape.rank
                return [TensorType(x.dtype, Shape(Array(repeating: Dim.unknown, count: max(try ctx.rank(r), x.shape.rank))))]
            }
            guard let s = ShapeMath.broadcast(x.shape, Shape(target.map { Dim.value(Int($0)) })) else {
                throw ctx.shapeError("\(x.shape) cannot expand to \(target)")
            }
            return [TensorType(x.dtype, s)]
        }),
        OpSchema("Tile", nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            guard let reps = ctx.value(1) else {
                return [TensorType(x.dtype, Shape(Array(repeating: Dim.unknown, count: x.shape.rank)))]
            }
            guard reps.count == x.shape.rank, reps.allSatisfy({ $0 >= 0 }) else {
                throw ctx.shapeError("repeats \(reps) do not match rank \(x.shape.rank)")
            }
            return [TensorType(x.dtype, Shape(zip(x.shape.dims, reps).map { d, r in d.value.map { .value($0 * Int(r)) } ?? .unknown }))]
        }),
        OpSchema("Shape", infer: { ctx in
            let x = try ctx.input(0)
            let r = x.shape.rank
            var start = ctx.node.int("start", default: 0), end = ctx.node.int("end", default: r)
            if start < 0 { start += r }
            if end < 0 { end += r }
            start = min(max(start, 0), r)
            end = min(max(end, start), r)
            let dims = x.shape.dims[start..<end]
            if dims.allSatisfy({ !$0.isSymbolic }) { ctx.outputValues[0] = dims.map { Int64($0.value ?? 0) } }
            return [TensorType(.int64, Shape([end - start]))]
        }),
        OpSchema("Size", infer: { ctx in
            let x = try ctx.input(0)
            if let n = x.shape.elementCount { ctx.outputValues[0] = [Int64(n)] }
            return [TensorType(.int64, .scalar)]
        }),
        OpSchema(.constant, infer: { ctx in
            let t = try ConstantRule.value(ctx)
            if t.dtype.isInteger, let v = t.integerValues(limit: 64) { ctx.outputValues[0] = v }
            return [t.type]
        }),
        OpSchema("ConstantOfShape", nonParameterInputs: [0], infer: { ctx in
            var dtype = DType.float32
            if case .tensor(let t)? = ctx.node.attributes["value"] { dtype = t.dtype }
            guard let s = ctx.value(0) else {
                if let d = ctx.declaredOutputs.first ?? nil { return [TensorType(dtype, d.shape)] }
                let r = try ctx.input(0).shape.values?.first ?? 0
                return [TensorType(dtype, Shape(Array(repeating: Dim.unknown, count: try ctx.rank(r))))]
            }
            guard s.allSatisfy({ $0 >= 0 }) else { throw ctx.shapeError("negative dimension in \(s)") }
            return [TensorType(dtype, Shape(s.map { Dim.value(Int($0)) }))]
        }, work: { w in Work(bytesRead: 0) }),
        OpSchema("Range", nonParameterInputs: [0, 1, 2], infer: { ctx in
            let start = try ctx.input(0)
            if let a = ctx.value(0)?.first, let b = ctx.value(1)?.first, let d = ctx.value(2)?.first, d != 0 {
                // In Double: `b − a` can overflow Int64, and a count ≥ 2⁶³ has no Int (hostile files do both).
                let steps = ((Double(b) - Double(a)) / Double(d)).rounded(.up)
                guard steps.isFinite, steps < Double(Int.max) else { return [TensorType(start.dtype, Shape([Dim.unknown]))] }
                let n = max(0, Int(steps))
                // Every element lies between a and b, so wrapping arithmetic gives the exact value.
                if n <= 64 { ctx.outputValues[0] = (0..<n).map { a &+ Int64($0) &* d } }
                return [TensorType(start.dtype, Shape([n]))]
            }
            return [TensorType(start.dtype, Shape([Dim.unknown]))]
        }),
        depthSpace("DepthToSpace", toDepth: false), depthSpace("SpaceToDepth", toDepth: true),
    ]

    private static func depthSpace(_ op: OpType, toDepth: Bool) -> OpSchema {
        OpSchema(op, infer: { ctx in
            let x = try ctx.input(0)
            let b = ctx.node.int("blocksize", default: 0)
            guard b >= 1, b <= 1 << 16 else { throw ctx.attributeError("blocksize", "must be in 1…65536, got \(b)") }
            guard x.shape.rank == 4 else { throw ctx.shapeError("input \(x.shape) must be 4-D") }
            func scale(_ d: Dim, _ f: (Int) -> Int?) throws -> Dim {
                guard let v = d.value else { return .unknown }
                guard let r = f(v) else { throw ctx.shapeError("\(x.shape) not divisible by block \(b)") }
                return .value(r)
            }
            // NCHW (ONNX) or, with `layout = "NHWC"`, TFLite's DEPTH_TO_SPACE / SPACE_TO_DEPTH.
            let nhwc = ctx.node.string("layout") == "NHWC"
            let (ci, hi, wi) = nhwc ? (3, 1, 2) : (1, 2, 3)
            let c = try scale(x.shape[ci]) { toDepth ? ($0 <= Int.max / (b * b) ? $0 * b * b : nil) : ($0 % (b * b) == 0 ? $0 / (b * b) : nil) }
            let h = try scale(x.shape[hi]) { toDepth ? ($0 % b == 0 ? $0 / b : nil) : ($0 <= Int.max / b ? $0 * b : nil) }
            let w = try scale(x.shape[wi]) { toDepth ? ($0 % b == 0 ? $0 / b : nil) : ($0 <= Int.max / b ? $0 * b : nil) }
            return [TensorType(x.dtype, Shape(nhwc ? [x.shape[0], h, w, c] : [x.shape[0], c, h, w]))]
        })
    }
}

enum ReshapeRule {
    /// ONNX Reshape: `0` copies the input dimension (unless `allowzero`), `-1` is inferred.
    static func resolve(_ ctx: InferenceContext, input: Shape, target: [Int64], allowZero: Bool) throws -> Shape {
        var dims: [Dim] = []
        var inferAt: Int?
        for (i, t) in target.enumerated() {
            switch t {
            case -1:
                guard inferAt == nil else { throw ctx.shapeError("more than one -1 in target \(target)") }
                inferAt = i
                dims.append(.unknown)
            case 0 where !allowZero:
                guard i < input.rank else { throw ctx.shapeError("0 at position \(i) but input \(input) has rank \(input.rank)") }
                dims.append(input[i])
            default:
                guard t >= 0, t <= Int64(Int32.max) * 1024 else { throw ctx.shapeError("invalid dimension \(t) in \(target)") }
                dims.append(.value(Int(t)))
            }
        }
        let known = ShapeMath.product(ArraySlice(dims.enumerated().filter { $0.offset != inferAt }.map(\.element)))
        if let at = inferAt {
            if let total = input.elementCount, let k = known {
                guard k > 0, total % k == 0 else { throw ctx.shapeError("cannot reshape \(input) to \(target)") }
                dims[at] = .value(total / k)
            } else if input.rank == dims.count {
                // Same rank, only symbolic dims involved: carry the matching input symbol (e.g. N).
                if case .symbol = input[at], zip(input.dims, dims).enumerated().allSatisfy({ $0.offset == at || $0.element.0 == $0.element.1 }) {
                    dims[at] = input[at]
                }
            } else if let k = known, let inKnown = ShapeMath.product(ArraySlice(input.dims.filter { !$0.isSymbolic })),
                      input.dims.filter(\.isSymbolic).count == 1, k > 0, inKnown % k == 0, inKnown == k {
                // [N, a, b] → [-1, a·b]: the unknown is the batch symbol.
                dims[at] = input.dims.first(where: \.isSymbolic) ?? .unknown
            }
        } else if let total = input.elementCount, let k = known, total != k {
            throw ctx.shapeError("cannot reshape \(input) (\(total) elements) to \(target) (\(k) elements)")
        }
        return Shape(dims)
    }
}

enum ConstantRule {
    /// The tensor a Constant node produces, from whichever `value*` attribute it carries.
    static func value(_ ctx: InferenceContext) throws -> Tensor {
        let name = ctx.node.outputs.first ?? ctx.node.name
        switch (ctx.node.attributes["value"], ctx.node.attributes["value_float"], ctx.node.attributes["value_floats"],
                ctx.node.attributes["value_int"], ctx.node.attributes["value_ints"]) {
        case (.tensor(let t)?, _, _, _, _): return t
        case (_, .float(let f)?, _, _, _): return .float32(name, [Float(f)], shape: .scalar)
        case (_, _, .floats(let fs)?, _, _): return .float32(name, fs.map { Float($0) }, shape: Shape([fs.count]))
        case (_, _, _, .int(let i)?, _): return .int64(name, [Int64(i)], shape: .scalar)
        case (_, _, _, _, .ints(let xs)?): return .int64(name, xs.map(Int64.init))
        default:
            if ctx.node.attributes["value_string"] != nil { return Tensor(name: name, type: TensorType(.string, .scalar)) }
            if case .strings(let s)? = ctx.node.attributes["value_strings"] { return Tensor(name: name, type: TensorType(.string, Shape([s.count]))) }
            throw ctx.attributeError("value", "Constant has no value attribute")
        }
    }
}
