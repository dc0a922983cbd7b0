import EdgeIR

/// Comparisons (→ bool), logical And / Or / Xor / Not, Where, and the variadic Max / Min / Sum / Mean.
extension ReferenceKernels {
    enum Compare: Sendable { case equal, less, greater, lessOrEqual, greaterOrEqual }

    static let comparison: [OpType: KernelSpec] = [
        "Equal": KernelSpec(.plain) { try makeCompare($0, .equal) },
        "Less": KernelSpec(.plain) { try makeCompare($0, .less) },
        "Greater": KernelSpec(.plain) { try makeCompare($0, .greater) },
        "LessOrEqual": KernelSpec(.plain) { try makeCompare($0, .lessOrEqual) },
        "GreaterOrEqual": KernelSpec(.plain) { try makeCompare($0, .greaterOrEqual) },
        "And": KernelSpec([.bool]) { try makeLogical($0) { $0 && $1 } },
        "Or": KernelSpec([.bool]) { try makeLogical($0) { $0 || $1 } },
        "Xor": KernelSpec([.bool]) { try makeLogical($0) { $0 != $1 } },
        "Where": KernelSpec(.plain) { try makeWhere($0) },
    ]

    static func makeCompare(_ ctx: KernelContext, _ op: Compare) throws -> Kernel {
        guard let dt = ctx.inputType(0), ctx.inputType(1) == dt else { throw ctx.unsupported("operands of different types") }
        let bc = Broadcast(inputs: [ctx.inputShape(0), ctx.inputShape(1)], output: ctx.outputShape(0))
        func make<T: Element>(_: T.Type) -> Kernel {
            ClosureKernel { ins, outs in
                let a = ins[0].ptr(T.self), b = ins[1].ptr(T.self), y = outs[0].ptr(Bool.self)
                bc.forEachRun { o, offs, n, st in
                    for i in 0..<n {
                        let x = a[offs[0] + i * st[0]], z = b[offs[1] + i * st[1]]
                        switch op {
                        case .equal: y[o + i] = x == z
                        case .less: y[o + i] = x < z
                        case .greater: y[o + i] = z < x
                        case .lessOrEqual: y[o + i] = x < z || x == z
                        case .greaterOrEqual: y[o + i] = z < x || x == z
                        }
                    }
                }
            }
        }
        switch dt {
        case .float32: return make(Float.self)
        case .float64: return make(Double.self)
        case .float16: return make(Float16.self)
        case .int64: return make(Int64.self)
        case .int32: return make(Int32.self)
        case .int16: return make(Int16.self)
        case .int8: return make(Int8.self)
        case .uint64: return make(UInt64.self)
        case .uint32: return make(UInt32.self)
        case .uint16: return make(UInt16.self)
        case .uint8: return make(UInt8.self)
        case .bool: return make(Bool.self)
        default: throw ctx.unsupported("\(dt.rawValue) comparison")
        }
    }

    static func makeLogical(_ ctx: KernelContext, _ f: @escaping @Sendable (Bool, Bool) -> Bool) throws -> Kernel {
        guard ctx.inputType(0) == .bool, ctx.inputType(1) == .bool else { throw ctx.unsupported("logical ops take bool") }
        let bc = Broadcast(inputs: [ctx.inputShape(0), ctx.inputShape(1)], output: ctx.outputShape(0))
        return ClosureKernel { ins, outs in
            let a = ins[0].u8(), b = ins[1].u8(), y = outs[0].ptr(Bool.self)
            bc.forEachRun { o, offs, n, st in
                for i in 0..<n { y[o + i] = f(a[offs[0] + i * st[0]] != 0, b[offs[1] + i * st[1]] != 0) }
            }
        }
    }

    /// Where(condition, X, Y): element size is all that matters, so any type works.
    static func makeWhere(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputType(0) == .bool, let dt = ctx.inputType(1), ctx.inputType(2) == dt, elementType(dt) != nil else {
            throw ctx.unsupported("Where needs a bool condition and X, Y of one type")
        }
        let size = dt.bytesPerBlock
        let bc = Broadcast(inputs: [ctx.inputShape(0), ctx.inputShape(1), ctx.inputShape(2)], output: ctx.outputShape(0))
        return ClosureKernel { ins, outs in
            let c = ins[0].u8(), x = ins[1].data, z = ins[2].data, y = outs[0].data
            bc.forEachRun { o, offs, n, st in
                for i in 0..<n {
                    let src = c[offs[0] + i * st[0]] != 0 ? x + (offs[1] + i * st[1]) * size : z + (offs[2] + i * st[2]) * size
                    (y + (o + i) * size).copyMemory(from: src, byteCount: size)
                }
            }
        }
    }

    static let variadic: [OpType: KernelSpec] = [
        "Max": KernelSpec(.numeric) { try makeVariadic($0, .max) },
        "Min": KernelSpec(.numeric) { try makeVariadic($0, .min) },
        "Sum": KernelSpec(.floats) { try makeVariadic($0, .add) },
        "Mean": KernelSpec(.floats) { try makeVariadic($0, .add, mean: true) },
    ]

    /// Folds the inputs left to right into the output (each broadcast to it).
    static func makeVariadic(_ ctx: KernelContext, _ op: Arith, mean: Bool = false) throws -> Kernel {
        guard let dt = ctx.inputType(0), ctx.inputTypes.allSatisfy({ $0?.dtype == dt }) else {
            throw ctx.unsupported("operands of different types")
        }
        let out = ctx.outputShape(0)
        let n = ctx.inputCount
        let maps = (0..<n).map { Broadcast(inputs: [ctx.inputShape($0), out], output: out) }
        func make<T: NumericElement>(_: T.Type, _ f: @escaping (T, T) -> T, _ divide: ((T, Int) -> T)?) -> Kernel {
            ClosureKernel { ins, outs in
                let y = outs[0].ptr(T.self)
                for (k, bc) in maps.enumerated() {
                    let a = ins[k].ptr(T.self)
                    bc.forEachRun { o, offs, len, st in
                        if k == 0 {
                            for i in 0..<len { y[o + i] = a[offs[0] + i * st[0]] }
                        } else {
                            for i in 0..<len { y[o + i] = f(y[o + i], a[offs[0] + i * st[0]]) }
                        }
                    }
                }
                if let divide { for i in 0..<outs[0].count { y[i] = divide(y[i], n) } }
            }
        }
        func float<T: FloatElement>(_ t: T.Type) -> Kernel {
            make(t, { apply(op, $0, $1) }, mean ? { $0 / T(Double($1)) } : nil)
        }
        func integer<T: NumericElement & FixedWidthInteger>(_ t: T.Type) -> Kernel {
            make(t, { apply(op, $0, $1) }, nil)
        }
        switch dt {
        case .float32: return float(Float.self)
        case .float64: return float(Double.self)
        case .float16: return float(Float16.self)
        case .int64: return integer(Int64.self)
        case .int32: return integer(Int32.self)
        case .int16: return integer(Int16.self)
        case .int8: return integer(Int8.self)
        case .uint64: return integer(UInt64.self)
        case .uint32: return integer(UInt32.self)
        case .uint16: return integer(UInt16.self)
        case .uint8: return integer(UInt8.self)
        default: throw ctx.unsupported("\(dt.rawValue) operands")
        }
    }
}
