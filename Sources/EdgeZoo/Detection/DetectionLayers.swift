import EdgeIR

/// Layer helpers shared by the detection and segmentation families (NCHW).
///
/// Detection graphs are generated in their *deployment form*: BatchNorm folded into the preceding
/// convolution's bias, as in the ONNX / TFLite files that edge devices run (Ultralytics exports
/// fused models, TFLite converters fold BN, Hailo's tables count folded models). A folded Conv+BN has
/// `k·k·Cin/g·Cout + Cout` parameters, which is the count Ultralytics reports after `model.fuse()`.
extension GraphBuilder {
    /// Convolution with bias and an optional activation: a Conv→BN→act block with BN folded.
    ///
    /// - Parameter explicitBN: keep BatchNorm as its own node after a bias-free convolution (the
    ///   training checkpoint's form, whose four per-channel tensors TensorFlow counts as variables).
    @discardableResult
    mutating func convAct(_ x: String, out: Int, kernel: Int, stride: Int = 1, padding: Int? = nil,
                          dilation: Int = 1, groups: Int = 1, act: Activation?, explicitBN: Bool = false,
                          name: String) throws -> String {
        try scope(name) { b in
            var y = try b.conv(x, out: out, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                               groups: groups, bias: !explicitBN, name: "conv")
            if explicitBN { y = try b.batchNorm(y, name: "bn") }
            if let act { y = try b.activation(y, act, name: "act") }
            return y
        }
    }

    /// Depthwise 3×3 (or k×k) then pointwise 1×1 (MobileNet v1's separable block), BN folded.
    ///
    /// - Parameter act: the depthwise half's activation; nil for TF-slim's `separable_conv2d` with an
    ///   output depth, which normalises and activates only after the pointwise half (so the depthwise
    ///   half has no bias either).
    @discardableResult
    mutating func separable(_ x: String, out: Int, kernel: Int = 3, stride: Int = 1, act: Activation?,
                            pointwiseAct: Activation?, explicitBN: Bool = false, name: String) throws -> String {
        let c = dims(of: x)[1]
        return try scope(name) { b in
            let d = act == nil
                ? try b.conv(x, out: c, kernel: kernel, stride: stride, groups: c, name: "depthwise")
                : try b.convAct(x, out: c, kernel: kernel, stride: stride, groups: c, act: act, explicitBN: explicitBN,
                                name: "depthwise")
            return try b.convAct(d, out: out, kernel: 1, act: pointwiseAct, explicitBN: explicitBN, name: "pointwise")
        }
    }

    /// Max pooling that keeps the spatial size (stride 1, padding k/2), as SPP/SPPF use it.
    @discardableResult
    mutating func maxPoolSame(_ x: String, kernel: Int, name: String) throws -> String {
        try maxPool(x, kernel: kernel, stride: 1, padding: kernel / 2, name: name)
    }

    /// Splits along the channel axis into parts of the given sizes.
    mutating func splitChannels(_ x: String, _ sizes: [Int], name: String = "split") throws -> [String] {
        let s = ints("\(name)_sizes", sizes.map(Int64.init))
        return try add(.split, [x, s], ["axis": .int(1)], name: name, outputs: sizes.count)
    }

    /// A 1×1 prediction convolution with bias reshaped to `[N, anchors·perAnchor … → N, H·W·anchors, perAnchor]`,
    /// the layout SSD-style box and class predictors are concatenated in.
    @discardableResult
    mutating func anchorPredictions(_ x: String, anchors: Int, perAnchor: Int, kernel: Int = 1,
                                    name: String) throws -> String {
        try scope(name) { b in
            let p = try b.conv(x, out: anchors * perAnchor, kernel: kernel, bias: true, name: "conv")
            let d = b.dims(of: p)
            let t = try b.transpose(p, [0, 2, 3, 1], name: "nhwc")
            return try b.reshape(t, [0, Int64(d[2] * d[3] * anchors), Int64(perAnchor)], name: "flat")
        }
    }
}

/// Spatial sizes and checks shared by the detection entries' `build` closures.
enum DetectionGeometry {
    /// TensorFlow "SAME" output size of a strided layer: ⌈n / s⌉.
    static func same(_ n: Int, stride: Int) -> Int { (n + stride - 1) / stride }

    /// Rejects an input size that is not a multiple of `multiple` (feature pyramids need exact halving).
    static func requireMultiple(_ value: Int, of multiple: Int, id: String, key: String = "input") throws {
        guard value % multiple == 0 else {
            throw ZooError.badValue(id: id, key: key, value: String(value), expected: "a multiple of \(multiple)")
        }
    }
}

extension ZooParameter {
    /// The input side length in pixels (square input).
    static func inputSize(default d: Int, range: ClosedRange<Int> = 32...2048, note: String = "") -> ZooParameter {
        ZooParameter("input", .int(range), default: String(d), help: "input height and width in pixels" + note)
    }

    /// Number of object classes the head predicts.
    static func classes(default d: Int, note: String = "") -> ZooParameter {
        ZooParameter("classes", .int(1...10_000), default: String(d), help: "number of classes" + note)
    }
}
