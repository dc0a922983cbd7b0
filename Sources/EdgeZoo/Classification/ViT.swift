import EdgeIR

/// Vision Transformer (Dosovitskiy et al. 2021) with the DeiT sizes (Touvron et al. 2021): 16×16 patch
/// embedding, a class token and learned position embeddings, pre-norm encoder blocks (LayerNorm →
/// multi-head attention → LayerNorm → GELU MLP ×4), final LayerNorm and a linear head on the class token.
///
/// The class token is placed by zero-padding the patch sequence at position 0 and adding the class
/// token (zero-padded to the sequence length) with the position embedding — the same values as
/// concatenating, without needing the batch size to expand the token.
enum ViT {
    struct Size: Sendable {
        let dim: Int, depth: Int, heads: Int
    }

    static let entries: [ZooEntry] = [
        entry("vit_tiny", Size(dim: 192, depth: 12, heads: 3), "ViT-Ti/16 (DeiT-Tiny sizes, timm vit_tiny_patch16_224); closest to Hailo vit_tiny_bn",
              PublishedFigure(parameters: 5_720_000, gmacs: 1.26,
                              source: "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, vit_tiny_patch16_224: 5.72 M params, 1.26 GMACs")),
        entry("vit_small", Size(dim: 384, depth: 12, heads: 6), "ViT-S/16 (DeiT-Small sizes, timm vit_small_patch16_224)",
              PublishedFigure(parameters: 22_050_000, gmacs: 4.61,
                              source: "timm results/benchmark-infer-amp-nchw-pt240-cu124-rtx3090.csv, vit_small_patch16_224: 22.05 M params, 4.61 GMACs")),
        entry("vit_base", Size(dim: 768, depth: 12, heads: 12), "ViT-B/16 (torchvision vit_b_16); closest to Hailo vit_base_bn",
              PublishedFigure(parameters: 86_567_656, gmacs: 17.56,
                              source: "torchvision models table, ViT_B_16_Weights.IMAGENET1K_V1: 86,567,656 params, 17.56 GFLOPS (MACs)")),
    ]

    static let patch = 16

    private static func entry(_ id: String, _ size: Size, _ summary: String, _ published: PublishedFigure) -> ZooEntry {
        Classification.entry(id: id, family: "ViT", summary: summary,
                             parameters: [Classification.input(224, 32...1024), Classification.classes],
                             published: published) { a in
            let input = try a.int("input")
            try a.require(input % patch == 0, "input", "a multiple of the patch size \(patch)")
            return try graph(size, input: input, classes: a.int("classes"), name: id)
        }
    }

    static func graph(_ size: Size, input: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        var y = b.imageInput(height: input, width: input)
        let d = size.dim, grid = input / patch, tokens = grid * grid + 1
        y = try b.conv(y, out: d, kernel: patch, stride: patch, padding: 0, bias: true, name: "patch_embed.proj")
        y = try b.reshape(y, [0, Int64(d), Int64(grid * grid)], name: "patch_embed.flatten")
        y = try b.transpose(y, [0, 2, 1], name: "patch_embed.transpose")
        y = try b.apply(.pad, [y, b.ints("cls_slot", [0, 1, 0, 0, 0, 0])], name: "cls_slot")
        var cls = b.weight("cls_token", .float32, Shape([1, 1, d]))
        cls = try b.apply(.pad, [cls, b.ints("cls_pad", [0, 0, 0, 0, Int64(tokens - 1), 0])], name: "cls_pad")
        let pos = b.weight("pos_embed", .float32, Shape([1, tokens, d]))
        y = try b.add(y, try b.add(cls, pos, name: "cls_pos"), name: "embed")
        for i in 0..<size.depth {
            y = try b.scope("blocks.\(i)") { b in try b.encoderBlock(y, heads: size.heads) }
        }
        y = try b.layerNorm(y, epsilon: 1e-6, name: "norm")
        y = try b.apply(.gather, [y, b.ints("cls_index", [0])], ["axis": .int(1)], name: "cls_take")
        y = try b.flatten(y)
        y = try b.linear(y, out: classes, name: "head")
        b.output(y)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// A pre-norm transformer encoder block on `[N, S, D]` with timm's names (`norm1`, `attn.qkv`,
    /// `attn.proj`, `norm2`, `mlp.fc1`, `mlp.fc2`); attention is the fused `Attention` op on `[N, H, S, D/H]`.
    mutating func encoderBlock(_ x: String, heads: Int, mlpRatio: Int = 4, epsilon: Double = 1e-6) throws -> String {
        let shape = dims(of: x)
        let (s, d) = (Int64(shape[1]), shape[2])
        let hd = Int64(d / heads), h = Int64(heads)
        var a = try layerNorm(x, epsilon: epsilon, name: "norm1")
        a = try scope("attn") { b in
            let qkv = try b.linear(a, out: 3 * d, name: "qkv")
            let parts = try b.add(.split, [qkv], ["axis": .int(2), "split": .ints([d, d, d])], name: "split", outputs: 3)
            var qkvHeads: [String] = []
            for (k, p) in parts.enumerated() {
                let r = try b.reshape(p, [0, s, h, hd], name: "heads\(k)")
                qkvHeads.append(try b.transpose(r, [0, 2, 1, 3], name: "heads\(k)_t"))
            }
            var o = try b.apply(.attention, qkvHeads, ["scale": .float(1 / Double(hd).squareRoot())], name: "attention")
            o = try b.transpose(o, [0, 2, 1, 3], name: "merge_t")
            o = try b.reshape(o, [0, s, Int64(d)], name: "merge")
            return try b.linear(o, out: d, name: "proj")
        }
        let y = try add(x, a, name: "add1")
        var m = try layerNorm(y, epsilon: epsilon, name: "norm2")
        m = try linear(m, out: mlpRatio * d, name: "mlp.fc1")
        m = try activation(m, .gelu, name: "mlp.act")
        m = try linear(m, out: d, name: "mlp.fc2")
        return try add(y, m, name: "add2")
    }
}
