import EdgeIR

/// SSD and SSDLite with MobileNet v1 / v2 feature extractors at 300 px, as the TensorFlow Object
/// Detection API builds them (`ssd_mobilenet_v1_coco`, `ssd_mobilenet_v1_0.75_depth_coco`,
/// `ssd_mobilenet_v2_coco`, `ssdlite_mobilenet_v2_coco`).
///
/// Six feature maps: two from the backbone, four extra layers (1×1 to half depth, then a stride-2
/// 3×3 to 512, 256, 256, 128 channels, scaled by the depth multiplier, at least `min_depth` 16).
/// Each map gets box and class predictors for 3 anchors (first map) or 6; classes include background.
/// SSD uses 1×1 predictors and full 3×3 extras; SSDLite uses depthwise-separable 3×3 for both.
/// BatchNorm is folded (the TFLite form).
enum SSDMobileNet {
    enum Backbone: Sendable { case v1, v2 }

    static func graph(backbone: Backbone, depthMultiplier: Double, lite: Bool, input: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: lite ? "ssdlite_mobilenet" : "ssd_mobilenet")
        let x = b.input("image", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let minDepth = 16
        var maps: [String]
        switch backbone {
        case .v1:
            let taps = try b.scope("FeatureExtractor") { bb in
                try bb.mobileNetV1(x, multiplier: depthMultiplier, minDepth: minDepth)
            }
            maps = [taps["Conv2d_11_pointwise"]!, taps["Conv2d_13_pointwise"]!]
        case .v2:
            let trunk = try b.scope("FeatureExtractor") { bb in try bb.mobileNetV2(x, width: depthMultiplier) }
            // `layer_15/expansion_output`: the expansion of the first 160-channel block (stride 16).
            maps = [trunk.blocks[13].expansion, trunk.output]
        }
        let depth = { (d: Int) in Backbones.slimDepth(d, depthMultiplier, minDepth: minDepth) }
        for (i, d) in [512, 256, 256, 128].enumerated() {
            let m = try b.scope("extra.\(i)") { bb in
                let h = try bb.convAct(maps[maps.count - 1], out: depth(d / 2), kernel: 1, act: .relu6, name: "1x1")
                if lite { return try bb.separable(h, out: depth(d), stride: 2, act: nil, pointwiseAct: .relu6, name: "3x3_s2") }
                return try bb.convAct(h, out: depth(d), kernel: 3, stride: 2, act: .relu6, name: "3x3_s2")
            }
            maps.append(m)
        }
        b.output(try b.ssdPredictors(maps, anchors: [3, 6, 6, 6, 6, 6], classes: classes + 1, depthwise3x3: lite))
        return try b.finish()
    }
}

extension GraphBuilder {
    /// TF's `ConvolutionalBoxPredictor` over several feature maps, without shared weights.
    ///
    /// - Parameter depthwise3x3: SSDLite's predictors (depthwise 3×3 + ReLU6, then 1×1), else plain 1×1.
    /// - Returns: box encodings `[N, anchors, 4]` and sigmoid class scores `[N, anchors, classes]`.
    mutating func ssdPredictors(_ maps: [String], anchors: [Int], classes: Int, depthwise3x3: Bool,
                                explicitBN: Bool = false) throws -> [String] {
        try scope("BoxPredictor") { b in
            var boxes: [String] = [], scores: [String] = []
            for (i, m) in maps.enumerated() {
                try b.scope("\(i)") { bb in
                    var fb = m, fc = m
                    if depthwise3x3 {
                        let c = bb.dims(of: m)[1]
                        fb = try bb.convAct(m, out: c, kernel: 3, groups: c, act: .relu6, explicitBN: explicitBN, name: "box_depthwise")
                        fc = try bb.convAct(m, out: c, kernel: 3, groups: c, act: .relu6, explicitBN: explicitBN, name: "class_depthwise")
                    }
                    boxes.append(try bb.anchorPredictions(fb, anchors: anchors[i], perAnchor: 4, name: "BoxEncodingPredictor"))
                    scores.append(try bb.anchorPredictions(fc, anchors: anchors[i], perAnchor: classes, name: "ClassPredictor"))
                }
            }
            let box = try b.concat(boxes, axis: 1, name: "box_encodings")
            let cls = try b.activation(try b.concat(scores, axis: 1, name: "class_logits"), .sigmoid, name: "class_scores")
            return [box, cls]
        }
    }
}
