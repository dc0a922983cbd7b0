import EdgeIR
import Foundation

/// Broadcasting binary arithmetic (Add, Sub, Mul, Div, Pow, Mod, BitShift, bitwise), comparisons and
/// logical ops, Where, PRelu, and the variadic Max / Min / Sum / Mean.
///
/// Float32 is the hot path (with the fused `activation`); other numeric types share one generic loop
/// specialised per type by the switch in ``makeArithmetic(_:_:)``. Integer Div truncates and divides by
/// zero to 0 (ONNX leaves it undefined; the engine must not trap); Mod follows Python's sign rule
/// unless `fmod = 1`.
extension ReferenceKernels {
    enum Arith: Sendable { case add, sub, mul, div, mod, fmod, max, min, shl, shr, and, or, xor }

    static let binary: [OpType: KernelSpec] = [
        .add: KernelSpec(.numeric) { try makeArithmetic($0, .add) },
        .sub: KernelSpec(.numeric) { try makeArithmetic($0, .sub) },
        .mul: KernelSpec(.numeric) { try makeArithmetic($0, .mul) },
        .div: KernelSpec(.numeric) { try makeArithmetic($0, .div) },
        "Mod": KernelSpec(.numeric) { ctx in try makeArithmetic(ctx, ctx.node.int("fmod", default: 0) != 0 ? .fmod : .mod) },
        "BitShift": KernelSpec([.uint8, .uint16, .uint32, .uint64]) { ctx in
            try makeArithmetic(ctx, ctx.node.string("direction") == "LEFT" ? .shl : .shr)
        },
        "BitwiseAnd": KernelSpec(.integers) { try makeArithmetic($0, .and) },
        "BitwiseOr": KernelSpec(.integers) { try makeArithmetic($0, .or) },
        "BitwiseXor": KernelSpec(.integers) { try makeArithmetic($0, .xor) },
        "Pow": KernelSpec(.numeric.subtracting([.float16])) { ctx in try makePow(ctx) },
        .prelu: KernelSpec(.floats) { ctx in try makePRelu(ctx) },
    ]

    static func makeArithmetic(_ ctx: KernelContext, _ op: Arith) throws -> Kernel {
        guard let dt = ctx.inputType(0), ctx.inputType(1) == dt else { throw ctx.unsupported("operands of different types") }
        let bc = Broadcast(inputs: [ctx.inputShape(0), ctx.inputShape(1)], output: ctx.outputShape(0))
        if dt == .float32 {
            let act = try FusedActivation(ctx.node)
            return ClosureKernel { ins, outs in
                let a = ins[0].f32(), b = ins[1].f32(), y = outs[0].f32()
                bc.forEachRun { o, offs, n, st in
                    let pa = a + offs[0], pb = b + offs[1], py = y + o, sa = st[0], sb = st[1]
                    switch op {
                    case .add: for i in 0..<n { py[i] = pa[i * sa] + pb[i * sb] }
                    case .sub: for i in 0..<n { py[i] = pa[i * sa] - pb[i * sb] }
                    case .mul: for i in 0..<n { py[i] = pa[i * sa] * pb[i * sb] }
                    case .div: for i in 0..<n { py[i] = pa[i * sa] / pb[i * sb] }
                    default: for i in 0..<n { py[i] = apply(op, pa[i * sa], pb[i * sb]) }
                    }
                    act.apply(py, n)
                }
            }
        }
        try FusedActivation.requireNone(ctx)
        switch dt {
        case .float64: return arithmetic(Double.self, op, bc)
        case .float16: return arithmetic(Float16.self, op, bc)
        case .int64: return integerArithmetic(Int64.self, op, bc)
        case .int32: return integerArithmetic(Int32.self, op, bc)
        case .int16: return integerArithmetic(Int16.self, op, bc)
        case .int8: return integerArithmetic(Int8.self, op, bc)
        case .uint64: return integerArithmetic(UInt64.self, op, bc)
        case .uint32: return integerArithmetic(UInt32.self, op, bc)
        case .uint16: return integerArithmetic(UInt16.self, op, bc)
        case .uint8: return integerArithmetic(UInt8.self, op, bc)
        default: throw ctx.unsupported("\(dt.rawValue) operands")
        }
    }

    @inline(__always) static func apply<T: FloatElement>(_ op: Arith, _ x: T, _ y: T) -> T {
        switch op {
        case .add: return x + y
        case .sub: return x - y
        case .mul: return x * y
        case .div: return x / y
        case .mod: return T.remainder(x, y, fmod: false)
        case .fmod: return T.remainder(x, y, fmod: true)
        case .max: return x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
        case .min: return x.isNaN || y.isNaN ? .nan : Swift.min(x, y)
        default: return .nan
        }
    }

    @inline(__always) static func apply<T: NumericElement & FixedWidthInteger>(_ op: Arith, _ x: T, _ y: T) -> T {
        switch op {
        case .add: return x &+ y
        case .sub: return x &- y
        case .mul: return x &* y
        case .div: return T.divide(x, y)
        case .mod: return T.remainder(x, y, fmod: false)
        case .fmod: return T.remainder(x, y, fmod: true)
        case .max: return Swift.max(x, y)
        case .min: return Swift.min(x, y)
        case .shl: return y >= T.bitWidth ? 0 : x << y
        case .shr: return y >= T.bitWidth ? 0 : x >> y
        case .and: return x & y
        case .or: return x | y
        case .xor: return x ^ y
        }
    }

    static func arithmetic<T: FloatElement>(_: T.Type, _ op: Arith, _ bc: Broadcast) -> Kernel {
        ClosureKernel { ins, outs in
            let a = ins[0].ptr(T.self), b = ins[1].ptr(T.self), y = outs[0].ptr(T.self)
            bc.forEachRun { o, offs, n, st in
                for i in 0..<n { y[o + i] = apply(op, a[offs[0] + i * st[0]], b[offs[1] + i * st[1]]) }
            }
        }
    }

    static func integerArithmetic<T: NumericElement & FixedWidthInteger>(_: T.Type, _ op: Arith, _ bc: Broadcast) -> Kernel {
        ClosureKernel { ins, outs in
            let a = ins[0].ptr(T.self), b = ins[1].ptr(T.self), y = outs[0].ptr(T.self)
            bc.forEachRun { o, offs, n, st in
                for i in 0..<n { y[o + i] = apply(op, a[offs[0] + i * st[0]], b[offs[1] + i * st[1]]) }
            }
        }
    }

    /// Pow with any numeric base and exponent types (ONNX allows them to differ); computed in Double.
    static func makePow(_ ctx: KernelContext) throws -> Kernel {
        guard let xt = ctx.inputType(0), let yt = ctx.inputType(1), numericType(xt) != nil, numericType(yt) != nil else {
            throw ctx.unsupported("Pow operand types")
        }
        let bc = Broadcast(inputs: [ctx.inputShape(0), ctx.inputShape(1)], output: ctx.outputShape(0))
        if xt == .float32 && yt == .float32 {
            return ClosureKernel { ins, outs in
                let a = ins[0].f32(), b = ins[1].f32(), y = outs[0].f32()
                bc.forEachRun { o, offs, n, st in
                    for i in 0..<n {
                        let e = b[offs[1] + i * st[1]], x = a[offs[0] + i * st[0]]
                        y[o + i] = e == 2 ? x * x : (e == 0.5 ? x.squareRoot() : Foundation.pow(x, e))
                    }
                }
            }
        }
        return ClosureKernel { ins, outs in
            let y = outs[0]
            bc.forEachRun { o, offs, n, st in
                for i in 0..<n {
                    let v = Foundation.pow(ins[0].double(at: offs[0] + i * st[0]), ins[1].double(at: offs[1] + i * st[1]))
                    store(v, y, o + i)
                }
            }
        }
    }

    static func makePRelu(_ ctx: KernelContext) throws -> Kernel {
        guard let dt = ctx.inputType(0), dt == ctx.inputType(1) else { throw ctx.unsupported("PRelu slope type") }
        var slope = ctx.inputShape(1)
        let x = ctx.inputShape(0)
        // TFLite's PRELU slope is NHWC-shaped already; ONNX's broadcasts unidirectionally.
        if broadcastShape([x, slope]) != x, slope.count == 1, x.count >= 2, slope[0] == x[1] {
            slope = [slope[0]] + Array(repeating: 1, count: x.count - 2)
        }
        let bc = Broadcast(inputs: [x, slope], output: ctx.outputShape(0))
        func make<T: FloatElement>(_: T.Type) -> Kernel {
            ClosureKernel { ins, outs in
                let a = ins[0].ptr(T.self), s = ins[1].ptr(T.self), y = outs[0].ptr(T.self)
                bc.forEachRun { o, offs, n, st in
                    for i in 0..<n {
                        let v = a[offs[0] + i * st[0]]
                        y[o + i] = v < 0 ? v * s[offs[1] + i * st[1]] : v
                    }
                }
            }
        }
        switch dt {
        case .float32: return make(Float.self)
        case .float64: return make(Double.self)
        case .float16: return make(Float16.self)
        default: throw ctx.unsupported("\(dt.rawValue) PRelu")
        }
    }
}

/// Stores a Double into element `i` of `t`, converting to its type (integers truncate toward zero).
@inline(__always) func store(_ v: Double, _ t: TensorRef, _ i: Int) {
    switch t.dtype {
    case .float32: t.f32()[i] = Float(v)
    case .float64: t.ptr(Double.self)[i] = v
    case .float16: t.ptr(Float16.self)[i] = Float16(v)
    case .int64: t.i64()[i] = Int64(fromDouble: v)
    case .int32: t.i32()[i] = Int32(fromDouble: v)
    case .int16: t.ptr(Int16.self)[i] = Int16(fromDouble: v)
    case .int8: t.i8()[i] = Int8(fromDouble: v)
    case .uint64: t.ptr(UInt64.self)[i] = UInt64(fromDouble: v)
    case .uint32: t.ptr(UInt32.self)[i] = UInt32(fromDouble: v)
    case .uint16: t.ptr(UInt16.self)[i] = UInt16(fromDouble: v)
    case .uint8: t.u8()[i] = UInt8(fromDouble: v)
    case .bool: t.u8()[i] = v != 0 ? 1 : 0
    default: break
    }
}
