import EdgeIR

/// BlazeFace short-range face detector (Bazarevsky et al. 2019), MediaPipe's
/// `face_detection_short_range.tflite`: 128×128 input, 896 anchors (2 per cell at 16×16, 6 at 8×8),
/// each with a score and 16 regressors (box and six keypoints).
///
/// The trunk is a 5×5 stride-2 convolution and sixteen BlazeBlocks (depthwise 3×3 + pointwise 1×1 with
/// a residual; stride-2 blocks max-pool the skip path; wider blocks zero-pad its channels). Weights
/// carry biases and no BatchNorm, as in the released file.
enum BlazeFace {
    static func graph(input: Int) throws -> Graph {
        try DetectionGeometry.requireMultiple(input, of: 16, id: "blazeface")
        var b = GraphBuilder(name: "blazeface_short_range")
        let x = b.input("input", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        var y = try b.convAct(x, out: 24, kernel: 5, stride: 2, act: .relu, name: "conv0")
        let blocks: [(Int, Int)] = [(24, 1), (28, 1), (32, 2), (36, 1), (42, 1), (48, 2), (56, 1), (64, 1), (72, 1),
                                    (80, 1), (88, 1), (96, 2), (96, 1), (96, 1), (96, 1), (96, 1)]
        var stride16 = y
        for (i, (out, s)) in blocks.enumerated() {
            y = try b.blazeBlock(y, out: out, stride: s, name: "block\(i)")
            if i == 10 { stride16 = y }
        }
        let heads: [(String, String, Int, Int)] = [
            ("classifier_8", stride16, 2, 1), ("classifier_16", y, 6, 1),
            ("regressor_8", stride16, 2, 16), ("regressor_16", y, 6, 16),
        ]
        var outs: [String] = []
        for (name, feature, anchors, per) in heads {
            outs.append(try b.anchorPredictions(feature, anchors: anchors, perAnchor: per, name: name))
        }
        let scores = try b.concat([outs[0], outs[1]], axis: 1, name: "scores")
        let boxes = try b.concat([outs[2], outs[3]], axis: 1, name: "regressors")
        b.output(boxes, scores)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// A single BlazeBlock: depthwise 3×3 (stride 1 or 2) and pointwise 1×1 with biases, residual, ReLU.
    @discardableResult
    mutating func blazeBlock(_ x: String, out: Int, stride: Int, name: String) throws -> String {
        let cin = dims(of: x)[1]
        return try scope(name) { b in
            // Stride 2 pads bottom/right only (TF "SAME"), keeping the output at exactly half size.
            let pad = stride == 2 ? (0, 0, 1, 1) : (1, 1, 1, 1)
            let dw = try b.conv(x, out: cin, kernel: (3, 3), stride: (stride, stride), padding: pad, groups: cin,
                                bias: true, name: "depthwise")
            let pw = try b.conv(dw, out: out, kernel: 1, bias: true, name: "pointwise")
            var skip = stride == 2 ? try b.maxPool(x, kernel: 2, stride: 2, name: "skip_pool") : x
            if out > cin {
                let pads = b.ints("skip_pads", [0, 0, 0, 0, 0, Int64(out - cin), 0, 0])
                skip = try b.apply(.pad, [skip, pads], ["mode": .string("constant")], name: "skip_pad")
            }
            return try b.activation(try b.add(pw, skip), .relu)
        }
    }
}
