import EdgeIR

/// Compact feature extractors for the detection and segmentation families.
///
/// Each returns the intermediate feature maps its heads tap, named as the reference implementations
/// name them (TF-slim `Conv2d_11_pointwise`, Keras `block_13_expand_relu`, torchvision `layer3`).
/// They are written here, not shared with the classification files, so the two can evolve apart.
enum Backbones {
    /// TF-slim's depth rule for MobileNet v1: `max(int(d · multiplier), min_depth)`.
    static func slimDepth(_ d: Int, _ multiplier: Double, minDepth: Int) -> Int {
        max(Int(Double(d) * multiplier), minDepth)
    }

    /// MobileNet's channel rounding (v2 and later): to the nearest multiple of 8, never below 90 %.
    static func makeDivisible(_ v: Double, _ divisor: Int = 8) -> Int {
        let d = Double(divisor)
        var n = max(divisor, Int(v + d / 2) / divisor * divisor)
        if Double(n) < 0.9 * v { n += divisor }
        return n
    }
}

extension GraphBuilder {
    /// MobileNet v1 (Howard et al. 2017) convolutional trunk, BN folded, ReLU6.
    ///
    /// - Returns: the output of every layer by TF-slim name: `Conv2d_0`, `Conv2d_1_pointwise` … `Conv2d_13_pointwise`.
    mutating func mobileNetV1(_ x: String, multiplier: Double, minDepth: Int = 8) throws -> [String: String] {
        let spec: [(Int, Int)] = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
                                  (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)]
        var taps: [String: String] = [:]
        var y = try convAct(x, out: Backbones.slimDepth(32, multiplier, minDepth: minDepth), kernel: 3, stride: 2,
                            act: .relu6, name: "Conv2d_0")
        taps["Conv2d_0"] = y
        for (i, (c, s)) in spec.enumerated() {
            let n = i + 1
            y = try convAct(y, out: dims(of: y)[1], kernel: 3, stride: s, groups: dims(of: y)[1], act: .relu6,
                            name: "Conv2d_\(n)_depthwise")
            y = try convAct(y, out: Backbones.slimDepth(c, multiplier, minDepth: minDepth), kernel: 1, act: .relu6,
                            name: "Conv2d_\(n)_pointwise")
            taps["Conv2d_\(n)_pointwise"] = y
        }
        return taps
    }

    /// One MobileNet v2 inverted-residual block's outputs.
    struct InvertedResidualTaps {
        /// After the 1×1 expansion and ReLU6 (the block input when the expansion factor is 1).
        var expansion: String
        /// After the linear 1×1 projection (and residual add).
        var output: String
    }

    /// MobileNet v2 (Sandler et al. 2018) trunk: stem, 17 inverted-residual blocks and, unless
    /// `finalConv` is false, the 1×1 conv to 1280 channels.
    ///
    /// - Parameters:
    ///   - outputStride: 32, or 16 for DeepLab (the last stride-2 block keeps its resolution and later
    ///     depthwise convolutions are dilated by 2).
    ///   - foldBN: false to keep BatchNorm as separate nodes (Keras' parameter count, four per channel).
    ///   - blocks: how many inverted-residual blocks to build (17 = all).
    ///   - lastProjectBN: false to end on the last block's projection convolution before its BatchNorm
    ///     (Keras' `block_16_project` layer, which the TF segmentation tutorial taps).
    /// - Returns: per-block taps (index 0 … 16) and the final output.
    mutating func mobileNetV2(_ x: String, width: Double = 1, outputStride: Int = 32, finalConv: Bool = true,
                              foldBN: Bool = true, blocks count: Int = 17,
                              lastProjectBN: Bool = true) throws -> (blocks: [InvertedResidualTaps], output: String) {
        let settings: [(t: Int, c: Int, n: Int, s: Int)] = [
            (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
        ]
        func cba(_ b: inout GraphBuilder, _ x: String, _ out: Int, _ k: Int, _ s: Int, _ d: Int, _ g: Int,
                 _ act: Activation?, _ name: String, bn: Bool = true) throws -> String {
            if !bn { return try b.conv(x, out: out, kernel: k, stride: s, dilation: d, groups: g, name: name) }
            if foldBN { return try b.convAct(x, out: out, kernel: k, stride: s, dilation: d, groups: g, act: act, name: name) }
            return try b.scope(name) { bb in
                var y = try bb.conv(x, out: out, kernel: k, stride: s, dilation: d, groups: g, name: "conv")
                y = try bb.batchNorm(y, name: "bn")
                if let act { y = try bb.activation(y, act, name: "act") }
                return y
            }
        }
        var y = try cba(&self, x, Backbones.makeDivisible(32 * width), 3, 2, 1, 1, .relu6, "features.0")
        var blocks: [InvertedResidualTaps] = []
        var currentStride = 2, rate = 1
        for (t, c, n, s) in settings {
            let out = Backbones.makeDivisible(Double(c) * width)
            for i in 0..<n where blocks.count < count {
                let s0 = i == 0 ? s : 1
                // TF-slim's output-stride rule: once the target stride is reached, strides become
                // dilation rates for the layers that follow.
                let st: Int, dl: Int
                if currentStride == outputStride {
                    st = 1
                    dl = rate
                    rate *= s0
                } else {
                    st = s0
                    dl = 1
                    currentStride *= s0
                }
                let cin = dims(of: y)[1]
                let name = "features.\(blocks.count + 1)"
                let input = y
                var expansion = y
                y = try scope(name) { b in
                    var h = y
                    if t != 1 {
                        h = try cba(&b, h, cin * t, 1, 1, 1, 1, .relu6, "expand")
                        expansion = h
                    }
                    let ch = b.dims(of: h)[1]
                    h = try cba(&b, h, ch, 3, st, dl, ch, .relu6, "depthwise")
                    let lastBN = lastProjectBN || blocks.count + 1 < count
                    h = try cba(&b, h, out, 1, 1, 1, 1, nil, "project", bn: lastBN)
                    return st == 1 && cin == out ? try b.add(input, h) : h
                }
                blocks.append(InvertedResidualTaps(expansion: expansion, output: y))
            }
        }
        if finalConv {
            let last = width > 1 ? Backbones.makeDivisible(1280 * width) : 1280
            y = try cba(&self, y, last, 1, 1, 1, 1, .relu6, "features.18")
        }
        return (blocks, y)
    }

    /// ResNet-50 (He et al. 2016) or ResNeXt-50 32×4d (Xie et al. 2017) trunk as torchvision builds it
    /// (stride on the 3×3 convolution), BN folded.
    ///
    /// - Returns: `layer1` … `layer4` outputs (strides 4, 8, 16, 32).
    mutating func resNet50Trunk(_ x: String, groups: Int = 1, widthPerGroup: Int = 64) throws -> [String] {
        var y = try convAct(x, out: 64, kernel: 7, stride: 2, act: .relu, name: "conv1")
        y = try maxPool(y, kernel: 3, stride: 2, padding: 1, name: "maxpool")
        var stages: [String] = []
        for (li, (planes, blocks, stride)) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)].enumerated() {
            let width = planes * widthPerGroup / 64 * groups
            for i in 0..<blocks {
                let s = i == 0 ? stride : 1
                let input = y
                y = try scope("layer\(li + 1).\(i)") { b in
                    var h = try b.convAct(input, out: width, kernel: 1, act: .relu, name: "conv1")
                    h = try b.convAct(h, out: width, kernel: 3, stride: s, groups: groups, act: .relu, name: "conv2")
                    h = try b.convAct(h, out: planes * 4, kernel: 1, act: nil, name: "conv3")
                    var identity = input
                    if i == 0 {
                        identity = try b.convAct(input, out: planes * 4, kernel: 1, stride: s, act: nil, name: "downsample")
                    }
                    return try b.activation(try b.add(h, identity), .relu, name: "relu")
                }
            }
            stages.append(y)
        }
        return stages
    }
}
