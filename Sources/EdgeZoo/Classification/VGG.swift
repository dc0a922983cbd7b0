import EdgeIR

/// VGG-16 and VGG-19 (Simonyan & Zisserman 2015, configurations D and E) as torchvision builds them:
/// 3×3 convs with bias and ReLU, five 2×2 max pools, then the 25,088 → 4,096 → 4,096 → classes head.
enum VGG {
    static let entries: [ZooEntry] = [
        entry("vgg16", [2, 2, 3, 3, 3], "VGG-16 (torchvision, no BN); Coral \"VGG16\"",
              PublishedFigure(parameters: 138_357_544, gmacs: 15.47,
                              source: "torchvision models table, VGG16_Weights.IMAGENET1K_V1: 138,357,544 params, 15.47 GFLOPS (MACs)")),
        entry("vgg19", [2, 2, 4, 4, 4], "VGG-19 (torchvision, no BN); Coral \"VGG19\"",
              PublishedFigure(parameters: 143_667_240, gmacs: 19.63,
                              source: "torchvision models table, VGG19_Weights.IMAGENET1K_V1: 143,667,240 params, 19.63 GFLOPS (MACs)")),
    ]

    private static func entry(_ id: String, _ convs: [Int], _ summary: String, _ published: PublishedFigure) -> ZooEntry {
        Classification.entry(id: id, family: "VGG", summary: summary,
                             parameters: [Classification.input(224, 224...896), Classification.classes],
                             published: published) { a in
            let input = try a.int("input")
            // torchvision's AdaptiveAvgPool2d(7) is an exact average pool only when the 1/32 map is a multiple of 7.
            try a.require(input % 224 == 0, "input", "a multiple of 224 (the classifier expects a 7×7 map)")
            return try graph(convs: convs, input: input, classes: a.int("classes"), name: id)
        }
    }

    static func graph(convs: [Int], input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        var y = b.imageInput(height: input, width: input)
        var index = 0
        for (stage, count) in convs.enumerated() {
            let channels = min(64 << stage, 512)
            for _ in 0..<count {
                y = try b.conv(y, out: channels, kernel: 3, padding: 1, bias: true, name: "features.\(index)")
                y = try b.activation(y, .relu, name: "features.\(index + 1)")
                index += 2
            }
            y = try b.maxPool(y, kernel: 2, stride: 2, name: "features.\(index)")
            index += 1
        }
        let side = input / 32
        if side > 7 { y = try b.avgPool(y, kernel: side / 7, stride: side / 7) }
        y = try b.flatten(y)
        y = try b.linear(y, out: 4096, name: "classifier.0")
        y = try b.activation(y, .relu, name: "classifier.1")
        y = try b.linear(y, out: 4096, name: "classifier.3")
        y = try b.activation(y, .relu, name: "classifier.4")
        y = try b.linear(y, out: classes, name: "classifier.6")
        b.output(y)
        return try b.finish()
    }
}
