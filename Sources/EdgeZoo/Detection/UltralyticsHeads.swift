import EdgeIR

/// Which generation of Ultralytics' anchor-free `Detect` head to build.
enum YOLODetectStyle: Sendable {
    /// YOLOv8: two 3×3 convolutions per branch, DFL box regression with 16 bins.
    case v8
    /// YOLO11: the class branch uses depthwise + pointwise pairs; DFL with 16 bins.
    case v11
    /// YOLO26: YOLO11's branches, no DFL (`reg_max = 1`); only the one-to-one head remains after `fuse()`.
    case v26
}

extension GraphBuilder {
    /// Ultralytics' anchor-free `Detect` head over P3–P5, ending in `[N, 4 + classes, anchors]`
    /// (decoded box distances then sigmoid class scores), as the ONNX export's output.
    ///
    /// Box decoding against the anchor grid (a few element-wise operations per anchor) and YOLO26's
    /// top-k selection of 300 detections are post-processing and not modelled.
    @discardableResult
    mutating func yDetect(_ feats: [String], classes: Int, style: YOLODetectStyle) throws -> String {
        let ch0 = dims(of: feats[0])[1]
        let regMax = style == .v26 ? 1 : 16
        let c2 = max(16, ch0 / 4, regMax * 4)
        let c3 = max(ch0, min(classes, 100))
        let no = 4 * regMax + classes
        return try scope("detect") { b in
            var levels: [String] = []
            var anchors = 0
            for (i, f) in feats.enumerated() {
                let d = b.dims(of: f)
                let hw = d[2] * d[3]
                anchors += hw
                let box = try b.scope("cv2.\(i)") { bb in
                    let y = try bb.yConv(try bb.yConv(f, c2, 3, name: "0"), c2, 3, name: "1")
                    return try bb.conv(y, out: 4 * regMax, kernel: 1, bias: true, name: "2")
                }
                let cls = try b.scope("cv3.\(i)") { bb in
                    var y: String
                    if style == .v8 {
                        y = try bb.yConv(try bb.yConv(f, c3, 3, name: "0"), c3, 3, name: "1")
                    } else {
                        y = try bb.scope("0") { s in try s.yConv(try s.yDWConv(f, d[1], 3, name: "0"), c3, 1, name: "1") }
                        y = try bb.scope("1") { s in try s.yConv(try s.yDWConv(y, c3, 3, name: "0"), c3, 1, name: "1") }
                    }
                    return try bb.conv(y, out: classes, kernel: 1, bias: true, name: "2")
                }
                let cat = try b.concat([box, cls], name: "cat\(i)")
                levels.append(try b.reshape(cat, [0, Int64(no), Int64(hw)], name: "flat\(i)"))
            }
            let all = try b.concat(levels, axis: 2, name: "anchors")
            let parts = try b.splitChannels(all, [4 * regMax, classes], name: "box_cls")
            var box = parts[0]
            if regMax > 1 {
                // DFL: softmax over the 16 distance bins, then their expectation as a fixed 1×1 convolution.
                let a = Int64(anchors)
                let bins = try b.reshape(box, [0, 4, Int64(regMax), a], name: "dfl_bins")
                let t = try b.transpose(bins, [0, 2, 1, 3], name: "dfl_t")
                let p = try b.softmax(t, axis: 1, name: "dfl_softmax")
                let e = try b.conv(p, out: 1, kernel: 1, name: "dfl")
                box = try b.reshape(e, [0, 4, a], name: "dfl_out")
            }
            let scores = try b.activation(parts[1], .sigmoid, name: "scores")
            return try b.concat([box, scores], name: "output")
        }
    }

    /// YOLOv5's anchor-based `Detect`: per level a 1×1 convolution to `3 × (classes + 5)` channels,
    /// sigmoid, laid out as `[N, anchors, classes + 5]` (the export's `output0`).
    @discardableResult
    mutating func yDetectV5(_ feats: [String], classes: Int) throws -> String {
        let per = classes + 5
        return try scope("detect") { b in
            var levels: [String] = []
            for (i, f) in feats.enumerated() {
                let d = b.dims(of: f)
                let hw = Int64(d[2] * d[3])
                let p = try b.conv(f, out: 3 * per, kernel: 1, bias: true, name: "m.\(i)")
                let s = try b.activation(p, .sigmoid, name: "sigmoid\(i)")
                let r = try b.reshape(s, [0, 3, Int64(per), hw], name: "grid\(i)")
                let t = try b.transpose(r, [0, 1, 3, 2], name: "perm\(i)")
                levels.append(try b.reshape(t, [0, 3 * hw, Int64(per)], name: "flat\(i)"))
            }
            return try b.concat(levels, axis: 1, name: "output")
        }
    }
}
