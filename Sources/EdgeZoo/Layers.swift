import EdgeIR

/// Activation functions the catalog's layers use.
public enum Activation: String, Sendable {
    case relu, relu6, hardSwish, hardSigmoid, sigmoid, silu, gelu, tanh, leakyRelu
}

/// Layer helpers on top of ``GraphBuilder`` shared by every catalog family (NCHW layout).
///
/// Weight names follow PyTorch's `state_dict` convention (`conv1.weight`, `bn1.running_mean`), so
/// per-layer tables read like the reference implementations and importers can match them.
extension GraphBuilder {
    /// 2-D convolution. `padding` nil means "same" for odd kernels at stride 1 (k/2), as torchvision writes it.
    @discardableResult
    public mutating func conv(_ x: String, out: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                              dilation: Int = 1, groups: Int = 1, bias: Bool = false, name: String = "conv") throws -> String {
        try conv(x, out: out, kernel: (kernel, kernel), stride: (stride, stride),
                 padding: padding.map { ($0, $0, $0, $0) }, dilation: dilation, groups: groups, bias: bias, name: name)
    }

    /// 2-D convolution with rectangular kernel, strides and explicit (top, left, bottom, right) padding.
    @discardableResult
    public mutating func conv(_ x: String, out: Int, kernel: (Int, Int), stride: (Int, Int),
                              padding: (Int, Int, Int, Int)?, dilation: Int = 1, groups: Int = 1,
                              bias: Bool = false, name: String = "conv") throws -> String {
        let cin = dims(of: x)[1]
        let pad = padding ?? ((kernel.0 - 1) / 2 * dilation, (kernel.1 - 1) / 2 * dilation,
                              (kernel.0 - 1) / 2 * dilation, (kernel.1 - 1) / 2 * dilation)
        return try scope(name) { b in
            let w = b.weight("weight", .float32, Shape([out, cin / groups, kernel.0, kernel.1]))
            var inputs = [x, w]
            if bias { inputs.append(b.weight("bias", .float32, Shape([out]))) }
            return try b.apply(.conv, inputs, [
                "kernel_shape": .ints([kernel.0, kernel.1]), "strides": .ints([stride.0, stride.1]),
                "pads": .ints([pad.0, pad.1, pad.2, pad.3]), "dilations": .ints([dilation, dilation]),
                "group": .int(groups),
            ], name: "")
        }
    }

    /// Batch normalisation with the four per-channel parameter tensors.
    @discardableResult
    public mutating func batchNorm(_ x: String, name: String = "bn") throws -> String {
        let c = dims(of: x)[1]
        return try scope(name) { b in
            let ps = ["weight", "bias", "running_mean", "running_var"].map { b.weight($0, .float32, Shape([c])) }
            return try b.apply(.batchNorm, [x] + ps, ["epsilon": .float(1e-5)], name: "")
        }
    }

    /// An activation function.
    @discardableResult
    public mutating func activation(_ x: String, _ a: Activation, name: String? = nil) throws -> String {
        switch a {
        case .relu: return try apply(.relu, [x], name: name ?? "relu")
        case .relu6:
            return try apply(.clip, [x], ["min": .float(0), "max": .float(6)], name: name ?? "relu6")
        case .hardSwish: return try apply(.hardSwish, [x], name: name ?? "hardswish")
        case .hardSigmoid:
            return try apply(.hardSigmoid, [x], ["alpha": .float(1.0 / 6), "beta": .float(0.5)], name: name ?? "hardsigmoid")
        case .sigmoid: return try apply(.sigmoid, [x], name: name ?? "sigmoid")
        case .silu: return try apply(.silu, [x], name: name ?? "silu")
        case .gelu: return try apply(.gelu, [x], name: name ?? "gelu")
        case .tanh: return try apply(.tanh, [x], name: name ?? "tanh")
        case .leakyRelu: return try apply(.leakyRelu, [x], ["alpha": .float(0.1)], name: name ?? "leaky_relu")
        }
    }

    /// Conv → BatchNorm → activation (the ubiquitous `ConvBNActivation` block).
    @discardableResult
    public mutating func convBN(_ x: String, out: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                                dilation: Int = 1, groups: Int = 1, activation a: Activation? = .relu,
                                name: String) throws -> String {
        try scope(name) { b in
            var y = try b.conv(x, out: out, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                               groups: groups, name: "0")
            y = try b.batchNorm(y, name: "1")
            if let a { y = try b.activation(y, a, name: "2") }
            return y
        }
    }

    /// A fully connected layer as ONNX exports torch `nn.Linear` on 2-D input: `Gemm(x, W[out, in]ᵀ, b)`.
    @discardableResult
    public mutating func linear(_ x: String, out: Int, bias: Bool = true, name: String) throws -> String {
        let shape = dims(of: x)
        let k = shape[shape.count - 1]
        return try scope(name) { b in
            if shape.count == 2 {
                let w = b.weight("weight", .float32, Shape([out, k]))
                var inputs = [x, w]
                if bias { inputs.append(b.weight("bias", .float32, Shape([out]))) }
                return try b.apply(.gemm, inputs, ["transB": .int(1)], name: "")
            }
            // N-D input: MatMul with Wᵀ stored [in, out], then a bias Add.
            let wt = b.weight("weight", .float32, Shape([k, out]))
            var y = try b.apply(.matMul, [x, wt], name: "matmul")
            if bias { y = try b.apply(.add, [y, b.weight("bias", .float32, Shape([out]))], name: "bias") }
            return y
        }
    }

    @discardableResult
    public mutating func maxPool(_ x: String, kernel: Int, stride: Int, padding: Int = 0, ceil: Bool = false,
                                 name: String = "maxpool") throws -> String {
        try apply(.maxPool, [x], ["kernel_shape": .ints([kernel, kernel]), "strides": .ints([stride, stride]),
                                   "pads": .ints([padding, padding, padding, padding]), "ceil_mode": .int(ceil ? 1 : 0)],
                  name: name)
    }

    @discardableResult
    public mutating func avgPool(_ x: String, kernel: Int, stride: Int, padding: Int = 0, ceil: Bool = false,
                                 name: String = "avgpool") throws -> String {
        try apply(.averagePool, [x], ["kernel_shape": .ints([kernel, kernel]), "strides": .ints([stride, stride]),
                                       "pads": .ints([padding, padding, padding, padding]), "ceil_mode": .int(ceil ? 1 : 0)],
                  name: name)
    }

    @discardableResult
    public mutating func globalAvgPool(_ x: String, name: String = "avgpool") throws -> String {
        try apply(.globalAveragePool, [x], name: name)
    }

    @discardableResult
    public mutating func flatten(_ x: String, axis: Int = 1, name: String = "flatten") throws -> String {
        try apply(.flatten, [x], ["axis": .int(axis)], name: name)
    }

    @discardableResult
    public mutating func add(_ a: String, _ b: String, name: String = "add") throws -> String {
        try apply(.add, [a, b], name: name)
    }

    @discardableResult
    public mutating func mul(_ a: String, _ b: String, name: String = "mul") throws -> String {
        try apply(.mul, [a, b], name: name)
    }

    @discardableResult
    public mutating func concat(_ xs: [String], axis: Int = 1, name: String = "concat") throws -> String {
        try apply(.concat, xs, ["axis": .int(axis)], name: name)
    }

    @discardableResult
    public mutating func reshape(_ x: String, _ shape: [Int64], name: String = "reshape") throws -> String {
        let s = ints("\(name)_shape", shape)
        return try apply(.reshape, [x, s], name: name)
    }

    @discardableResult
    public mutating func transpose(_ x: String, _ perm: [Int], name: String = "transpose") throws -> String {
        try apply(.transpose, [x], ["perm": .ints(perm)], name: name)
    }

    @discardableResult
    public mutating func softmax(_ x: String, axis: Int = -1, name: String = "softmax") throws -> String {
        try apply(.softmax, [x], ["axis": .int(axis)], name: name)
    }

    /// Layer normalisation over the last axis with scale and bias.
    @discardableResult
    public mutating func layerNorm(_ x: String, epsilon: Double = 1e-5, name: String) throws -> String {
        let d = dims(of: x).last ?? 1
        return try scope(name) { b in
            let w = b.weight("weight", .float32, Shape([d]))
            let bias = b.weight("bias", .float32, Shape([d]))
            return try b.apply(.layerNorm, [x, w, bias], ["axis": .int(-1), "epsilon": .float(epsilon)], name: "")
        }
    }

    /// Nearest-neighbour upsampling of the spatial axes by an integer factor.
    @discardableResult
    public mutating func upsample(_ x: String, factor: Int, mode: String = "nearest", name: String = "upsample") throws -> String {
        let f = Float(factor)
        let scales = floats("\(name)_scales", [1, 1, f, f])
        return try apply("Resize", [x, "", scales], ["mode": .string(mode)], name: name)
    }
}

/// Rounds `value` to the nearest multiple of `divisor`, never below `minValue` (default `divisor`) and
/// never more than 10 % below `value` — the `_make_divisible` rule of MobileNet v2/v3, EfficientNet and
/// their descendants, which decides every channel count under a width multiplier.
func makeDivisible(_ value: Double, divisor: Int = 8, minValue: Int? = nil) -> Int {
    let floor = minValue ?? divisor
    var v = max(floor, Int(value + Double(divisor) / 2) / divisor * divisor)
    if Double(v) < 0.9 * value { v += divisor }
    return v
}

extension GraphBuilder {
    /// An NCHW image input with the symbolic batch `N`.
    @discardableResult
    public mutating func imageInput(height: Int, width: Int, channels: Int = 3, name: String = "input") -> String {
        input(name, .float32, Shape([.symbol("N"), .value(channels), .value(height), .value(width)]))
    }

    /// Squeeze-and-excitation: global average pool → 1×1 conv (`fc1`, bias) → activation → 1×1 conv
    /// (`fc2`, bias) → gate → channel-wise scale of `x` (torchvision's `SqueezeExcitation`).
    @discardableResult
    public mutating func squeezeExcite(_ x: String, squeeze: Int, activation a: Activation = .relu,
                                       gate: Activation = .sigmoid, name: String) throws -> String {
        let c = dims(of: x)[1]
        return try scope(name) { b in
            var s = try b.globalAvgPool(x, name: "avgpool")
            s = try b.conv(s, out: squeeze, kernel: 1, bias: true, name: "fc1")
            s = try b.activation(s, a)
            s = try b.conv(s, out: c, kernel: 1, bias: true, name: "fc2")
            s = try b.activation(s, gate, name: "gate")
            return try b.mul(x, s, name: "scale")
        }
    }
}
