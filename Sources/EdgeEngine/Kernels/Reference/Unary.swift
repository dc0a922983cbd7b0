import EdgeIR
import Foundation

/// Elementwise unary ops: math functions, activations (with their attributes), Clip, Not, IsNaN/IsInf,
/// Identity and Dropout (inference: identity, mask all true).
///
/// Each function is written once on `Double`; float32 has its own `Float` closure for speed where the
/// op is common in real models. Results are rounded to the tensor's type.
extension ReferenceKernels {
    typealias D = Double

    /// Float-only unary functions, by op; each gets the node for its attributes.
    static let floatFunctions: [OpType: @Sendable (Node) -> (D) -> D] = [
        "Exp": { _ in { Foundation.exp($0) } },
        "Log": { _ in { Foundation.log($0) } },
        "Sqrt": { _ in { $0.squareRoot() } },
        "Reciprocal": { _ in { 1 / $0 } },
        "Floor": { _ in { $0.rounded(.down) } },
        "Ceil": { _ in { $0.rounded(.up) } },
        "Round": { _ in { $0.rounded(.toNearestOrEven) } },
        "Sin": { _ in { Foundation.sin($0) } }, "Cos": { _ in { Foundation.cos($0) } }, "Tan": { _ in { Foundation.tan($0) } },
        "Asin": { _ in { Foundation.asin($0) } }, "Acos": { _ in { Foundation.acos($0) } }, "Atan": { _ in { Foundation.atan($0) } },
        "Sinh": { _ in { Foundation.sinh($0) } }, "Cosh": { _ in { Foundation.cosh($0) } },
        "Asinh": { _ in { Foundation.asinh($0) } }, "Acosh": { _ in { Foundation.acosh($0) } }, "Atanh": { _ in { Foundation.atanh($0) } },
        "Erf": { _ in { Foundation.erf($0) } },
        .sigmoid: { _ in { $0 >= 0 ? 1 / (1 + Foundation.exp(-$0)) : Foundation.exp($0) / (1 + Foundation.exp($0)) } },
        .tanh: { _ in { Foundation.tanh($0) } },
        "Softplus": { _ in { $0 > 30 ? $0 : Foundation.log1p(Foundation.exp($0)) } },
        "Softsign": { _ in { $0 / (1 + Swift.abs($0)) } },
        .hardSwish: { _ in { $0 * Swift.max(0, Swift.min(1, $0 / 6 + 0.5)) } },
        .hardSigmoid: { n in
            let a = n.float("alpha", default: 0.2), b = n.float("beta", default: 0.5)
            // NaN propagates (numpy's clip, the ONNX reference, does; Swift.min/max would drop it).
            return { $0.isNaN ? $0 : Swift.max(0, Swift.min(1, a * $0 + b)) }
        },
        .silu: { _ in { $0 / (1 + Foundation.exp(-$0)) } },
        "Swish": { n in let a = n.float("alpha", default: 1); return { $0 / (1 + Foundation.exp(-a * $0)) } },
        "Mish": { _ in { $0 * Foundation.tanh($0 > 30 ? $0 : Foundation.log1p(Foundation.exp($0))) } },
        .gelu: { n in
            if n.string("approximate") == "tanh" {
                return { 0.5 * $0 * (1 + Foundation.tanh((2 / D.pi).squareRoot() * ($0 + 0.044715 * $0 * $0 * $0))) }
            }
            return { 0.5 * $0 * (1 + Foundation.erf($0 / 2.0.squareRoot())) }
        },
        .leakyRelu: { n in let a = n.float("alpha", default: 0.01); return { $0 < 0 ? a * $0 : $0 } },
        "Elu": { n in let a = n.float("alpha", default: 1); return { $0 < 0 ? a * (Foundation.exp($0) - 1) : $0 } },
        "Celu": { n in let a = n.float("alpha", default: 1); return { Swift.max(0, $0) + Swift.min(0, a * (Foundation.exp($0 / a) - 1)) } },
        "Selu": { n in
            let a = n.float("alpha", default: 1.67326319217681884765625), g = n.float("gamma", default: 1.05070102214813232421875)
            return { $0 <= 0 ? g * (a * Foundation.exp($0) - a) : g * $0 }
        },
        "ThresholdedRelu": { n in let a = n.float("alpha", default: 1); return { $0 > a ? $0 : 0 } },
        "Relu6": { _ in { Swift.min(Swift.max($0, 0), 6) } },
    ]

    /// Float32 versions of the functions real models spend time in.
    static let float32Functions: [OpType: @Sendable (Node) -> (Float) -> Float] = [
        "Exp": { _ in { Foundation.exp($0) } },
        "Sqrt": { _ in { $0.squareRoot() } },
        "Reciprocal": { _ in { 1 / $0 } },
        .sigmoid: { _ in { logistic($0) } },
        .tanh: { _ in { Foundation.tanh($0) } },
        .hardSwish: { _ in { $0 * Swift.max(0, Swift.min(1, $0 / 6 + 0.5)) } },
        .hardSigmoid: { n in
            let a = Float(n.float("alpha", default: 0.2)), b = Float(n.float("beta", default: 0.5))
            return { $0.isNaN ? $0 : Swift.max(0, Swift.min(1, a * $0 + b)) }
        },
        .silu: { _ in { $0 * logistic($0) } },
        .leakyRelu: { n in let a = Float(n.float("alpha", default: 0.01)); return { $0 < 0 ? a * $0 : $0 } },
        "Relu6": { _ in { Swift.min(Swift.max($0, 0), 6) } },
    ]

    /// Functions defined on signed numbers, integer or float.
    static let signedFunctions: [OpType: @Sendable (D) -> D] = [
        "Neg": { -$0 }, "Abs": { Swift.abs($0) }, "Sign": { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, .relu: { $0 < 0 ? 0 : $0 },
    ]

    static let unary: [OpType: KernelSpec] = {
        var t: [OpType: KernelSpec] = [:]
        for op in floatFunctions.keys {
            t[op] = KernelSpec(.floats) { ctx in try makeFloatUnary(ctx, floatFunctions[op]!(ctx.node), float32Functions[op]?(ctx.node)) }
        }
        for (op, f) in signedFunctions {
            t[op] = KernelSpec(.numeric) { ctx in
                guard let dt = ctx.inputType(0) else { throw ctx.unsupported("missing input") }
                if dt.isFloatingPoint { return try makeFloatUnary(ctx, f, op == .relu ? { $0 < 0 ? 0 : $0 } : nil) }
                return try makeIntegerUnary(ctx, dt, f)
            }
        }
        return t
    }()

    static func makeFloatUnary(_ ctx: KernelContext, _ f: @escaping (D) -> D, _ f32: ((Float) -> Float)?) throws -> Kernel {
        guard let dt = ctx.inputType(0) else { throw ctx.unsupported("missing input") }
        func make<T: FloatElement>(_: T.Type) -> Kernel {
            ClosureKernel { ins, outs in
                let x = ins[0].ptr(T.self), y = outs[0].ptr(T.self)
                for i in 0..<outs[0].count { y[i] = T(f(Double(x[i]))) }
            }
        }
        switch dt {
        case .float32:
            if let g = f32 {
                return ClosureKernel { ins, outs in
                    let x = ins[0].f32(), y = outs[0].f32()
                    for i in 0..<outs[0].count { y[i] = g(x[i]) }
                }
            }
            return make(Float.self)
        case .float64: return make(Double.self)
        case .float16: return make(Float16.self)
        default: throw ctx.unsupported("\(dt.rawValue) input")
        }
    }

    /// Integer unary through Double (exact for the value ranges these ops see), wrapping on overflow.
    static func makeIntegerUnary(_ ctx: KernelContext, _ dt: DType, _ f: @escaping (D) -> D) throws -> Kernel {
        guard numericType(dt) != nil else { throw ctx.unsupported("\(dt.rawValue) input") }
        return ClosureKernel { ins, outs in
            for i in 0..<outs[0].count { store(f(ins[0].double(at: i)), outs[0], i) }
        }
    }

    static let activations: [OpType: KernelSpec] = [
        .clip: KernelSpec(.numeric) { try makeClip($0) },
        "Shrink": KernelSpec(.numeric) { ctx in
            let b = ctx.node.float("bias", default: 0), l = ctx.node.float("lambd", default: 0.5)
            guard let dt = ctx.inputType(0) else { throw ctx.unsupported("missing input") }
            let f: (D) -> D = { $0 < -l ? $0 + b : ($0 > l ? $0 - b : 0) }
            return dt.isFloatingPoint ? try makeFloatUnary(ctx, f, nil) : try makeIntegerUnary(ctx, dt, f)
        },
        "Not": KernelSpec([.bool]) { _ in
            ClosureKernel { ins, outs in for i in 0..<outs[0].count { outs[0].u8()[i] = ins[0].u8()[i] == 0 ? 1 : 0 } }
        },
        "BitwiseNot": KernelSpec(.integers) { _ in
            ClosureKernel { ins, outs in
                let raw = UnsafeMutableRawBufferPointer(start: outs[0].data, count: outs[0].byteCount)
                let src = UnsafeRawBufferPointer(start: ins[0].data, count: ins[0].byteCount)
                for i in 0..<raw.count { raw[i] = ~src[i] }
            }
        },
        "IsNaN": KernelSpec(.floats.union([.bool])) { _ in
            ClosureKernel { ins, outs in for i in 0..<outs[0].count { outs[0].u8()[i] = ins[0].double(at: i).isNaN ? 1 : 0 } }
        },
        "IsInf": KernelSpec(.floats.union([.bool])) { ctx in
            let neg = ctx.node.int("detect_negative", default: 1) != 0, pos = ctx.node.int("detect_positive", default: 1) != 0
            return ClosureKernel { ins, outs in
                for i in 0..<outs[0].count {
                    let v = ins[0].double(at: i)
                    outs[0].u8()[i] = v.isInfinite && ((v > 0 && pos) || (v < 0 && neg)) ? 1 : 0
                }
            }
        },
        .identity: KernelSpec(.plain) { _ in copyKernel() },
        "Dropout": KernelSpec(.floats.union([.bool]), accepts: { $0.input(2) == nil && $0.int("training_mode", default: 0) == 0 }) { ctx in
            guard ctx.node.int("training_mode") == nil || ctx.node.input(2) == nil || ctx.ints(2) == [0] else {
                throw ctx.unsupported("training-mode Dropout")
            }
            return ClosureKernel { ins, outs in
                if ins[0].data != outs[0].data { outs[0].data.copyMemory(from: ins[0].data, byteCount: ins[0].byteCount) }
                if outs.count > 1 { outs[1].data.initializeMemory(as: UInt8.self, repeating: 1, count: outs[1].count) }
            }
        },
    ]

    /// Clip with `min`/`max` inputs (opset ≥ 11) or attributes (older).
    static func makeClip(_ ctx: KernelContext) throws -> Kernel {
        guard let dt = ctx.inputType(0) else { throw ctx.unsupported("missing input") }
        let lowAttr = ctx.node.float("min", default: -.infinity), highAttr = ctx.node.float("max", default: .infinity)
        let hasMin = ctx.hasInput(1), hasMax = ctx.hasInput(2)
        if dt == .float32 {
            return ClosureKernel { ins, outs in
                let lo = hasMin ? ins[1].f32()[0] : Float(lowAttr), hi = hasMax ? ins[2].f32()[0] : Float(highAttr)
                let x = ins[0].f32(), y = outs[0].f32()
                for i in 0..<outs[0].count { let v = x[i]; y[i] = v.isNaN ? v : Swift.min(Swift.max(v, lo), hi) }
            }
        }
        guard numericType(dt) != nil else { throw ctx.unsupported("\(dt.rawValue) input") }
        return ClosureKernel { ins, outs in
            let lo = hasMin ? ins[1].double(at: 0) : lowAttr, hi = hasMax ? ins[2].double(at: 0) : highAttr
            for i in 0..<outs[0].count {
                let v = ins[0].double(at: i)
                store(v.isNaN ? v : Swift.min(Swift.max(v, lo), hi), outs[0], i)
            }
        }
    }

    /// Copies input 0 to output 0 unless they share memory (view ops).
    static func copyKernel() -> Kernel {
        ClosureKernel { ins, outs in
            if ins[0].data != outs[0].data, outs[0].byteCount > 0 {
                outs[0].data.copyMemory(from: ins[0].data, byteCount: outs[0].byteCount)
            }
        }
    }
}
