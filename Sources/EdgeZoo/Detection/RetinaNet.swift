import EdgeIR

/// RetinaNet (Lin et al. 2017) with a ResNet-50 or ResNeXt-50 32×4d FPN backbone, as torchvision's
/// `retinanet_resnet50_fpn` builds it: FPN over C3–C5 plus P6/P7 from P5, four 3×3 conv + ReLU
/// towers for classes and boxes shared across levels, 9 anchors per cell, COCO's 91 class slots.
///
/// torchvision's backbone uses frozen BatchNorm; here it is folded into conv biases (one parameter
/// per channel more than torchvision's count, ≈ 0.1 %).
enum RetinaNet {
    static func graph(resnext: Bool, input: Int, classes: Int) throws -> Graph {
        try DetectionGeometry.requireMultiple(input, of: 32, id: resnext ? "retinanet_resnext50_fpn" : "retinanet_resnet50_fpn")
        var b = GraphBuilder(name: resnext ? "retinanet_resnext50_32x4d_fpn" : "retinanet_resnet50_fpn")
        let x = b.input("images", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let c = try b.scope("backbone.body") { bb in
            try bb.resNet50Trunk(x, groups: resnext ? 32 : 1, widthPerGroup: resnext ? 4 : 64)
        }
        let levels = try b.scope("backbone.fpn") { bb in try bb.fpn([c[1], c[2], c[3]], channels: 256) }
        // P6 from P5, P7 from ReLU(P6) (torchvision `LastLevelP6P7(256, 256)`).
        let p6 = try b.conv(levels[2], out: 256, kernel: 3, stride: 2, bias: true, name: "backbone.fpn.extra_blocks.p6")
        let p7 = try b.conv(try b.activation(p6, .relu, name: "backbone.fpn.extra_blocks.relu"), out: 256, kernel: 3,
                            stride: 2, bias: true, name: "backbone.fpn.extra_blocks.p7")
        let all = levels + [p6, p7]
        let cls = try b.retinaTower(all, outputs: 9 * classes, perAnchor: classes, name: "head.classification_head")
        let box = try b.retinaTower(all, outputs: 9 * 4, perAnchor: 4, name: "head.regression_head")
        b.output(try b.activation(cls, .sigmoid, name: "scores"), box)
        return try b.finish()
    }
}

extension GraphBuilder {
    /// A feature pyramid (Lin et al. 2017): 1×1 laterals, nearest top-down upsampling, 3×3 smoothing.
    /// - Returns: outputs for the given inputs, finest first.
    mutating func fpn(_ inputs: [String], channels: Int) throws -> [String] {
        var inner: String?
        var outs: [String] = []
        for i in stride(from: inputs.count - 1, through: 0, by: -1) {
            var lateral = try conv(inputs[i], out: channels, kernel: 1, bias: true, name: "inner_blocks.\(i)")
            if let top = inner {
                let d = dims(of: lateral)
                let sizes = ints("up\(i)_sizes", [Int64(d[2]), Int64(d[3])])
                let up = try apply("Resize", [top, "", "", sizes], ["mode": .string("nearest"), "axes": .ints([2, 3])],
                                   name: "up\(i)")
                lateral = try add(lateral, up, name: "merge\(i)")
            }
            inner = lateral
            outs.insert(try conv(lateral, out: channels, kernel: 3, bias: true, name: "layer_blocks.\(i)"), at: 0)
        }
        return outs
    }

    /// RetinaNet's head: per level, four 3×3 conv + ReLU then a 3×3 prediction conv, weights shared
    /// across levels (counted once).
    /// - Returns: `[N, anchors, perAnchor]` over all levels.
    mutating func retinaTower(_ levels: [String], outputs: Int, perAnchor: Int, name: String) throws -> String {
        try scope(name) { b in
            var flat: [String] = []
            for level in levels {
                var h = level
                for i in 0..<4 {
                    h = try b.conv(h, out: 256, kernel: 3, bias: true, name: "conv.\(i)")
                    h = try b.activation(h, .relu, name: "relu\(i)")
                }
                let p = try b.conv(h, out: outputs, kernel: 3, bias: true, name: "predict")
                let d = b.dims(of: p)
                let t = try b.transpose(p, [0, 2, 3, 1], name: "nhwc")
                flat.append(try b.reshape(t, [0, Int64(d[1] / perAnchor * d[2] * d[3]), Int64(perAnchor)], name: "flat"))
            }
            return try b.concat(flat, axis: 1, name: "all_levels")
        }
    }
}
