import EdgeIR

/// MobileNet v2 (Sandler et al. 2018) as torchvision builds it: inverted residual blocks with linear
/// bottlenecks, ReLU6, channels rounded with ``makeDivisible(_:divisor:minValue:)``.
enum MobileNetV2 {
    /// (expansion t, channels c, repeats n, first stride s) from the paper's Table 2.
    static let settings: [(t: Int, c: Int, n: Int, s: Int)] = [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ]

    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "mobilenet_v2", family: "MobileNet",
            summary: "MobileNet v2 1.0-224 (torchvision); Coral/Hailo/Qualcomm/Apple \"MobileNet v2\"",
            parameters: [Classification.width(1.0, 0.1...2.0), Classification.input(224, 32...1024), Classification.classes],
            published: PublishedFigure(parameters: 3_504_872, gmacs: 0.30,
                                       source: "torchvision models table, MobileNet_V2_Weights.IMAGENET1K_V1: 3,504,872 params, 0.30 GFLOPS (MACs)")
        ) { a in
            try graph(width: a.double("width"), input: a.int("input"), classes: a.int("classes"), name: "mobilenet_v2")
        },
    ]

    static func graph(width: Double, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = b.imageInput(height: input, width: input)
        var y = try b.mobileNetV2Features(x, width: width).last ?? x
        y = try b.globalAvgPool(y)
        y = try b.flatten(y)
        y = try b.linear(y, out: classes, name: "classifier.1")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// The MobileNet v2 feature extractor (`features.0` … `features.18`); returns every block's output.
    mutating func mobileNetV2Features(_ x: String, width: Double) throws -> [String] {
        var y = try convBN(x, out: makeDivisible(32 * width), kernel: 3, stride: 2, activation: .relu6, name: "features.0")
        var outs = [y]
        var index = 1
        for s in MobileNetV2.settings {
            let out = makeDivisible(Double(s.c) * width)
            for i in 0..<s.n {
                y = try invertedResidual(y, out: out, stride: i == 0 ? s.s : 1, expand: s.t, name: "features.\(index)")
                outs.append(y)
                index += 1
            }
        }
        let last = makeDivisible(1280 * max(1.0, width))
        y = try convBN(y, out: last, kernel: 1, activation: .relu6, name: "features.\(index)")
        outs.append(y)
        return outs
    }

    /// MobileNet v2's inverted residual: 1×1 expand (skipped when t = 1) → 3×3 depthwise → linear 1×1
    /// projection, with an identity shortcut when stride is 1 and the channel count is unchanged.
    mutating func invertedResidual(_ x: String, out: Int, stride: Int, expand: Int, name: String) throws -> String {
        let cin = dims(of: x)[1]
        let hidden = cin * expand
        return try scope(name) { b in
            var y = x
            var k = 0
            if expand != 1 {
                y = try b.convBN(y, out: hidden, kernel: 1, activation: .relu6, name: "conv.\(k)")
                k += 1
            }
            y = try b.convBN(y, out: hidden, kernel: 3, stride: stride, groups: hidden, activation: .relu6, name: "conv.\(k)")
            y = try b.conv(y, out: out, kernel: 1, name: "conv.\(k + 1)")
            y = try b.batchNorm(y, name: "conv.\(k + 2)")
            if stride == 1 && cin == out { y = try b.add(x, y) }
            return y
        }
    }
}
