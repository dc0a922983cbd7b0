import EdgeIR

/// SqueezeNet 1.1 (Iandola et al. 2016; the 1.1 revision in the reference repository) as torchvision
/// builds it: a 3×3/2 stem, eight Fire modules (1×1 squeeze → parallel 1×1 and 3×3 expands), and a
/// 1×1 conv classifier averaged over the map.
enum SqueezeNet {
    /// (squeeze, expand 1×1, expand 3×3) of each Fire module, with a max pool before modules 0, 2 and 4.
    static let fires: [(Int, Int, Int)] = [
        (16, 64, 64), (16, 64, 64), (32, 128, 128), (32, 128, 128),
        (48, 192, 192), (48, 192, 192), (64, 256, 256), (64, 256, 256),
    ]

    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "squeezenet1_1", family: "SqueezeNet", summary: "SqueezeNet 1.1 (torchvision); Coral \"SqueezeNet\"",
            parameters: [Classification.input(224, 32...1024), Classification.classes],
            published: PublishedFigure(parameters: 1_235_496, gmacs: 0.35,
                                       source: "torchvision models table, SqueezeNet1_1_Weights.IMAGENET1K_V1: 1,235,496 params, 0.35 GFLOPS (MACs)")
        ) { a in try graph(input: a.int("input"), classes: a.int("classes")) },
    ]

    static func graph(input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "squeezenet1_1")
        var y = b.imageInput(height: input, width: input)
        y = try b.conv(y, out: 64, kernel: 3, stride: 2, padding: 0, bias: true, name: "features.0")
        y = try b.activation(y, .relu, name: "features.1")
        // torchvision's Sequential: pools at indices 2, 5 and 8, Fire modules in between.
        let positions = [3, 4, 6, 7, 9, 10, 11, 12]
        for (k, fire) in fires.enumerated() {
            if k == 0 || k == 2 || k == 4 {
                y = try b.maxPool(y, kernel: 3, stride: 2, ceil: true, name: "features.\(positions[k] - 1)")
            }
            y = try b.scope("features.\(positions[k])") { b in
                var s = try b.conv(y, out: fire.0, kernel: 1, bias: true, name: "squeeze")
                s = try b.activation(s, .relu, name: "squeeze_activation")
                var e1 = try b.conv(s, out: fire.1, kernel: 1, bias: true, name: "expand1x1")
                e1 = try b.activation(e1, .relu, name: "expand1x1_activation")
                var e3 = try b.conv(s, out: fire.2, kernel: 3, padding: 1, bias: true, name: "expand3x3")
                e3 = try b.activation(e3, .relu, name: "expand3x3_activation")
                return try b.concat([e1, e3])
            }
        }
        y = try b.conv(y, out: classes, kernel: 1, bias: true, name: "classifier.1")
        y = try b.activation(y, .relu, name: "classifier.2")
        y = try b.globalAvgPool(y, name: "classifier.3")
        y = try b.flatten(y)
        b.output(y)
        return try b.finish()
    }
}
