import EdgeIR

/// ResNet (He et al. 2016) and ResNeXt (Xie et al. 2017) as torchvision builds them.
///
/// The v1 / v1.5 difference is only where a downsampling bottleneck puts its stride: the original
/// paper (v1) strides the first 1×1 conv, torchvision (v1.5) strides the 3×3 conv, which costs more
/// MACs for the same weights. Pre-activation ResNet v2 lives in `ResNetV2.swift`.
enum ResNet {
    enum BlockKind: Sendable { case basic, bottleneck }

    struct Config: Sendable {
        let block: BlockKind
        let layers: [Int]
        /// True for v1.5 (stride on the 3×3), false for the original v1 (stride on the first 1×1).
        var strideOn3x3 = true
        var groups = 1
        var widthPerGroup = 64
    }

    static let entries: [ZooEntry] = [
        entry("resnet18", Config(block: .basic, layers: [2, 2, 2, 2]), "ResNet-18 (torchvision)",
              PublishedFigure(parameters: 11_689_512, gmacs: 1.81,
                              source: "torchvision models table, ResNet18_Weights.IMAGENET1K_V1: 11,689,512 params, 1.81 GFLOPS (MACs)")),
        entry("resnet34", Config(block: .basic, layers: [3, 4, 6, 3]), "ResNet-34 (torchvision)",
              PublishedFigure(parameters: 21_797_672, gmacs: 3.66,
                              source: "torchvision models table, ResNet34_Weights.IMAGENET1K_V1: 21,797,672 params, 3.66 GFLOPS (MACs)")),
        entry("resnet50", Config(block: .bottleneck, layers: [3, 4, 6, 3]),
              "ResNet-50 v1.5 (torchvision; stride on the 3×3 conv); Qualcomm/Apple \"ResNet50\"",
              PublishedFigure(parameters: 25_557_032, gmacs: 4.09,
                              source: "torchvision models table, ResNet50_Weights.IMAGENET1K_V1: 25,557,032 params, 4.09 GFLOPS (MACs)")),
        entry("resnet50_v1", Config(block: .bottleneck, layers: [3, 4, 6, 3], strideOn3x3: false),
              "ResNet-50 v1 (original paper; stride on the first 1×1 conv); Coral \"ResNet-50 V1\" (299 px); closest to Hailo resnet_v1_50 (TF-slim downsamples in the last unit of a stage)",
              PublishedFigure(parameters: 25_557_032, gmacs: 3.8,
                              source: "He et al. 2016 (arXiv:1512.03385) Table 1: 3.8×10⁹ FLOPs (multiply-adds) for 50-layer; parameters: torchvision resnet50 25,557,032 (moving the stride changes no weight)")),
        entry("resnet101", Config(block: .bottleneck, layers: [3, 4, 23, 3]), "ResNet-101 v1.5 (torchvision)",
              PublishedFigure(parameters: 44_549_160, gmacs: 7.80,
                              source: "torchvision models table, ResNet101_Weights.IMAGENET1K_V1: 44,549,160 params, 7.80 GFLOPS (MACs)")),
        entry("resnet152", Config(block: .bottleneck, layers: [3, 8, 36, 3]), "ResNet-152 v1.5 (torchvision)",
              PublishedFigure(parameters: 60_192_808, gmacs: 11.51,
                              source: "torchvision models table, ResNet152_Weights.IMAGENET1K_V1: 60,192,808 params, 11.51 GFLOPS (MACs)")),
        entry("resnext50_32x4d", Config(block: .bottleneck, layers: [3, 4, 6, 3], groups: 32, widthPerGroup: 4),
              "ResNeXt-50 32×4d (torchvision)",
              PublishedFigure(parameters: 25_028_904, gmacs: 4.23,
                              source: "torchvision models table, ResNeXt50_32X4D_Weights.IMAGENET1K_V1: 25,028,904 params, 4.23 GFLOPS (MACs)")),
    ]

    private static func entry(_ id: String, _ config: Config, _ summary: String, _ published: PublishedFigure) -> ZooEntry {
        Classification.entry(id: id, family: "ResNet", summary: summary,
                             parameters: [Classification.input(224, 32...1024), Classification.classes],
                             published: published) { a in
            try graph(config, input: a.int("input"), classes: a.int("classes"), name: id)
        }
    }

    static func graph(_ config: Config, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = b.imageInput(height: input, width: input)
        var y = try b.resNetFeatures(x, config).last ?? x
        y = try b.globalAvgPool(y)
        y = try b.flatten(y)
        y = try b.linear(y, out: classes, name: "fc")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// The ResNet trunk: stem (7×7/2 conv, 3×3/2 max pool) and `layer1` … `layer4`; returns the stem
    /// and each stage's output (C2 … C5 for FPN backbones).
    mutating func resNetFeatures(_ x: String, _ config: ResNet.Config) throws -> [String] {
        var y = try conv(x, out: 64, kernel: 7, stride: 2, padding: 3, name: "conv1")
        y = try batchNorm(y, name: "bn1")
        y = try activation(y, .relu, name: "relu")
        y = try maxPool(y, kernel: 3, stride: 2, padding: 1)
        var outs = [y]
        for (stage, count) in config.layers.enumerated() {
            let planes = 64 << stage
            for i in 0..<count {
                let stride = stage > 0 && i == 0 ? 2 : 1
                y = try scope("layer\(stage + 1).\(i)") { b in
                    switch config.block {
                    case .basic: return try b.basicBlock(y, planes: planes, stride: stride)
                    case .bottleneck: return try b.bottleneck(y, planes: planes, stride: stride, config: config)
                    }
                }
            }
            outs.append(y)
        }
        return outs
    }

    private mutating func shortcut(_ x: String, out: Int, stride: Int) throws -> String {
        guard stride != 1 || dims(of: x)[1] != out else { return x }
        let s = try conv(x, out: out, kernel: 1, stride: stride, padding: 0, name: "downsample.0")
        return try batchNorm(s, name: "downsample.1")
    }

    private mutating func basicBlock(_ x: String, planes: Int, stride: Int) throws -> String {
        var y = try conv(x, out: planes, kernel: 3, stride: stride, name: "conv1")
        y = try batchNorm(y, name: "bn1")
        y = try activation(y, .relu, name: "relu1")
        y = try conv(y, out: planes, kernel: 3, name: "conv2")
        y = try batchNorm(y, name: "bn2")
        let s = try shortcut(x, out: planes, stride: stride)
        return try activation(try add(y, s), .relu, name: "relu2")
    }

    private mutating func bottleneck(_ x: String, planes: Int, stride: Int, config: ResNet.Config) throws -> String {
        let width = planes * config.widthPerGroup / 64 * config.groups
        let out = planes * 4
        var y = try conv(x, out: width, kernel: 1, stride: config.strideOn3x3 ? 1 : stride, padding: 0, name: "conv1")
        y = try batchNorm(y, name: "bn1")
        y = try activation(y, .relu, name: "relu1")
        y = try conv(y, out: width, kernel: 3, stride: config.strideOn3x3 ? stride : 1, groups: config.groups, name: "conv2")
        y = try batchNorm(y, name: "bn2")
        y = try activation(y, .relu, name: "relu2")
        y = try conv(y, out: out, kernel: 1, name: "conv3")
        y = try batchNorm(y, name: "bn3")
        let s = try shortcut(x, out: out, stride: stride)
        return try activation(try add(y, s), .relu, name: "relu3")
    }
}
