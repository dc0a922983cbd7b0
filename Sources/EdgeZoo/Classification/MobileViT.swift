import EdgeIR

/// MobileViT v2 (Mehta & Rastegari 2022, "Separable Self-attention for Mobile Vision Transformers") as
/// timm builds it from Apple's ml-cvnets.
///
/// Five stages of inverted residuals (expansion 2, SiLU); stages 3–5 add a MobileViT v2 block: a
/// depthwise 3×3 and a 1×1 into `d = width/2` channels, unfold into 2×2 patches `[N, d, 4, patches]`,
/// linear transformer blocks (GroupNorm(1) → separable self-attention → GroupNorm(1) → 1×1 MLP), fold
/// back and project with a 1×1 conv. Channels scale as `Int(c · width)`.
enum MobileViT {
    static let baseChannels = [64, 128, 256, 384, 512]
    static let transformerDepths = [2, 4, 3]

    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "mobilevit_v2", family: "MobileViT",
            summary: "MobileViT v2 1.0 at 256 px (timm / ml-cvnets; width 0.5–2.0); Apple \"MobileViTv2-1.0\" (224 px)",
            parameters: [Classification.width(1.0, 0.5...2.0), Classification.input(256, 64...1024), Classification.classes],
            published: PublishedFigure(parameters: 4_900_000, gmacs: 1.84,
                                       source: "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, mobilevitv2_100 at 256: 4.90 M params, 1.84 GMACs (paper: 4.9 M, 1.8 G)")
        ) { a in
            try graph(width: a.double("width"), input: a.int("input"), classes: a.int("classes"))
        },
    ]

    static func graph(width: Double, input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "mobilevit_v2")
        var y = b.imageInput(height: input, width: input)
        let chs = baseChannels.map { Int(Double($0) * width) }
        y = try b.convBN(y, out: Int(32 * width), kernel: 3, stride: 2, activation: .silu, name: "stem")
        y = try b.mobileViTInvertedResidual(y, out: chs[0], stride: 1, name: "stages.0.0")
        y = try b.mobileViTInvertedResidual(y, out: chs[1], stride: 2, name: "stages.1.0")
        y = try b.mobileViTInvertedResidual(y, out: chs[1], stride: 1, name: "stages.1.1")
        for (k, depth) in transformerDepths.enumerated() {
            y = try b.mobileViTInvertedResidual(y, out: chs[k + 2], stride: 2, name: "stages.\(k + 2).0")
            y = try b.scope("stages.\(k + 2).1") { b in try b.mobileViTV2Block(y, depth: depth) }
        }
        return try b.classifierHead(y, classes: classes, name: "head.fc")
    }
}

extension GraphBuilder {
    /// timm's `BottleneckBlock` as MobileViT uses it: 1×1 expand ×2 → depthwise 3×3 → linear 1×1, with
    /// an identity shortcut only when shape is unchanged (no projection shortcut).
    fileprivate mutating func mobileViTInvertedResidual(_ x: String, out: Int, stride: Int, name: String) throws -> String {
        let cin = dims(of: x)[1]
        let mid = makeDivisible(Double(cin) * 2)
        return try scope(name) { b in
            var y = try b.convBN(x, out: mid, kernel: 1, activation: .silu, name: "conv1_1x1")
            y = try b.convBN(y, out: mid, kernel: 3, stride: stride, groups: mid, activation: .silu, name: "conv2_kxk")
            y = try b.convBN(y, out: out, kernel: 1, activation: nil, name: "conv3_1x1")
            return stride == 1 && cin == out ? try b.add(x, y) : y
        }
    }

    /// GroupNorm with one group over `[N, C, …]` (timm's `GroupNorm1`).
    private mutating func groupNorm1(_ x: String, name: String) throws -> String {
        let c = dims(of: x)[1]
        return try scope(name) { b in
            let w = b.weight("weight", .float32, Shape([c]))
            let bias = b.weight("bias", .float32, Shape([c]))
            return try b.apply("GroupNormalization", [x, w, bias], ["num_groups": .int(1), "epsilon": .float(1e-5)], name: "")
        }
    }

    fileprivate mutating func mobileViTV2Block(_ x: String, depth: Int) throws -> String {
        let d0 = dims(of: x)
        let (c, h, w) = (d0[1], d0[2], d0[3])
        let dim = makeDivisible(0.5 * Double(c))
        let patch = 2
        var y = x
        let (nh, nw) = ((h + patch - 1) / patch, (w + patch - 1) / patch)
        if nh * patch != h || nw * patch != w {
            // timm resizes (bilinear) to a whole number of patches, e.g. 7×7 → 8×8 at 224 px.
            let sizes = ints("resize_sizes", [Int64(nh * patch), Int64(nw * patch)])
            y = try apply("Resize", [y, "", "", sizes], ["mode": .string("linear"), "axes": .ints([2, 3])], name: "resize")
        }
        y = try convBN(y, out: c, kernel: 3, groups: c, activation: .silu, name: "conv_kxk")
        y = try conv(y, out: dim, kernel: 1, name: "conv_1x1")
        // Unfold: [N, d, nh·2, nw·2] → [N, d, nh, 2, nw, 2] → [N, d, 2, 2, nh, nw] → [N, d, 4, nh·nw].
        let p = Int64(patch), d = Int64(dim), n = Int64(nh * nw)
        y = try reshape(y, [0, d, Int64(nh), p, Int64(nw), p], name: "unfold_reshape")
        y = try transpose(y, [0, 1, 3, 5, 2, 4], name: "unfold_transpose")
        y = try reshape(y, [0, d, p * p, n], name: "unfold")
        for i in 0..<depth {
            y = try scope("transformer.\(i)") { b in
                var a = try b.groupNorm1(y, name: "norm1")
                a = try b.separableSelfAttention(a, dim: dim)
                var z = try b.add(y, a, name: "add1")
                var m = try b.groupNorm1(z, name: "norm2")
                m = try b.conv(m, out: 2 * dim, kernel: 1, bias: true, name: "mlp.fc1")
                m = try b.activation(m, .silu, name: "mlp.act")
                m = try b.conv(m, out: dim, kernel: 1, bias: true, name: "mlp.fc2")
                z = try b.add(z, m, name: "add2")
                return z
            }
        }
        y = try groupNorm1(y, name: "norm")
        // Fold: [N, d, 4, nh·nw] → [N, d, 2, 2, nh, nw] → [N, d, nh, 2, nw, 2] → [N, d, nh·2, nw·2].
        y = try reshape(y, [0, d, p, p, Int64(nh), Int64(nw)], name: "fold_reshape")
        y = try transpose(y, [0, 1, 4, 2, 5, 3], name: "fold_transpose")
        y = try reshape(y, [0, d, Int64(nh * patch), Int64(nw * patch)], name: "fold")
        return try convBN(y, out: c, kernel: 1, activation: nil, name: "conv_proj")
    }

    /// Separable self-attention: a 1×1 conv gives one query channel, keys and values; softmax over
    /// patches turns the query into context scores, the score-weighted key sum is a context vector,
    /// and ReLU(values) scaled by it goes through a 1×1 output projection. Linear in the patch count.
    private mutating func separableSelfAttention(_ x: String, dim: Int) throws -> String {
        try scope("attn") { b in
            let qkv = try b.conv(x, out: 1 + 2 * dim, kernel: 1, bias: true, name: "qkv_proj")
            let parts = try b.add(.split, [qkv], ["axis": .int(1), "split": .ints([1, dim, dim])], name: "split", outputs: 3)
            let scores = try b.softmax(parts[0], axis: -1)
            let weighted = try b.mul(parts[1], scores, name: "key_scores")
            let context = try b.apply("ReduceSum", [weighted, b.ints("axes", [-1])], ["keepdims": .int(1)], name: "context")
            let values = try b.activation(parts[2], .relu, name: "value_relu")
            let out = try b.mul(values, context, name: "value_context")
            return try b.conv(out, out: dim, kernel: 1, bias: true, name: "out_proj")
        }
    }
}
