import CEdgeKernels
import EdgeIR

/// The C kernels' activation for a node's fused `activation` attribute, or for a standalone op.
///
/// Names and parameters follow the fusion convention (`activation`, `activation_alpha`,
/// `activation_beta`; TFLite's `Relu6`/`ReluN1To1` are clips). Returns nil for an activation the C
/// epilogue does not implement (`SignBit`, unknown names), so the factory declines and the reference
/// kernel runs.
enum EpilogueActivation {
    static let none = ck_activation(kind: Int32(CK_ACT_NONE.rawValue), alpha: 0, beta: 0)

    static func make(_ kind: ck_act_kind, _ alpha: Float = 0, _ beta: Float = 0) -> ck_activation {
        ck_activation(kind: Int32(kind.rawValue), alpha: alpha, beta: beta)
    }

    /// The fused activation of `node`; `none` when it has none; nil when unsupported here.
    static func fused(_ node: Node) -> ck_activation? {
        let a = node.float("activation_alpha", default: .nan), b = node.float("activation_beta", default: .nan)
        func or(_ v: Double, _ d: Float) -> Float { v.isNaN ? d : Float(v) }
        switch node.string("activation") {
        case nil, "NONE"?: return none
        case "Relu"?: return make(CK_ACT_RELU)
        case "Relu6"?: return make(CK_ACT_CLIP, 0, 6)
        case "ReluN1To1"?: return make(CK_ACT_CLIP, -1, 1)
        case "Clip"?: return make(CK_ACT_CLIP, or(a, -.infinity), or(b, .infinity))
        case "HardSwish"?: return make(CK_ACT_HARDSWISH, 1.0 / 6.0, 0.5)
        case "HardSigmoid"?: return make(CK_ACT_HARDSIGMOID, or(a, 0.2), or(b, 0.5))
        case "LeakyRelu"?: return make(CK_ACT_LEAKYRELU, or(a, 0.01))
        case "Sigmoid"?: return make(CK_ACT_SIGMOID)
        case "Tanh"?: return make(CK_ACT_TANH)
        case "SiLU"?, "Silu"?: return make(CK_ACT_SILU)
        default: return nil
        }
    }
}
