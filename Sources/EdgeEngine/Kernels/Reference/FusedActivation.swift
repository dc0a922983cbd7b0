import EdgeIR
import Foundation

/// An activation applied at the end of another kernel (`activation` attribute): TFLite's fused
/// activations (`Relu`, `Relu6`, `ReluN1To1`, `Tanh`, `SignBit`) and the ones the fusion pass moves
/// into Conv/Gemm/Add/… (`Clip`, `Sigmoid`, `HardSigmoid`, `HardSwish`, `LeakyRelu`).
///
/// Parameters travel as `activation_alpha` / `activation_beta` (Clip: min / max).
enum FusedActivation {
    case none, relu, relu6, reluN1To1, tanh, signBit, sigmoid, hardSwish
    case clip(Float, Float)
    case hardSigmoid(Float, Float)
    case leakyRelu(Float)

    init(_ node: Node) throws {
        let a = Float(node.float("activation_alpha", default: .nan)), b = Float(node.float("activation_beta", default: .nan))
        switch node.string("activation") {
        case nil, "NONE"?: self = .none
        case "Relu"?: self = .relu
        case "Relu6"?: self = .relu6
        case "ReluN1To1"?: self = .reluN1To1
        case "Tanh"?: self = .tanh
        case "SignBit"?: self = .signBit
        case "Sigmoid"?: self = .sigmoid
        case "HardSwish"?: self = .hardSwish
        case "Clip"?: self = .clip(a.isNaN ? -.infinity : a, b.isNaN ? .infinity : b)
        case "HardSigmoid"?: self = .hardSigmoid(a.isNaN ? 0.2 : a, b.isNaN ? 0.5 : b)
        case "LeakyRelu"?: self = .leakyRelu(a.isNaN ? 0.01 : a)
        case let other?:
            throw EngineError.unsupported(node: node.name, op: node.op, detail: "fused activation '\(other)'")
        }
    }

    var isNone: Bool { if case .none = self { return true }; return false }

    @inline(__always) func callAsFunction(_ x: Float) -> Float {
        switch self {
        case .none: return x
        case .relu: return x < 0 ? 0 : x
        case .relu6: return x < 0 ? 0 : (x > 6 ? 6 : x)
        case .reluN1To1: return x < -1 ? -1 : (x > 1 ? 1 : x)
        case .tanh: return Foundation.tanh(x)
        case .signBit: return x.sign == .minus ? 1 : 0
        case .sigmoid: return logistic(x)
        case .hardSwish: return x * Swift.max(0, Swift.min(1, x / 6 + 0.5))
        case .clip(let lo, let hi): return x.isNaN ? x : Swift.min(Swift.max(x, lo), hi)
        case .hardSigmoid(let a, let b): return Swift.max(0, Swift.min(1, a * x + b))
        case .leakyRelu(let a): return x < 0 ? a * x : x
        }
    }

    /// Applies in place to `n` values.
    func apply(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        switch self {
        case .none: return
        case .relu: for i in 0..<n where p[i] < 0 { p[i] = 0 }
        default: for i in 0..<n { p[i] = self(p[i]) }
        }
    }

    /// Rejects an activation on a kernel that only applies it to float32.
    static func requireNone(_ ctx: KernelContext) throws {
        if ctx.node.string("activation") != nil {
            throw ctx.unsupported("fused activation on a \(ctx.inputType(0)?.rawValue ?? "?") tensor")
        }
    }
}

/// The logistic function, written to stay finite for large |x|.
@inline(__always) func logistic(_ x: Float) -> Float {
    x >= 0 ? 1 / (1 + Foundation.exp(-x)) : { let e = Foundation.exp(x); return e / (1 + e) }()
}
