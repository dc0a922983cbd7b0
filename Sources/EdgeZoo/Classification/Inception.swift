import EdgeIR

/// Inception v1 (GoogLeNet, Szegedy et al. 2015) and Inception v3 (Szegedy et al. 2016) as torchvision
/// builds them for inference: every conv is conv → BN → ReLU, auxiliary classifiers are left out
/// (they are dropped at inference), and GoogLeNet's "5×5" branch uses a 3×3 conv as torchvision's and
/// TF-slim's ports do.
enum Inception {
    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "inception_v1", family: "Inception",
            summary: "Inception v1 / GoogLeNet (torchvision, BN, no auxiliary heads); Coral/Hailo \"Inception v1\"",
            parameters: [Classification.input(224, 32...1024), Classification.classes],
            published: PublishedFigure(parameters: 6_624_904, gmacs: 1.50,
                                       source: "torchvision models table, GoogLeNet_Weights.IMAGENET1K_V1: 6,624,904 params, 1.50 GFLOPS (MACs)")
        ) { a in try v1(input: a.int("input"), classes: a.int("classes")) },
        Classification.entry(
            id: "inception_v3", family: "Inception",
            summary: "Inception v3 at 299 px (torchvision, no auxiliary head); Coral \"Inception V3\" (299 and 224 px)",
            parameters: [Classification.input(299, 75...1024), Classification.classes],
            published: PublishedFigure(parameters: 23_830_000, gmacs: 5.73,
                                       source: "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, inception_v3 at 299: 23.83 M params, 5.73 GMACs (torchvision's 27,161,264 includes the auxiliary head)")
        ) { a in try v3(input: a.int("input"), classes: a.int("classes")) },
    ]

    // MARK: Inception v1

    /// (1×1, 3×3 reduce, 3×3, "5×5" reduce, "5×5", pool projection) per module, from the paper's Table 1.
    static let v1Modules: [(String, [Int])] = [
        ("inception3a", [64, 96, 128, 16, 32, 32]), ("inception3b", [128, 128, 192, 32, 96, 64]),
        ("inception4a", [192, 96, 208, 16, 48, 64]), ("inception4b", [160, 112, 224, 24, 64, 64]),
        ("inception4c", [128, 128, 256, 24, 64, 64]), ("inception4d", [112, 144, 288, 32, 64, 64]),
        ("inception4e", [256, 160, 320, 32, 128, 128]), ("inception5a", [256, 160, 320, 32, 128, 128]),
        ("inception5b", [384, 192, 384, 48, 128, 128]),
    ]

    static func v1(input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "inception_v1")
        var y = b.imageInput(height: input, width: input)
        y = try b.basicConv(y, out: 64, kernel: 7, stride: 2, padding: 3, name: "conv1")
        y = try b.maxPool(y, kernel: 3, stride: 2, ceil: true, name: "maxpool1")
        y = try b.basicConv(y, out: 64, kernel: 1, name: "conv2")
        y = try b.basicConv(y, out: 192, kernel: 3, padding: 1, name: "conv3")
        y = try b.maxPool(y, kernel: 3, stride: 2, ceil: true, name: "maxpool2")
        for (name, c) in v1Modules {
            if name == "inception4a" { y = try b.maxPool(y, kernel: 3, stride: 2, ceil: true, name: "maxpool3") }
            if name == "inception5a" { y = try b.maxPool(y, kernel: 2, stride: 2, ceil: true, name: "maxpool4") }
            y = try b.scope(name) { b in
                let b1 = try b.basicConv(y, out: c[0], kernel: 1, name: "branch1")
                var b2 = try b.basicConv(y, out: c[1], kernel: 1, name: "branch2.0")
                b2 = try b.basicConv(b2, out: c[2], kernel: 3, padding: 1, name: "branch2.1")
                var b3 = try b.basicConv(y, out: c[3], kernel: 1, name: "branch3.0")
                b3 = try b.basicConv(b3, out: c[4], kernel: 3, padding: 1, name: "branch3.1")
                var b4 = try b.maxPool(y, kernel: 3, stride: 1, padding: 1, ceil: true, name: "branch4.0")
                b4 = try b.basicConv(b4, out: c[5], kernel: 1, name: "branch4.1")
                return try b.concat([b1, b2, b3, b4])
            }
        }
        return try b.classifierHead(y, classes: classes, name: "fc")
    }

    // MARK: Inception v3

    static func v3(input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "inception_v3")
        var y = b.imageInput(height: input, width: input)
        y = try b.basicConv(y, out: 32, kernel: 3, stride: 2, name: "Conv2d_1a_3x3")
        y = try b.basicConv(y, out: 32, kernel: 3, name: "Conv2d_2a_3x3")
        y = try b.basicConv(y, out: 64, kernel: 3, padding: 1, name: "Conv2d_2b_3x3")
        y = try b.maxPool(y, kernel: 3, stride: 2, name: "maxpool1")
        y = try b.basicConv(y, out: 80, kernel: 1, name: "Conv2d_3b_1x1")
        y = try b.basicConv(y, out: 192, kernel: 3, name: "Conv2d_4a_3x3")
        y = try b.maxPool(y, kernel: 3, stride: 2, name: "maxpool2")
        for (name, pool) in [("Mixed_5b", 32), ("Mixed_5c", 64), ("Mixed_5d", 64)] {
            y = try b.scope(name) { b in try b.inceptionV3A(y, poolFeatures: pool) }
        }
        y = try b.scope("Mixed_6a") { b in try b.inceptionV3B(y) }
        for (name, c7) in [("Mixed_6b", 128), ("Mixed_6c", 160), ("Mixed_6d", 160), ("Mixed_6e", 192)] {
            y = try b.scope(name) { b in try b.inceptionV3C(y, c7: c7) }
        }
        y = try b.scope("Mixed_7a") { b in try b.inceptionV3D(y) }
        for name in ["Mixed_7b", "Mixed_7c"] {
            y = try b.scope(name) { b in try b.inceptionV3E(y) }
        }
        return try b.classifierHead(y, classes: classes, name: "fc")
    }
}

extension GraphBuilder {
    /// Conv (no bias) → BatchNorm → ReLU with torchvision's `BasicConv2d` names (`conv`, `bn`).
    @discardableResult
    mutating func basicConv(_ x: String, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                            name: String) throws -> String {
        try basicConv(x, out: out, kernel: (kernel, kernel), stride: stride, padding: (padding, padding), name: name)
    }

    /// Rectangular-kernel `BasicConv2d`; `padding` is (height, width).
    @discardableResult
    mutating func basicConv(_ x: String, out: Int, kernel: (Int, Int), stride: Int = 1, padding: (Int, Int),
                            name: String) throws -> String {
        try scope(name) { b in
            var y = try b.conv(x, out: out, kernel: kernel, stride: (stride, stride),
                               padding: (padding.0, padding.1, padding.0, padding.1), name: "conv")
            y = try b.batchNorm(y, name: "bn")
            return try b.activation(y, .relu)
        }
    }

    /// Global average pool → flatten → linear, marks the logits as the output and finishes the graph.
    mutating func classifierHead(_ x: String, classes: Int, name: String) throws -> Graph {
        var y = try globalAvgPool(x)
        y = try flatten(y)
        y = try linear(y, out: classes, name: name)
        output(y)
        return try finish()
    }

    fileprivate mutating func inceptionV3A(_ x: String, poolFeatures: Int) throws -> String {
        let b1 = try basicConv(x, out: 64, kernel: 1, name: "branch1x1")
        var b5 = try basicConv(x, out: 48, kernel: 1, name: "branch5x5_1")
        b5 = try basicConv(b5, out: 64, kernel: 5, padding: 2, name: "branch5x5_2")
        var b3 = try basicConv(x, out: 64, kernel: 1, name: "branch3x3dbl_1")
        b3 = try basicConv(b3, out: 96, kernel: 3, padding: 1, name: "branch3x3dbl_2")
        b3 = try basicConv(b3, out: 96, kernel: 3, padding: 1, name: "branch3x3dbl_3")
        var bp = try avgPool(x, kernel: 3, stride: 1, padding: 1, name: "branch_pool_avg")
        bp = try basicConv(bp, out: poolFeatures, kernel: 1, name: "branch_pool")
        return try concat([b1, b5, b3, bp])
    }

    fileprivate mutating func inceptionV3B(_ x: String) throws -> String {
        let b3 = try basicConv(x, out: 384, kernel: 3, stride: 2, name: "branch3x3")
        var bd = try basicConv(x, out: 64, kernel: 1, name: "branch3x3dbl_1")
        bd = try basicConv(bd, out: 96, kernel: 3, padding: 1, name: "branch3x3dbl_2")
        bd = try basicConv(bd, out: 96, kernel: 3, stride: 2, name: "branch3x3dbl_3")
        let bp = try maxPool(x, kernel: 3, stride: 2, name: "branch_pool")
        return try concat([b3, bd, bp])
    }

    fileprivate mutating func inceptionV3C(_ x: String, c7: Int) throws -> String {
        let b1 = try basicConv(x, out: 192, kernel: 1, name: "branch1x1")
        var b7 = try basicConv(x, out: c7, kernel: 1, name: "branch7x7_1")
        b7 = try basicConv(b7, out: c7, kernel: (1, 7), padding: (0, 3), name: "branch7x7_2")
        b7 = try basicConv(b7, out: 192, kernel: (7, 1), padding: (3, 0), name: "branch7x7_3")
        var bd = try basicConv(x, out: c7, kernel: 1, name: "branch7x7dbl_1")
        bd = try basicConv(bd, out: c7, kernel: (7, 1), padding: (3, 0), name: "branch7x7dbl_2")
        bd = try basicConv(bd, out: c7, kernel: (1, 7), padding: (0, 3), name: "branch7x7dbl_3")
        bd = try basicConv(bd, out: c7, kernel: (7, 1), padding: (3, 0), name: "branch7x7dbl_4")
        bd = try basicConv(bd, out: 192, kernel: (1, 7), padding: (0, 3), name: "branch7x7dbl_5")
        var bp = try avgPool(x, kernel: 3, stride: 1, padding: 1, name: "branch_pool_avg")
        bp = try basicConv(bp, out: 192, kernel: 1, name: "branch_pool")
        return try concat([b1, b7, bd, bp])
    }

    fileprivate mutating func inceptionV3D(_ x: String) throws -> String {
        var b3 = try basicConv(x, out: 192, kernel: 1, name: "branch3x3_1")
        b3 = try basicConv(b3, out: 320, kernel: 3, stride: 2, name: "branch3x3_2")
        var b7 = try basicConv(x, out: 192, kernel: 1, name: "branch7x7x3_1")
        b7 = try basicConv(b7, out: 192, kernel: (1, 7), padding: (0, 3), name: "branch7x7x3_2")
        b7 = try basicConv(b7, out: 192, kernel: (7, 1), padding: (3, 0), name: "branch7x7x3_3")
        b7 = try basicConv(b7, out: 192, kernel: 3, stride: 2, name: "branch7x7x3_4")
        let bp = try maxPool(x, kernel: 3, stride: 2, name: "branch_pool")
        return try concat([b3, b7, bp])
    }

    fileprivate mutating func inceptionV3E(_ x: String) throws -> String {
        let b1 = try basicConv(x, out: 320, kernel: 1, name: "branch1x1")
        let b3 = try basicConv(x, out: 384, kernel: 1, name: "branch3x3_1")
        let b3a = try basicConv(b3, out: 384, kernel: (1, 3), padding: (0, 1), name: "branch3x3_2a")
        let b3b = try basicConv(b3, out: 384, kernel: (3, 1), padding: (1, 0), name: "branch3x3_2b")
        var bd = try basicConv(x, out: 448, kernel: 1, name: "branch3x3dbl_1")
        bd = try basicConv(bd, out: 384, kernel: 3, padding: 1, name: "branch3x3dbl_2")
        let bda = try basicConv(bd, out: 384, kernel: (1, 3), padding: (0, 1), name: "branch3x3dbl_3a")
        let bdb = try basicConv(bd, out: 384, kernel: (3, 1), padding: (1, 0), name: "branch3x3dbl_3b")
        var bp = try avgPool(x, kernel: 3, stride: 1, padding: 1, name: "branch_pool_avg")
        bp = try basicConv(bp, out: 192, kernel: 1, name: "branch_pool")
        return try concat([b1, b3a, b3b, bda, bdb, bp])
    }
}
