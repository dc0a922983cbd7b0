import EdgeIR

/// Inception v4 and Inception-ResNet v2 (Szegedy et al. 2017) as timm builds them from the TF
/// reference: valid-padded stem, conv → BN → ReLU everywhere, 1,536 features before the classifier.
/// Inception-ResNet's residual branches end in a biased 1×1 conv whose output is scaled (0.17, 0.10,
/// 0.20) before the shortcut add; each scale is a one-element constant, so the 40 residual blocks add
/// 40 to the parameter count (0.00007 % of it).
enum InceptionV4 {
    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "inception_v4", family: "Inception", summary: "Inception v4 at 299 px (timm); Coral \"Inception v4\"",
            parameters: [Classification.input(299, 75...1024), Classification.classes],
            published: PublishedFigure(parameters: 42_680_000, gmacs: 12.28,
                                       source: "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, inception_v4 at 299: 42.68 M params, 12.28 GMACs")
        ) { a in try v4(input: a.int("input"), classes: a.int("classes")) },
        Classification.entry(
            id: "inception_resnet_v2", family: "Inception",
            summary: "Inception-ResNet v2 at 299 px (timm); Coral \"Inception-ResNet V2\"",
            parameters: [Classification.input(299, 75...1024), Classification.classes],
            published: PublishedFigure(parameters: 55_840_000, gmacs: 13.18,
                                       source: "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, inception_resnet_v2 at 299: 55.84 M params, 13.18 GMACs")
        ) { a in try resNetV2(input: a.int("input"), classes: a.int("classes")) },
    ]

    // MARK: Inception v4

    static func v4(input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "inception_v4")
        var y = b.imageInput(height: input, width: input)
        y = try b.basicConv(y, out: 32, kernel: 3, stride: 2, name: "features.0")
        y = try b.basicConv(y, out: 32, kernel: 3, name: "features.1")
        y = try b.basicConv(y, out: 64, kernel: 3, padding: 1, name: "features.2")
        y = try b.scope("features.3") { b in  // Mixed3a
            try b.concat([try b.maxPool(y, kernel: 3, stride: 2), try b.basicConv(y, out: 96, kernel: 3, stride: 2, name: "conv")])
        }
        y = try b.scope("features.4") { b in  // Mixed4a
            var b0 = try b.basicConv(y, out: 64, kernel: 1, name: "branch0.0")
            b0 = try b.basicConv(b0, out: 96, kernel: 3, name: "branch0.1")
            var b1 = try b.basicConv(y, out: 64, kernel: 1, name: "branch1.0")
            b1 = try b.basicConv(b1, out: 64, kernel: (1, 7), padding: (0, 3), name: "branch1.1")
            b1 = try b.basicConv(b1, out: 64, kernel: (7, 1), padding: (3, 0), name: "branch1.2")
            b1 = try b.basicConv(b1, out: 96, kernel: 3, name: "branch1.3")
            return try b.concat([b0, b1])
        }
        y = try b.scope("features.5") { b in  // Mixed5a
            try b.concat([try b.basicConv(y, out: 192, kernel: 3, stride: 2, name: "conv"), try b.maxPool(y, kernel: 3, stride: 2)])
        }
        var index = 6
        func module(_ body: (inout GraphBuilder, String) throws -> String) throws {
            y = try b.scope("features.\(index)") { b in try body(&b, y) }
            index += 1
        }
        for _ in 0..<4 { try module { b, x in try b.inceptionV4A(x) } }
        try module { b, x in try b.reduction(x, [384], [192, 224, 256]) }  // ReductionA
        for _ in 0..<7 { try module { b, x in try b.inceptionV4B(x) } }
        try module { b, x in try b.inceptionV4ReductionB(x) }
        for _ in 0..<3 { try module { b, x in try b.inceptionV4C(x) } }
        return try b.classifierHead(y, classes: classes, name: "last_linear")
    }

    // MARK: Inception-ResNet v2

    static func resNetV2(input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "inception_resnet_v2")
        var y = b.imageInput(height: input, width: input)
        y = try b.basicConv(y, out: 32, kernel: 3, stride: 2, name: "conv2d_1a")
        y = try b.basicConv(y, out: 32, kernel: 3, name: "conv2d_2a")
        y = try b.basicConv(y, out: 64, kernel: 3, padding: 1, name: "conv2d_2b")
        y = try b.maxPool(y, kernel: 3, stride: 2, name: "maxpool_3a")
        y = try b.basicConv(y, out: 80, kernel: 1, name: "conv2d_3b")
        y = try b.basicConv(y, out: 192, kernel: 3, name: "conv2d_4a")
        y = try b.maxPool(y, kernel: 3, stride: 2, name: "maxpool_5a")
        y = try b.scope("mixed_5b") { b in
            let b0 = try b.basicConv(y, out: 96, kernel: 1, name: "branch0")
            var b1 = try b.basicConv(y, out: 48, kernel: 1, name: "branch1.0")
            b1 = try b.basicConv(b1, out: 64, kernel: 5, padding: 2, name: "branch1.1")
            var b2 = try b.basicConv(y, out: 64, kernel: 1, name: "branch2.0")
            b2 = try b.basicConv(b2, out: 96, kernel: 3, padding: 1, name: "branch2.1")
            b2 = try b.basicConv(b2, out: 96, kernel: 3, padding: 1, name: "branch2.2")
            var b3 = try b.avgPool(y, kernel: 3, stride: 1, padding: 1, name: "branch3.0")
            b3 = try b.basicConv(b3, out: 64, kernel: 1, name: "branch3.1")
            return try b.concat([b0, b1, b2, b3])
        }
        for i in 0..<10 { y = try b.scope("repeat.\(i)") { b in try b.block35(y) } }
        y = try b.scope("mixed_6a") { b in try b.reduction(y, [384], [256, 256, 384]) }
        for i in 0..<20 { y = try b.scope("repeat_1.\(i)") { b in try b.block17(y) } }
        y = try b.scope("mixed_7a") { b in
            var b0 = try b.basicConv(y, out: 256, kernel: 1, name: "branch0.0")
            b0 = try b.basicConv(b0, out: 384, kernel: 3, stride: 2, name: "branch0.1")
            var b1 = try b.basicConv(y, out: 256, kernel: 1, name: "branch1.0")
            b1 = try b.basicConv(b1, out: 288, kernel: 3, stride: 2, name: "branch1.1")
            var b2 = try b.basicConv(y, out: 256, kernel: 1, name: "branch2.0")
            b2 = try b.basicConv(b2, out: 288, kernel: 3, padding: 1, name: "branch2.1")
            b2 = try b.basicConv(b2, out: 320, kernel: 3, stride: 2, name: "branch2.2")
            return try b.concat([b0, b1, b2, try b.maxPool(y, kernel: 3, stride: 2, name: "branch3")])
        }
        for i in 0..<10 { y = try b.scope(i < 9 ? "repeat_2.\(i)" : "block8") { b in try b.block8(y, relu: i < 9) } }
        y = try b.basicConv(y, out: 1536, kernel: 1, name: "conv2d_7b")
        return try b.classifierHead(y, classes: classes, name: "classif")
    }
}

extension GraphBuilder {
    /// A stride-2 reduction: a 3×3/2 conv branch, a 1×1 → … → 3×3/2 branch and a 3×3/2 max pool.
    /// `a` and `b` list each branch's output channels (Inception v4's ReductionA, Inception-ResNet's Mixed_6a).
    fileprivate mutating func reduction(_ x: String, _ a: [Int], _ b: [Int]) throws -> String {
        let b0 = try basicConv(x, out: a[0], kernel: 3, stride: 2, name: "branch0")
        var b1 = try basicConv(x, out: b[0], kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: b[1], kernel: 3, padding: 1, name: "branch1.1")
        b1 = try basicConv(b1, out: b[2], kernel: 3, stride: 2, name: "branch1.2")
        return try concat([b0, b1, try maxPool(x, kernel: 3, stride: 2, name: "branch2")])
    }

    fileprivate mutating func inceptionV4A(_ x: String) throws -> String {
        let b0 = try basicConv(x, out: 96, kernel: 1, name: "branch0")
        var b1 = try basicConv(x, out: 64, kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: 96, kernel: 3, padding: 1, name: "branch1.1")
        var b2 = try basicConv(x, out: 64, kernel: 1, name: "branch2.0")
        b2 = try basicConv(b2, out: 96, kernel: 3, padding: 1, name: "branch2.1")
        b2 = try basicConv(b2, out: 96, kernel: 3, padding: 1, name: "branch2.2")
        var b3 = try avgPool(x, kernel: 3, stride: 1, padding: 1, name: "branch3.0")
        b3 = try basicConv(b3, out: 96, kernel: 1, name: "branch3.1")
        return try concat([b0, b1, b2, b3])
    }

    fileprivate mutating func inceptionV4B(_ x: String) throws -> String {
        let b0 = try basicConv(x, out: 384, kernel: 1, name: "branch0")
        var b1 = try basicConv(x, out: 192, kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: 224, kernel: (1, 7), padding: (0, 3), name: "branch1.1")
        b1 = try basicConv(b1, out: 256, kernel: (7, 1), padding: (3, 0), name: "branch1.2")
        var b2 = try basicConv(x, out: 192, kernel: 1, name: "branch2.0")
        b2 = try basicConv(b2, out: 192, kernel: (7, 1), padding: (3, 0), name: "branch2.1")
        b2 = try basicConv(b2, out: 224, kernel: (1, 7), padding: (0, 3), name: "branch2.2")
        b2 = try basicConv(b2, out: 224, kernel: (7, 1), padding: (3, 0), name: "branch2.3")
        b2 = try basicConv(b2, out: 256, kernel: (1, 7), padding: (0, 3), name: "branch2.4")
        var b3 = try avgPool(x, kernel: 3, stride: 1, padding: 1, name: "branch3.0")
        b3 = try basicConv(b3, out: 128, kernel: 1, name: "branch3.1")
        return try concat([b0, b1, b2, b3])
    }

    fileprivate mutating func inceptionV4ReductionB(_ x: String) throws -> String {
        var b0 = try basicConv(x, out: 192, kernel: 1, name: "branch0.0")
        b0 = try basicConv(b0, out: 192, kernel: 3, stride: 2, name: "branch0.1")
        var b1 = try basicConv(x, out: 256, kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: 256, kernel: (1, 7), padding: (0, 3), name: "branch1.1")
        b1 = try basicConv(b1, out: 320, kernel: (7, 1), padding: (3, 0), name: "branch1.2")
        b1 = try basicConv(b1, out: 320, kernel: 3, stride: 2, name: "branch1.3")
        return try concat([b0, b1, try maxPool(x, kernel: 3, stride: 2, name: "branch2")])
    }

    fileprivate mutating func inceptionV4C(_ x: String) throws -> String {
        let b0 = try basicConv(x, out: 256, kernel: 1, name: "branch0")
        let b1 = try basicConv(x, out: 384, kernel: 1, name: "branch1_0")
        let b1a = try basicConv(b1, out: 256, kernel: (1, 3), padding: (0, 1), name: "branch1_1a")
        let b1b = try basicConv(b1, out: 256, kernel: (3, 1), padding: (1, 0), name: "branch1_1b")
        var b2 = try basicConv(x, out: 384, kernel: 1, name: "branch2_0")
        b2 = try basicConv(b2, out: 448, kernel: (3, 1), padding: (1, 0), name: "branch2_1")
        b2 = try basicConv(b2, out: 512, kernel: (1, 3), padding: (0, 1), name: "branch2_2")
        let b2a = try basicConv(b2, out: 256, kernel: (1, 3), padding: (0, 1), name: "branch2_3a")
        let b2b = try basicConv(b2, out: 256, kernel: (3, 1), padding: (1, 0), name: "branch2_3b")
        var b3 = try avgPool(x, kernel: 3, stride: 1, padding: 1, name: "branch3.0")
        b3 = try basicConv(b3, out: 256, kernel: 1, name: "branch3.1")
        return try concat([b0, b1a, b1b, b2a, b2b, b3])
    }

    /// Concatenated branches → biased 1×1 `conv2d` back to the input width → × scale → + input (→ ReLU).
    private mutating func scaledResidual(_ x: String, _ branches: [String], scale: Float, relu: Bool) throws -> String {
        var y = try concat(branches)
        y = try conv(y, out: dims(of: x)[1], kernel: 1, bias: true, name: "conv2d")
        y = try mul(y, floats("scale", [scale]), name: "scale")
        y = try add(y, x)
        return relu ? try activation(y, .relu) : y
    }

    fileprivate mutating func block35(_ x: String) throws -> String {
        let b0 = try basicConv(x, out: 32, kernel: 1, name: "branch0")
        var b1 = try basicConv(x, out: 32, kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: 32, kernel: 3, padding: 1, name: "branch1.1")
        var b2 = try basicConv(x, out: 32, kernel: 1, name: "branch2.0")
        b2 = try basicConv(b2, out: 48, kernel: 3, padding: 1, name: "branch2.1")
        b2 = try basicConv(b2, out: 64, kernel: 3, padding: 1, name: "branch2.2")
        return try scaledResidual(x, [b0, b1, b2], scale: 0.17, relu: true)
    }

    fileprivate mutating func block17(_ x: String) throws -> String {
        let b0 = try basicConv(x, out: 192, kernel: 1, name: "branch0")
        var b1 = try basicConv(x, out: 128, kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: 160, kernel: (1, 7), padding: (0, 3), name: "branch1.1")
        b1 = try basicConv(b1, out: 192, kernel: (7, 1), padding: (3, 0), name: "branch1.2")
        return try scaledResidual(x, [b0, b1], scale: 0.10, relu: true)
    }

    fileprivate mutating func block8(_ x: String, relu: Bool) throws -> String {
        let b0 = try basicConv(x, out: 192, kernel: 1, name: "branch0")
        var b1 = try basicConv(x, out: 192, kernel: 1, name: "branch1.0")
        b1 = try basicConv(b1, out: 224, kernel: (1, 3), padding: (0, 1), name: "branch1.1")
        b1 = try basicConv(b1, out: 256, kernel: (3, 1), padding: (1, 0), name: "branch1.2")
        return try scaledResidual(x, [b0, b1], scale: relu ? 0.20 : 1.0, relu: relu)
    }
}
