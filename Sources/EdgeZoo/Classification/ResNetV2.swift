import EdgeIR

/// Pre-activation ResNet v2 (He et al. 2016, "Identity Mappings in Deep Residual Networks") as
/// TF-slim's `resnet_v2` and Keras' `ResNet50V2` build it — the checkpoints Coral's "ResNet-50 V2"
/// and "ResNet-152 V2" come from.
///
/// Each unit is BN → ReLU → 1×1 → BN → ReLU → 3×3 → BN → ReLU → 1×1 (with bias); the stem conv has a
/// bias and no BN (the first unit pre-activates it); a stage downsamples in its *last* unit (stride on
/// the 3×3, 1×1 max-pool shortcut); a final BN → ReLU precedes the pool.
enum ResNetV2 {
    static let entries: [ZooEntry] = [
        entry("resnet50_v2", [3, 4, 6, 3], PublishedFigure(parameters: 25_600_000, source:
            "Keras Applications table, ResNet50V2: 25.6 M parameters (no published MAC count for this variant)")),
        entry("resnet101_v2", [3, 4, 23, 3], PublishedFigure(parameters: 44_700_000, source:
            "Keras Applications table, ResNet101V2: 44.7 M parameters (no published MAC count for this variant)")),
        entry("resnet152_v2", [3, 8, 36, 3], PublishedFigure(parameters: 60_400_000, source:
            "Keras Applications table, ResNet152V2: 60.4 M parameters (no published MAC count for this variant)")),
    ]

    private static func entry(_ id: String, _ layers: [Int], _ published: PublishedFigure) -> ZooEntry {
        let depth = 2 + 3 * layers.reduce(0, +)
        let coral = depth == 101 ? "" : "; Coral \"ResNet-\(depth) V2\" (299 px)"
        return Classification.entry(
            id: id, family: "ResNet", summary: "ResNet-\(depth) v2, pre-activation (TF-slim / Keras)\(coral)",
            parameters: [Classification.input(224, 32...1024), Classification.classes], published: published
        ) { a in
            try graph(layers: layers, input: a.int("input"), classes: a.int("classes"), name: id)
        }
    }

    static func graph(layers: [Int], input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = b.imageInput(height: input, width: input)
        var y = try b.conv(x, out: 64, kernel: 7, stride: 2, padding: 3, bias: true, name: "conv1")
        y = try b.maxPool(y, kernel: 3, stride: 2, padding: 1)
        for (stage, count) in layers.enumerated() {
            let planes = 64 << stage
            for i in 0..<count {
                let stride = stage < 3 && i == count - 1 ? 2 : 1
                y = try b.scope("layer\(stage + 1).\(i)") { b in
                    try b.preActivationBottleneck(y, planes: planes, stride: stride, projection: i == 0)
                }
            }
        }
        y = try b.batchNorm(y, name: "postnorm")
        y = try b.activation(y, .relu, name: "postnorm_relu")
        y = try b.globalAvgPool(y)
        y = try b.flatten(y)
        y = try b.linear(y, out: classes, name: "fc")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    fileprivate mutating func preActivationBottleneck(_ x: String, planes: Int, stride: Int, projection: Bool) throws -> String {
        let out = planes * 4
        var pre = try batchNorm(x, name: "preact")
        pre = try activation(pre, .relu, name: "preact_relu")
        let shortcut: String
        if projection {
            shortcut = try conv(pre, out: out, kernel: 1, stride: stride, padding: 0, bias: true, name: "shortcut")
        } else if stride > 1 {
            shortcut = try maxPool(x, kernel: 1, stride: stride, name: "shortcut")
        } else {
            shortcut = x
        }
        var y = try conv(pre, out: planes, kernel: 1, padding: 0, name: "conv1")
        y = try batchNorm(y, name: "bn1")
        y = try activation(y, .relu, name: "relu1")
        y = try conv(y, out: planes, kernel: 3, stride: stride, padding: 1, name: "conv2")
        y = try batchNorm(y, name: "bn2")
        y = try activation(y, .relu, name: "relu2")
        y = try conv(y, out: out, kernel: 1, padding: 0, bias: true, name: "conv3")
        return try add(shortcut, y)
    }
}
