import EdgeIR

/// RetinaFace (Deng et al. 2020) with the MobileNet-0.25 backbone, as the reference PyTorch
/// implementation (biubug6/Pytorch_Retinaface, `cfg_mnet`) builds it: MobileNet v1 ×0.25 with
/// LeakyReLU(0.1), a 64-channel FPN over strides 8/16/32, an SSH context module per level and
/// 1×1 class (2), box (4) and five-landmark (10) heads for 2 anchors per cell. BatchNorm folded.
enum RetinaFace {
    static func graph(width: Int, height: Int) throws -> Graph {
        try DetectionGeometry.requireMultiple(width, of: 32, id: "retinaface_mnet025", key: "width")
        try DetectionGeometry.requireMultiple(height, of: 32, id: "retinaface_mnet025", key: "height")
        var b = GraphBuilder(name: "retinaface_mnet025")
        let x = b.input("input", .float32, Shape([.symbol("N"), 3, .value(height), .value(width)]))
        let leaky = Activation.leakyRelu
        // MobileNet v1 ×0.25: (channels, stride) of the depthwise-separable layers after an 8-channel stem.
        let stages: [[(Int, Int)]] = [
            [(16, 1), (32, 2), (32, 1), (64, 2), (64, 1)],
            [(128, 2), (128, 1), (128, 1), (128, 1), (128, 1), (128, 1)],
            [(256, 2), (256, 1)],
        ]
        var y = try b.convAct(x, out: 8, kernel: 3, stride: 2, act: leaky, name: "body.stage1.0")
        var c: [String] = []
        for (si, stage) in stages.enumerated() {
            for (li, (out, s)) in stage.enumerated() {
                y = try b.separable(y, out: out, stride: s, act: leaky, pointwiseAct: leaky,
                                    name: "body.stage\(si + 1).\(si == 0 ? li + 1 : li)")
            }
            c.append(y)
        }
        // FPN: 1×1 laterals, nearest upsampling, 3×3 merges (LeakyReLU 0.1 since the width is ≤ 64).
        let o = try (0..<3).map { i in try b.convAct(c[i], out: 64, kernel: 1, act: leaky, name: "fpn.output\(i + 1)") }
        var p3 = o[2]
        var p2 = try b.add(o[1], try b.upsample(p3, factor: 2, name: "fpn.up3"), name: "fpn.sum2")
        p2 = try b.convAct(p2, out: 64, kernel: 3, act: leaky, name: "fpn.merge2")
        var p1 = try b.add(o[0], try b.upsample(p2, factor: 2, name: "fpn.up2"), name: "fpn.sum1")
        p1 = try b.convAct(p1, out: 64, kernel: 3, act: leaky, name: "fpn.merge1")
        p3 = try b.ssh(p3, name: "ssh3")
        let levels = [try b.ssh(p1, name: "ssh1"), try b.ssh(p2, name: "ssh2"), p3]
        var cls: [String] = [], box: [String] = [], landmarks: [String] = []
        for (i, f) in levels.enumerated() {
            cls.append(try b.anchorPredictions(f, anchors: 2, perAnchor: 2, name: "ClassHead.\(i)"))
            box.append(try b.anchorPredictions(f, anchors: 2, perAnchor: 4, name: "BboxHead.\(i)"))
            landmarks.append(try b.anchorPredictions(f, anchors: 2, perAnchor: 10, name: "LandmarkHead.\(i)"))
        }
        let scores = try b.softmax(try b.concat(cls, axis: 1, name: "class_logits"), axis: -1, name: "scores")
        b.output(try b.concat(box, axis: 1, name: "boxes"), scores, try b.concat(landmarks, axis: 1, name: "landmarks"))
        return try b.finish()
    }
}

extension GraphBuilder {
    /// RetinaFace's SSH context module: 3×3 (half width) beside stacked 3×3s standing in for 5×5 and
    /// 7×7 (a quarter each), concatenated, ReLU.
    @discardableResult
    mutating func ssh(_ x: String, name: String) throws -> String {
        let c = dims(of: x)[1]
        return try scope(name) { b in
            let c3 = try b.convAct(x, out: c / 2, kernel: 3, act: nil, name: "conv3X3")
            let c5a = try b.convAct(x, out: c / 4, kernel: 3, act: .leakyRelu, name: "conv5X5_1")
            let c5 = try b.convAct(c5a, out: c / 4, kernel: 3, act: nil, name: "conv5X5_2")
            let c7a = try b.convAct(c5a, out: c / 4, kernel: 3, act: .leakyRelu, name: "conv7X7_2")
            let c7 = try b.convAct(c7a, out: c / 4, kernel: 3, act: nil, name: "conv7x7_3")
            return try b.activation(try b.concat([c3, c5, c7]), .relu)
        }
    }
}
