import EdgeIR

/// ShuffleNet v2 (Ma et al. 2018) as torchvision builds it. Each unit splits channels in half (or, when
/// downsampling, feeds both branches the whole input), transforms one half with 1×1 → 3×3 depthwise →
/// 1×1, concatenates and shuffles channels between the two groups.
enum ShuffleNetV2 {
    /// Stage output channels per width (the paper's Table 5): stem, stages 2–4, final 1×1 conv.
    static let channels: [String: [Int]] = [
        "0.5": [24, 48, 96, 192, 1024], "1.0": [24, 116, 232, 464, 1024],
        "1.5": [24, 176, 352, 704, 1024], "2.0": [24, 244, 488, 976, 2048],
    ]
    static let repeats = [4, 8, 4]

    static let entries: [ZooEntry] = [
        Classification.entry(
            id: "shufflenet_v2", family: "ShuffleNet", summary: "ShuffleNet v2 x1.0 (torchvision; width 0.5, 1.0, 1.5, 2.0)",
            parameters: [ZooParameter("width", .choice(["0.5", "1.0", "1.5", "2.0"]), default: "1.0",
                                      help: "channel width (the paper's 0.5×, 1×, 1.5×, 2×)"),
                         Classification.input(224, 32...1024), Classification.classes],
            published: PublishedFigure(parameters: 2_278_604, gmacs: 0.14,
                                       source: "torchvision models table, ShuffleNet_V2_X1_0_Weights.IMAGENET1K_V1: 2,278,604 params, 0.14 GFLOPS (MACs)")
        ) { a in
            try graph(channels: channels[try a.choice("width")] ?? [], input: a.int("input"), classes: a.int("classes"))
        },
    ]

    static func graph(channels: [Int], input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "shufflenet_v2")
        var y = b.imageInput(height: input, width: input)
        y = try b.convBN(y, out: channels[0], kernel: 3, stride: 2, name: "conv1")
        y = try b.maxPool(y, kernel: 3, stride: 2, padding: 1)
        for (s, count) in repeats.enumerated() {
            for i in 0..<count {
                y = try b.scope("stage\(s + 2).\(i)") { b in
                    try b.shuffleUnit(y, out: channels[s + 1], stride: i == 0 ? 2 : 1)
                }
            }
        }
        y = try b.convBN(y, out: channels[4], kernel: 1, name: "conv5")
        return try b.classifierHead(y, classes: classes, name: "fc")
    }
}

extension GraphBuilder {
    fileprivate mutating func shuffleUnit(_ x: String, out: Int, stride: Int) throws -> String {
        let half = out / 2
        let cin = dims(of: x)[1]
        var left: String, right: String
        if stride == 1 {
            let parts = try add(.split, [x], ["axis": .int(1), "split": .ints([cin / 2, cin - cin / 2])], name: "split", outputs: 2)
            left = parts[0]
            right = parts[1]
        } else {
            left = try conv(x, out: cin, kernel: 3, stride: stride, groups: cin, name: "branch1.0")
            left = try batchNorm(left, name: "branch1.1")
            left = try conv(left, out: half, kernel: 1, name: "branch1.2")
            left = try batchNorm(left, name: "branch1.3")
            left = try activation(left, .relu, name: "branch1.4")
            right = x
        }
        var r = try conv(right, out: half, kernel: 1, name: "branch2.0")
        r = try batchNorm(r, name: "branch2.1")
        r = try activation(r, .relu, name: "branch2.2")
        r = try conv(r, out: half, kernel: 3, stride: stride, groups: half, name: "branch2.3")
        r = try batchNorm(r, name: "branch2.4")
        r = try conv(r, out: half, kernel: 1, name: "branch2.5")
        r = try batchNorm(r, name: "branch2.6")
        r = try activation(r, .relu, name: "branch2.7")
        let y = try concat([left, r])
        // Channel shuffle with 2 groups: [N, C, H, W] → [N, 2, C/2, H, W] → swap the group axes → [N, C, H, W].
        let d = dims(of: y)
        var s = try reshape(y, [0, 2, Int64(d[1] / 2), Int64(d[2]), Int64(d[3])], name: "shuffle_split")
        s = try transpose(s, [0, 2, 1, 3, 4], name: "shuffle_transpose")
        return try reshape(s, [0, Int64(d[1]), Int64(d[2]), Int64(d[3])], name: "shuffle_merge")
    }
}
