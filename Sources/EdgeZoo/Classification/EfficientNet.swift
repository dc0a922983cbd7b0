import EdgeIR

/// EfficientNet-B0 (Tan & Le 2019), EfficientNet-Lite0…4 and EfficientNet-EdgeTPU S/M/L.
///
/// One builder serves all three: stages of MBConv blocks (1×1 expand → k×k depthwise → optional SE →
/// linear 1×1), or, for EdgeTPU's first stages, fused blocks (k×k expand conv → linear 1×1). Width and
/// depth multipliers scale channels (``makeDivisible(_:divisor:minValue:)``) and repeats (ceil).
/// Lite removes SE, uses ReLU6 and keeps the stem, head and first/last stage repeats fixed; EdgeTPU
/// uses ReLU and fused blocks. Names follow torchvision (`features.<stage>.<block>.block.<k>`).
enum EfficientNet {
    enum Kind: Sendable { case mbconv, fused }

    /// One stage: block kind, expansion, kernel, first stride, output channels, repeats.
    struct Stage: Sendable {
        let kind: Kind, expand: Int, kernel: Int, stride: Int, out: Int, repeats: Int
        /// Fused blocks of EdgeTPU's first stage compute their expansion from this many channels and skip the shortcut.
        var forceIn: Int? = nil
    }

    struct Config: Sendable {
        let stages: [Stage]
        let width: Double, depth: Double
        let activation: Activation
        let squeezeExcite: Bool
        /// Lite: stem 32 and head 1280 stay fixed and the first and last stages are not repeated more.
        let fixStemHeadAndEnds: Bool
    }

    static let b0Stages: [Stage] = [
        Stage(kind: .mbconv, expand: 1, kernel: 3, stride: 1, out: 16, repeats: 1),
        Stage(kind: .mbconv, expand: 6, kernel: 3, stride: 2, out: 24, repeats: 2),
        Stage(kind: .mbconv, expand: 6, kernel: 5, stride: 2, out: 40, repeats: 2),
        Stage(kind: .mbconv, expand: 6, kernel: 3, stride: 2, out: 80, repeats: 3),
        Stage(kind: .mbconv, expand: 6, kernel: 5, stride: 1, out: 112, repeats: 3),
        Stage(kind: .mbconv, expand: 6, kernel: 5, stride: 2, out: 192, repeats: 4),
        Stage(kind: .mbconv, expand: 6, kernel: 3, stride: 1, out: 320, repeats: 1),
    ]

    /// EdgeTPU-S (timm `_gen_efficientnet_edge`, from the TF reference): three fused stages, three MBConv.
    static let edgeTPUStages: [Stage] = [
        Stage(kind: .fused, expand: 4, kernel: 3, stride: 1, out: 24, repeats: 1, forceIn: 24),
        Stage(kind: .fused, expand: 8, kernel: 3, stride: 2, out: 32, repeats: 2),
        Stage(kind: .fused, expand: 8, kernel: 3, stride: 2, out: 48, repeats: 4),
        Stage(kind: .mbconv, expand: 8, kernel: 5, stride: 2, out: 96, repeats: 5),
        Stage(kind: .mbconv, expand: 8, kernel: 5, stride: 1, out: 144, repeats: 4),
        Stage(kind: .mbconv, expand: 8, kernel: 5, stride: 2, out: 192, repeats: 2),
    ]

    static let entries: [ZooEntry] = {
        var list = [entry(
            id: "efficientnet_b0", input: 224, summary: "EfficientNet-B0 (torchvision)",
            config: Config(stages: b0Stages, width: 1, depth: 1, activation: .silu, squeezeExcite: true, fixStemHeadAndEnds: false),
            published: PublishedFigure(parameters: 5_288_548, gmacs: 0.39,
                                       source: "torchvision models table, EfficientNet_B0_Weights.IMAGENET1K_V1: 5,288,548 params, 0.39 GFLOPS (MACs)"))]
        // (width, depth, resolution) from the TF reference's efficientnet_lite_builder. Published figures:
        // parameters from timm's benchmark table (2 decimals); MACs from the same table where timm measured
        // at the TF resolution (Lite0–2), else the TF lite README (Lite3 at 280, Lite4 at 300; timm used
        // 300 and 380). The TF README counts every float op (≈ 5 % above conv/linear MACs for Lite0).
        let lite: [(width: Double, depth: Double, input: Int, params: Int, gmacs: Double, paramText: String, macText: String)] = [
            (1.0, 1.0, 224, 4_650_000, 0.40, "4.65 M", "timm same row 0.40 GMACs"),
            (1.0, 1.1, 240, 5_420_000, 0.62, "5.42 M", "timm same row 0.62 GMACs"),
            (1.1, 1.2, 260, 6_090_000, 0.89, "6.09 M", "timm same row 0.89 GMACs"),
            (1.2, 1.4, 280, 8_200_000, 1.44, "8.20 M", "tensorflow/tpu models/official/efficientnet/lite/README.md 1.44 B MAdds"),
            (1.4, 1.8, 300, 13_010_000, 2.64, "13.01 M", "tensorflow/tpu models/official/efficientnet/lite/README.md 2.64 B MAdds"),
        ]
        for (i, l) in lite.enumerated() {
            list.append(entry(
                id: "efficientnet_lite\(i)", input: l.input,
                summary: "EfficientNet-Lite\(i) (no SE, ReLU6, \(l.input) px)" + (i == 0 || i == 4 ? "; Hailo efficientnet_lite\(i)" : ""),
                config: Config(stages: b0Stages, width: l.width, depth: l.depth, activation: .relu6, squeezeExcite: false,
                               fixStemHeadAndEnds: true),
                published: PublishedFigure(parameters: l.params, gmacs: l.gmacs, source:
                    "params: timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, tf_efficientnet_lite\(i) \(l.paramText); MACs at \(l.input) px: \(l.macText)")))
        }
        // timm efficientnet_es/em/el (EfficientNet-EdgeTPU S/M/L), same benchmark table.
        let edge: [(size: String, width: Double, depth: Double, input: Int, params: Int, gmacs: Double, timm: String, calibration: String)] = [
            ("s", 1.0, 1.0, 224, 5_440_000, 1.81, "efficientnet_es 5.44 M params, 1.81 GMACs", "Coral \"EfficientNet-EdgeTpu (S)\""),
            ("m", 1.0, 1.1, 240, 6_900_000, 3.04, "efficientnet_em 6.90 M params, 3.04 GMACs", "Coral \"EfficientNet-EdgeTpu-M\""),
            ("l", 1.2, 1.4, 300, 10_590_000, 8.00, "efficientnet_el 10.59 M params, 8.00 GMACs", "Coral/Hailo \"EfficientNet-EdgeTpu (L)\""),
        ]
        for e in edge {
            list.append(entry(
                id: "efficientnet_edgetpu_\(e.size)", input: e.input,
                summary: "EfficientNet-EdgeTPU-\(e.size.uppercased()) (\(e.input) px); \(e.calibration)",
                config: Config(stages: edgeTPUStages, width: e.width, depth: e.depth, activation: .relu, squeezeExcite: false,
                               fixStemHeadAndEnds: false),
                published: PublishedFigure(parameters: e.params, gmacs: e.gmacs, source:
                    "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, \(e.timm) at \(e.input) px")))
        }
        return list
    }()

    private static func entry(id: String, input: Int, summary: String, config: Config, published: PublishedFigure) -> ZooEntry {
        Classification.entry(id: id, family: "EfficientNet", summary: summary,
                             parameters: [Classification.input(input, 32...1024), Classification.classes],
                             published: published) { a in
            try graph(config, input: a.int("input"), classes: a.int("classes"), name: id)
        }
    }

    static func graph(_ config: Config, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = b.imageInput(height: input, width: input)
        var y = try b.efficientNetFeatures(x, config).last ?? x
        y = try b.globalAvgPool(y)
        y = try b.flatten(y)
        y = try b.linear(y, out: classes, name: "classifier.1")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// The EfficientNet trunk (stem, stages, 1×1 head conv); returns the stem, each stage and the head.
    mutating func efficientNetFeatures(_ x: String, _ config: EfficientNet.Config) throws -> [String] {
        func round(_ c: Int) -> Int { makeDivisible(Double(c) * config.width) }
        let act = config.activation
        let stem = config.fixStemHeadAndEnds ? 32 : round(32)
        var y = try convBN(x, out: stem, kernel: 3, stride: 2, activation: act, name: "features.0")
        var outs = [y]
        let last = config.stages.count - 1
        for (si, stage) in config.stages.enumerated() {
            let fixed = config.fixStemHeadAndEnds && (si == 0 || si == last)
            let repeats = fixed ? stage.repeats : Int((Double(stage.repeats) * config.depth).rounded(.up))
            let out = round(stage.out)
            for i in 0..<repeats {
                let stride = i == 0 ? stage.stride : 1
                y = try scope("features.\(si + 1).\(i)") { b in
                    let cin = b.dims(of: y)[1]
                    let mid = makeDivisible(Double((stage.forceIn.map(round) ?? cin) * stage.expand))
                    var z = y
                    var k = 0
                    switch stage.kind {
                    case .fused:
                        z = try b.convBN(z, out: mid, kernel: stage.kernel, stride: stride, activation: act, name: "block.0")
                        k = 1
                    case .mbconv:
                        if stage.expand != 1 {
                            z = try b.convBN(z, out: mid, kernel: 1, activation: act, name: "block.\(k)")
                            k += 1
                        }
                        z = try b.convBN(z, out: mid, kernel: stage.kernel, stride: stride, groups: mid, activation: act,
                                         name: "block.\(k)")
                        k += 1
                        if config.squeezeExcite {
                            z = try b.squeezeExcite(z, squeeze: max(1, cin / 4), activation: .silu, name: "block.\(k)")
                            k += 1
                        }
                    }
                    z = try b.convBN(z, out: out, kernel: 1, activation: nil, name: "block.\(k)")
                    if stride == 1 && cin == out && stage.forceIn == nil { z = try b.add(y, z) }
                    return z
                }
            }
            outs.append(y)
        }
        let head = config.fixStemHeadAndEnds ? 1280 : round(1280)
        y = try convBN(y, out: head, kernel: 1, activation: act, name: "features.\(config.stages.count + 1)")
        outs.append(y)
        return outs
    }
}
