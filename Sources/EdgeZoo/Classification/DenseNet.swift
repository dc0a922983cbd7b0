import EdgeIR

/// DenseNet-121 (Huang et al. 2017) as torchvision builds it: growth rate 32, bottleneck width 4·32,
/// blocks of 6/12/24/16 layers joined by transitions that halve channels and resolution.
///
/// Each layer's input is the concatenation of every earlier feature map of its block. The graph
/// builds that concatenation incrementally (one two-input Concat per layer) so node inputs stay
/// linear in depth; the values and arithmetic are the same as concatenating the whole list.
enum DenseNet {
    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "densenet121", family: "DenseNet", summary: "DenseNet-121 (torchvision); Coral \"DenseNet\"",
            parameters: [Classification.input(224, 32...1024), Classification.classes],
            published: PublishedFigure(parameters: 7_978_856, gmacs: 2.83,
                                       source: "torchvision models table, DenseNet121_Weights.IMAGENET1K_V1: 7,978,856 params, 2.83 GFLOPS (MACs)")
        ) { a in try graph(blocks: [6, 12, 24, 16], input: a.int("input"), classes: a.int("classes"), name: "densenet121") },
    ]

    static func graph(blocks: [Int], growth: Int = 32, bottleneck: Int = 4, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        var y = b.imageInput(height: input, width: input)
        y = try b.scope("features") { b in
            var y = try b.conv(y, out: 64, kernel: 7, stride: 2, padding: 3, name: "conv0")
            y = try b.batchNorm(y, name: "norm0")
            y = try b.activation(y, .relu, name: "relu0")
            y = try b.maxPool(y, kernel: 3, stride: 2, padding: 1, name: "pool0")
            for (i, layers) in blocks.enumerated() {
                for l in 0..<layers {
                    y = try b.scope("denseblock\(i + 1).denselayer\(l + 1)") { b in
                        var z = try b.batchNorm(y, name: "norm1")
                        z = try b.activation(z, .relu, name: "relu1")
                        z = try b.conv(z, out: bottleneck * growth, kernel: 1, name: "conv1")
                        z = try b.batchNorm(z, name: "norm2")
                        z = try b.activation(z, .relu, name: "relu2")
                        z = try b.conv(z, out: growth, kernel: 3, padding: 1, name: "conv2")
                        return try b.concat([y, z])
                    }
                }
                if i < blocks.count - 1 {
                    y = try b.scope("transition\(i + 1)") { b in
                        var z = try b.batchNorm(y, name: "norm")
                        z = try b.activation(z, .relu)
                        z = try b.conv(z, out: b.dims(of: z)[1] / 2, kernel: 1, name: "conv")
                        return try b.avgPool(z, kernel: 2, stride: 2, name: "pool")
                    }
                }
            }
            y = try b.batchNorm(y, name: "norm5")
            return try b.activation(y, .relu, name: "relu5")
        }
        return try b.classifierHead(y, classes: classes, name: "classifier")
    }
}
