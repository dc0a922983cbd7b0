import EdgeIR

/// MobileNet v1 (Howard et al. 2017): a 3×3 stem and 13 depthwise-separable blocks, ReLU6, as in
/// TF-slim's `mobilenet_v1` (the checkpoints Coral, Hailo and TFLite ship).
///
/// Channels under the width multiplier α follow TF-slim: `max(Int(c · α), 8)`.
enum MobileNetV1 {
    /// (output channels, stride) of the 13 depthwise-separable blocks.
    static let blocks: [(Int, Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ]

    static let entries: [ZooEntry] = [
        entry(id: "mobilenet_v1", width: 1.0, input: 224,
              summary: "MobileNet v1 1.0-224 (α 0.25–1.0, 96–224 px in the paper); Coral/Hailo \"MobileNet v1\"",
              published: PublishedFigure(parameters: 4_240_000, gmacs: 0.569,
                                         source: "TF-slim mobilenet_v1.md table, MobileNet_v1_1.0_224: 569 M MACs, 4.24 M params (paper Table 6: 569 M, 4.2 M)")),
        entry(id: "mobilenet_v1_025", width: 0.25, input: 128,
              summary: "MobileNet v1 0.25-128; Coral \"MobileNet V1 0.25\" (128 px); 96 px is the visual-wake-words input",
              published: PublishedFigure(parameters: 470_000, gmacs: 0.014,
                                         source: "TF-slim mobilenet_v1.md table, MobileNet_v1_0.25_128: 14 M MACs, 0.47 M params")),
    ]

    private static func entry(id: String, width: Double, input: Int, summary: String,
                              published: PublishedFigure) -> ZooEntry {
        let params = [Classification.width(width, 0.25...1.0), Classification.input(input, 32...1024), Classification.classes]
        return Classification.entry(id: id, family: "MobileNet", summary: summary, parameters: params,
                                    published: published) { a in
            try graph(width: a.double("width"), input: a.int("input"), classes: a.int("classes"), name: id)
        }
    }

    /// Channels under α, as TF-slim's `depth()` computes them.
    static func channels(_ c: Int, _ width: Double) -> Int { max(Int(Double(c) * width), 8) }

    static func graph(width: Double, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = b.imageInput(height: input, width: input)
        var y = try b.mobileNetV1Features(x, width: width).last ?? x
        y = try b.globalAvgPool(y)
        y = try b.flatten(y)
        y = try b.linear(y, out: classes, name: "classifier")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// The MobileNet v1 feature extractor; returns the output of the stem and of every block
    /// (backbones for SSD take blocks 11 and 13).
    mutating func mobileNetV1Features(_ x: String, width: Double) throws -> [String] {
        var y = try convBN(x, out: MobileNetV1.channels(32, width), kernel: 3, stride: 2, activation: .relu6,
                           name: "features.0")
        var outs = [y]
        for (i, (c, s)) in MobileNetV1.blocks.enumerated() {
            y = try scope("features.\(i + 1)") { b in
                let cin = b.dims(of: y)[1]
                var z = try b.convBN(y, out: cin, kernel: 3, stride: s, groups: cin, activation: .relu6, name: "dw")
                z = try b.convBN(z, out: MobileNetV1.channels(c, width), kernel: 1, activation: .relu6, name: "pw")
                return z
            }
            outs.append(y)
        }
        return outs
    }
}
