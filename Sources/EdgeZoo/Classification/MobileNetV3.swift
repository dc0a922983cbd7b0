import EdgeIR

/// MobileNet v3 small and large (Howard et al. 2019) as torchvision builds them: inverted residuals
/// with optional squeeze-excitation (hard-sigmoid gate) and ReLU or hard-swish.
enum MobileNetV3 {
    /// One bottleneck row of the paper's Tables 1 and 2.
    struct Block {
        let input: Int, kernel: Int, expanded: Int, out: Int, se: Bool, hardSwish: Bool, stride: Int
        init(_ input: Int, _ kernel: Int, _ expanded: Int, _ out: Int, _ se: Bool, _ hs: Bool, _ stride: Int) {
            self.input = input; self.kernel = kernel; self.expanded = expanded; self.out = out
            self.se = se; self.hardSwish = hs; self.stride = stride
        }
    }

    static let large: [Block] = [
        Block(16, 3, 16, 16, false, false, 1), Block(16, 3, 64, 24, false, false, 2), Block(24, 3, 72, 24, false, false, 1),
        Block(24, 5, 72, 40, true, false, 2), Block(40, 5, 120, 40, true, false, 1), Block(40, 5, 120, 40, true, false, 1),
        Block(40, 3, 240, 80, false, true, 2), Block(80, 3, 200, 80, false, true, 1), Block(80, 3, 184, 80, false, true, 1),
        Block(80, 3, 184, 80, false, true, 1), Block(80, 3, 480, 112, true, true, 1), Block(112, 3, 672, 112, true, true, 1),
        Block(112, 5, 672, 160, true, true, 2), Block(160, 5, 960, 160, true, true, 1), Block(160, 5, 960, 160, true, true, 1),
    ]

    static let small: [Block] = [
        Block(16, 3, 16, 16, true, false, 2), Block(16, 3, 72, 24, false, false, 2), Block(24, 3, 88, 24, false, false, 1),
        Block(24, 5, 96, 40, true, true, 2), Block(40, 5, 240, 40, true, true, 1), Block(40, 5, 240, 40, true, true, 1),
        Block(40, 5, 120, 48, true, true, 1), Block(48, 5, 144, 48, true, true, 1), Block(48, 5, 288, 96, true, true, 2),
        Block(96, 5, 576, 96, true, true, 1), Block(96, 5, 576, 96, true, true, 1),
    ]

    static let entries: [ZooEntry] = [
        entry(id: "mobilenet_v3_large", blocks: large, lastChannel: 1280,
              published: PublishedFigure(parameters: 5_483_032, gmacs: 0.22,
                                         source: "torchvision models table, MobileNet_V3_Large_Weights.IMAGENET1K_V1: 5,483,032 params, 0.22 GFLOPS (MACs)")),
        entry(id: "mobilenet_v3_small", blocks: small, lastChannel: 1024,
              published: PublishedFigure(parameters: 2_542_856, gmacs: 0.056,
                                         source: "torchvision models table, MobileNet_V3_Small_Weights.IMAGENET1K_V1: 2,542,856 params (its 0.06 GFLOPS is rounded to 2 decimals); MACs: Howard et al. 2019 (arXiv:1905.02244) Table 3, MobileNetV3-Small 1.0: 56 M MAdds")),
    ]

    private static func entry(id: String, blocks: [Block], lastChannel: Int, published: PublishedFigure) -> ZooEntry {
        let variant = id.hasSuffix("large") ? "large" : "small"
        return Classification.entry(
            id: id, family: "MobileNet", summary: "MobileNet v3 \(variant) 1.0-224 (torchvision)",
            parameters: [Classification.width(1.0, 0.1...2.0), Classification.input(224, 32...1024), Classification.classes],
            published: published
        ) { a in
            try graph(blocks: blocks, lastChannel: lastChannel, width: a.double("width"), input: a.int("input"),
                      classes: a.int("classes"), name: id)
        }
    }

    static func graph(blocks: [Block], lastChannel: Int, width: Double, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let x = b.imageInput(height: input, width: input)
        var y = try b.mobileNetV3Features(x, blocks: blocks, width: width).last ?? x
        y = try b.globalAvgPool(y)
        y = try b.flatten(y)
        y = try b.linear(y, out: makeDivisible(Double(lastChannel) * width), name: "classifier.0")
        y = try b.activation(y, .hardSwish, name: "classifier.1")
        y = try b.linear(y, out: classes, name: "classifier.3")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// The MobileNet v3 feature extractor (stem, bottlenecks, final 1×1 conv); returns every stage output.
    mutating func mobileNetV3Features(_ x: String, blocks: [MobileNetV3.Block], width: Double) throws -> [String] {
        func adjust(_ c: Int) -> Int { makeDivisible(Double(c) * width) }
        var y = try convBN(x, out: adjust(blocks[0].input), kernel: 3, stride: 2, activation: .hardSwish, name: "features.0")
        var outs = [y]
        for (i, blk) in blocks.enumerated() {
            y = try scope("features.\(i + 1)") { b in
                let cin = b.dims(of: y)[1]
                let exp = adjust(blk.expanded), out = adjust(blk.out)
                let act: Activation = blk.hardSwish ? .hardSwish : .relu
                var z = y
                var k = 0
                if exp != cin {
                    z = try b.convBN(z, out: exp, kernel: 1, activation: act, name: "block.\(k)")
                    k += 1
                }
                z = try b.convBN(z, out: exp, kernel: blk.kernel, stride: blk.stride, groups: exp, activation: act,
                                 name: "block.\(k)")
                k += 1
                if blk.se {
                    z = try b.squeezeExcite(z, squeeze: makeDivisible(Double(exp / 4)), gate: .hardSigmoid, name: "block.\(k)")
                    k += 1
                }
                z = try b.convBN(z, out: out, kernel: 1, activation: nil, name: "block.\(k)")
                if blk.stride == 1 && cin == out { z = try b.add(y, z) }
                return z
            }
            outs.append(y)
        }
        let last = 6 * (dims(of: y)[1])
        y = try convBN(y, out: last, kernel: 1, activation: .hardSwish, name: "features.\(blocks.count + 1)")
        outs.append(y)
        return outs
    }
}
