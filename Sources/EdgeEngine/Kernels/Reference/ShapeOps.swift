import EdgeIR

/// Ops about shapes and types: Shape, Size, ConstantOfShape, Range, Cast, CastLike, Constant, EyeLike.
extension ReferenceKernels {
    static let shapeOps: [OpType: KernelSpec] = [
        "Shape": KernelSpec(.plain, sizesOutputs: true) { ctx in
            let x = ctx.inputShape(0)
            let r = x.count
            func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v < 0 ? v + r : v, 0), r) }
            let start = clamp(ctx.node.int("start", default: 0)), end = clamp(ctx.node.int("end", default: r))
            return AllocatingKernel { ins in
                let dims = ins[0].shape
                let s = Array(dims[start..<Swift.max(start, end)]).map { Int64($0) }
                return [HostTensor(int64: s, shape: [s.count])]
            }
        },
        "Size": KernelSpec(.plain, sizesOutputs: true) { _ in AllocatingKernel { ins in [HostTensor(int64: [Int64(ins[0].count)], shape: [])] } },
        "ConstantOfShape": KernelSpec(.plain, sizesOutputs: true) { ctx in
            var value = HostTensor(dtype: .float32, shape: [1])
            if case .tensor(let t)? = ctx.node.attributes["value"] { value = try HostTensor(constant: t) }
            let fill = value
            return AllocatingKernel { ins in
                guard let dims = ins[0].integers(), dims.allSatisfy({ $0 >= 0 }) else { throw KernelFailure("shape must be non-negative integers") }
                let n = dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
                let bytes = fill.dtype.approximateBytes(elements: n)
                guard n < Int.max, bytes <= ExecutionPlan.memoryLimit else {
                    throw EngineError.tooLarge(what: "ConstantOfShape \(dims)", bytes: bytes, limit: ExecutionPlan.memoryLimit)
                }
                let out = HostTensor(dtype: fill.dtype, shape: dims)
                let es = fill.dtype.bytesPerBlock
                for i in 0..<n { (out.storage.pointer + i * es).copyMemory(from: fill.storage.pointer, byteCount: es) }
                return [out]
            }
        },
        "Range": KernelSpec([.float32, .float64, .int16, .int32, .int64], sizesOutputs: true) { _ in
            AllocatingKernel { ins in
                let start = ins[0].double(at: 0), limit = ins[1].double(at: 0), delta = ins[2].double(at: 0)
                guard delta != 0, start.isFinite, limit.isFinite else { throw KernelFailure("Range needs a non-zero delta and finite bounds") }
                let n = Swift.max(Int(((limit - start) / delta).rounded(.up)), 0)
                guard n <= 1 << 31 else { throw KernelFailure("Range of \(n) elements") }
                let out = HostTensor(dtype: ins[0].dtype, shape: [n])
                if ins[0].dtype.isInteger {
                    let s = Int64(start), d = Int64(delta)
                    for i in 0..<n { store(Double(s + Int64(i) * d), out.ref, i) }
                } else if ins[0].dtype == .float32 {
                    let s = Float(start), d = Float(delta)
                    for i in 0..<n { out.ref.f32()[i] = s + Float(i) * d }
                } else {
                    for i in 0..<n { store(start + Double(i) * delta, out.ref, i) }
                }
                return [out]
            }
        },
        "Cast": KernelSpec(.plain) { ctx in
            guard let to = ctx.node.int("to").flatMap(DType.init(onnxDataType:)), elementType(to) != nil else {
                throw ctx.unsupported("Cast to \(ctx.node.int("to").map(String.init) ?? "?")")
            }
            return try makeCast(ctx, to: to)
        },
        "CastLike": KernelSpec(.plain) { ctx in
            guard let to = ctx.inputType(1), elementType(to) != nil else { throw ctx.unsupported("CastLike target") }
            return try makeCast(ctx, to: to)
        },
        "EyeLike": KernelSpec(.plain) { ctx in
            let to = ctx.node.int("dtype").flatMap(DType.init(onnxDataType:)) ?? ctx.inputType(0) ?? .float32
            let k = ctx.node.int("k", default: 0)
            let s = ctx.inputShape(0)
            guard s.count == 2 else { throw ctx.unsupported("EyeLike needs a 2-D input") }
            return ClosureKernel { _, outs in
                outs[0].data.initializeMemory(as: UInt8.self, repeating: 0, count: outs[0].byteCount)
                for r in 0..<s[0] { let c = r + k; if c >= 0 && c < s[1] { store(1, outs[0], r * s[1] + c) } }
                _ = to
            }
        },
        .constant: KernelSpec(.plain, sizesOutputs: true) { ctx in
            guard case .tensor(let t)? = ctx.node.attributes["value"] else { throw ctx.unsupported("Constant without a tensor value") }
            let h = try HostTensor(constant: t)
            return AllocatingKernel { _ in [h] }
        },
    ]

    /// Cast between plain types: floats round to nearest (even), floats to integers truncate toward
    /// zero (NaN → 0, out of range saturates), integers to narrower integers wrap, anything to bool is
    /// "≠ 0".
    static func makeCast(_ ctx: KernelContext, to: DType) throws -> Kernel {
        // bfloat16 → float32 (bf16 weights widened at load): the bits are float32's top half.
        if ctx.inputType(0) == .bfloat16 && to == .float32 {
            return ClosureKernel { ins, outs in
                let x = ins[0].ptr(UInt16.self), y = outs[0].f32()
                for i in 0..<outs[0].count { y[i] = Float(bitPattern: UInt32(x[i]) << 16) }
            }
        }
        guard let from = ctx.inputType(0), elementType(from) != nil else { throw ctx.unsupported("Cast from \(ctx.inputType(0)?.rawValue ?? "?")") }
        if from == to { return copyKernel() }
        if from == .float16 && to == .float32 {
            return ClosureKernel { ins, outs in
                let x = ins[0].ptr(Float16.self), y = outs[0].f32()
                for i in 0..<outs[0].count { y[i] = Float(x[i]) }
            }
        }
        return ClosureKernel { ins, outs in
            let n = outs[0].count, x = ins[0], y = outs[0]
            if from.isFloatingPoint || to.isFloatingPoint || to == .bool {
                for i in 0..<n { store(x.double(at: i), y, i) }
                return
            }
            // Integer → integer: two's-complement truncation through 64 bits.
            for i in 0..<n {
                let v: Int64
                switch from {
                case .int64: v = x.i64()[i]
                case .int32: v = Int64(x.i32()[i])
                case .int16: v = Int64(x.ptr(Int16.self)[i])
                case .int8: v = Int64(x.i8()[i])
                case .uint64: v = Int64(bitPattern: x.ptr(UInt64.self)[i])
                case .uint32: v = Int64(x.ptr(UInt32.self)[i])
                case .uint16: v = Int64(x.ptr(UInt16.self)[i])
                default: v = Int64(x.u8()[i])
                }
                switch to {
                case .int64: y.i64()[i] = v
                case .int32: y.i32()[i] = Int32(truncatingIfNeeded: v)
                case .int16: y.ptr(Int16.self)[i] = Int16(truncatingIfNeeded: v)
                case .int8: y.i8()[i] = Int8(truncatingIfNeeded: v)
                case .uint64: y.ptr(UInt64.self)[i] = UInt64(bitPattern: v)
                case .uint32: y.ptr(UInt32.self)[i] = UInt32(truncatingIfNeeded: v)
                case .uint16: y.ptr(UInt16.self)[i] = UInt16(truncatingIfNeeded: v)
                default: y.u8()[i] = UInt8(truncatingIfNeeded: v)
                }
            }
        }
    }
}
