import EdgeIR

/// SSD MobileNet v1 FPN at 640 px (the TF Object Detection API's `ssd_mobilenet_v1_fpn_640x640`,
/// "RetinaNet with a MobileNet"): FPN over `Conv2d_5/11/13_pointwise` (strides 8–32) with 256
/// channels, P6/P7 by stride-2 3×3 convolutions, and the weight-shared box predictor (four 3×3
/// conv + BN + ReLU6 layers per tower, 6 anchors per cell, 90 classes + background).
///
/// The predictor shares convolution weights across levels but keeps one BatchNorm per level, so
/// folding BN (as the exported TFLite does) gives every level its own weights; that form is built.
enum SSDFPNMobileNet {
    static func graph(input: Int, classes: Int) throws -> Graph {
        try DetectionGeometry.requireMultiple(input, of: 128, id: "ssd_fpn_mobilenet_v1")
        var b = GraphBuilder(name: "ssd_mobilenet_v1_fpn")
        let x = b.input("image", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let taps = try b.scope("FeatureExtractor") { bb in try bb.mobileNetV1(x, multiplier: 1, minDepth: 16) }
        let c = ["Conv2d_5_pointwise", "Conv2d_11_pointwise", "Conv2d_13_pointwise"].map { taps[$0]! }
        // Top-down: 1×1 projections (bias, no BN), nearest 2× upsampling, 3×3 smoothing except the top.
        var topDown = try b.conv(c[2], out: 256, kernel: 1, bias: true, name: "fpn.projection_3")
        var levels = [topDown]
        for i in [1, 0] {
            let lateral = try b.conv(c[i], out: 256, kernel: 1, bias: true, name: "fpn.projection_\(i + 1)")
            topDown = try b.add(try b.upsample(topDown, factor: 2, name: "fpn.up\(i + 1)"), lateral, name: "fpn.merge\(i + 1)")
            levels.insert(try b.convAct(topDown, out: 256, kernel: 3, act: .relu6, name: "fpn.smoothing_\(i + 1)"), at: 0)
        }
        var last = levels[2]
        for i in 0..<2 {
            last = try b.convAct(last, out: 256, kernel: 3, stride: 2, act: .relu6, name: "fpn.bottom_up_\(i + 6)")
            levels.append(last)
        }
        var boxes: [String] = [], scores: [String] = []
        for (li, level) in levels.enumerated() {
            for (tower, per) in [("BoxPredictionTower", 4), ("ClassPredictionTower", classes + 1)] {
                var h = level
                for l in 0..<4 {
                    h = try b.convAct(h, out: 256, kernel: 3, act: .relu6, name: "\(tower).level\(li).conv2d_\(l)")
                }
                let p = try b.anchorPredictions(h, anchors: 6, perAnchor: per, kernel: 3, name: "\(tower).level\(li).predictor")
                if per == 4 { boxes.append(p) } else { scores.append(p) }
            }
        }
        let box = try b.concat(boxes, axis: 1, name: "box_encodings")
        let cls = try b.activation(try b.concat(scores, axis: 1, name: "class_logits"), .sigmoid, name: "class_scores")
        b.output(box, cls)
        return try b.finish()
    }
}
