import EdgeIR

/// EfficientDet-Lite0…4 (Tan, Pang & Le 2020; Lite variants from google/automl `efficientdet`):
/// EfficientNet-Lite backbone, BiFPN over P3–P7, shared class and box nets with 9 anchors per cell.
///
/// Lite models replace swish with ReLU6, drop squeeze-and-excitation and fix the backbone's stem and
/// head. Built in deployment form: BatchNorm folded everywhere. The class and box nets share their
/// convolutions across levels in training but keep one BatchNorm per level, so folding gives every
/// level its own weights, as in the exported TFLite model.
enum EfficientDetLite {
    struct Config: Sendable {
        let backboneWidth: Double, backboneDepth: Double
        let input: Int, fpnFilters: Int, fpnCells: Int, headRepeats: Int
    }

    /// `efficientdet_lite_param_dict` in automl's `hparams_config.py` with the backbones' coefficients.
    static let configs: [Config] = [
        Config(backboneWidth: 1.0, backboneDepth: 1.0, input: 320, fpnFilters: 64, fpnCells: 3, headRepeats: 3),
        Config(backboneWidth: 1.0, backboneDepth: 1.1, input: 384, fpnFilters: 88, fpnCells: 4, headRepeats: 3),
        Config(backboneWidth: 1.1, backboneDepth: 1.2, input: 448, fpnFilters: 112, fpnCells: 5, headRepeats: 3),
        Config(backboneWidth: 1.2, backboneDepth: 1.4, input: 512, fpnFilters: 160, fpnCells: 6, headRepeats: 4),
        Config(backboneWidth: 1.4, backboneDepth: 1.8, input: 640, fpnFilters: 224, fpnCells: 7, headRepeats: 4),
    ]

    static func graph(variant: Int, input: Int, classes: Int) throws -> Graph {
        let cfg = configs[variant]
        try DetectionGeometry.requireMultiple(input, of: 32, id: "efficientdet_lite\(variant)")
        var b = GraphBuilder(name: "efficientdet_lite\(variant)")
        let x = b.input("images", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let feats = try b.scope("backbone") { bb in
            try bb.efficientNetLiteFeatures(x, width: cfg.backboneWidth, depth: cfg.backboneDepth)
        }
        let f = cfg.fpnFilters
        // P6 from P5 (1×1 conv + BN to the FPN width, then max-pool), P7 from P6.
        let p6 = try b.scope("resample_p6") { bb in
            let h = try bb.conv(feats[2], out: f, kernel: 1, bias: true, name: "conv")
            return try bb.maxPool(h, kernel: 3, stride: 2, padding: 1, name: "pool")
        }
        let p7 = try b.maxPool(p6, kernel: 3, stride: 2, padding: 1, name: "resample_p7")
        var levels = [feats[0], feats[1], feats[2], p6, p7]
        for cell in 0..<cfg.fpnCells {
            levels = try b.scope("fpn_cells.cell_\(cell)") { bb in try bb.biFPNCell(levels, filters: f) }
        }
        let cls = try b.efficientDetHead(levels, filters: f, repeats: cfg.headRepeats, outputs: 9 * classes,
                                         perAnchor: classes, name: "class_net")
        let box = try b.efficientDetHead(levels, filters: f, repeats: cfg.headRepeats, outputs: 9 * 4,
                                         perAnchor: 4, name: "box_net")
        b.output(box, try b.activation(cls, .sigmoid, name: "class_scores"))
        return try b.finish()
    }
}

extension GraphBuilder {
    /// EfficientNet-Lite features at strides 8, 16 and 32 (ends of the 40-, 112- and 320-channel stages,
    /// before scaling), without the 1280-channel head convolution the detector does not use.
    mutating func efficientNetLiteFeatures(_ x: String, width: Double, depth: Double) throws -> [String] {
        // (expansion, kernel, stride, output channels, repeats) of EfficientNet-B0.
        let blocks: [(Int, Int, Int, Int, Int)] = [
            (1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3), (6, 5, 1, 112, 3),
            (6, 5, 2, 192, 4), (6, 3, 1, 320, 1),
        ]
        func filters(_ c: Int) -> Int { Backbones.makeDivisible(Double(c) * width) }
        var y = try convAct(x, out: 32, kernel: 3, stride: 2, act: .relu6, name: "stem")
        var taps: [String] = []
        var index = 0
        for (stage, (t, k, s, c, n)) in blocks.enumerated() {
            // Lite models keep the first and last stage's repeats fixed.
            let repeats = stage == 0 || stage == blocks.count - 1 ? n : Int((Double(n) * depth).rounded(.up))
            let out = filters(c)
            for i in 0..<repeats {
                let input = y
                let st = i == 0 ? s : 1
                y = try scope("blocks_\(index)") { b in
                    let cin = b.dims(of: input)[1]
                    var h = input
                    if t != 1 { h = try b.convAct(h, out: cin * t, kernel: 1, act: .relu6, name: "expand_conv") }
                    let ch = b.dims(of: h)[1]
                    h = try b.convAct(h, out: ch, kernel: k, stride: st, groups: ch, act: .relu6, name: "depthwise_conv")
                    h = try b.convAct(h, out: out, kernel: 1, act: nil, name: "project_conv")
                    return st == 1 && cin == out ? try b.add(input, h) : h
                }
                index += 1
            }
            if stage == 2 || stage == 4 || stage == 6 { taps.append(y) }
        }
        return taps
    }

    /// One BiFPN cell over P3–P7: a top-down then a bottom-up pass; each node sums its (resampled)
    /// inputs, applies ReLU6 and a separable 3×3 convolution with BatchNorm.
    mutating func biFPNCell(_ p: [String], filters f: Int) throws -> [String] {
        var nodes = p  // P3 … P7, then new nodes appended
        var counter = 0
        func fit(_ b: inout GraphBuilder, _ v: String) throws -> String {
            counter += 1
            guard b.dims(of: v)[1] != f else { return v }
            return try b.scope("resample_\(counter)") { bb in
                try bb.conv(v, out: f, kernel: 1, bias: true, name: "conv")
            }
        }
        func node(_ inputs: [String], _ k: Int) throws -> String {
            try scope("fnode\(k)") { b in
                var sum = try fit(&b, inputs[0])
                for v in inputs.dropFirst() { sum = try b.add(sum, try fit(&b, v)) }
                let a = try b.activation(sum, .relu6, name: "relu6")
                let c = b.dims(of: a)[1]
                let dw = try b.conv(a, out: c, kernel: 3, groups: c, name: "depthwise")
                return try b.conv(dw, out: f, kernel: 1, bias: true, name: "pointwise")
            }
        }
        /// Nearest-neighbour resize to the target level's size (P7 → P6 is not exactly 2× at 320 px).
        func up(_ v: String, to target: String) throws -> String {
            let d = dims(of: target)
            let sizes = ints("up_sizes", [Int64(d[2]), Int64(d[3])])
            return try apply("Resize", [v, "", "", sizes], ["mode": .string("nearest"), "axes": .ints([2, 3])], name: "up")
        }
        func down(_ v: String) throws -> String { try maxPool(v, kernel: 3, stride: 2, padding: 1, name: "down") }
        // Top-down: P6', P5', P4', P3 out.
        var td = nodes[4]
        var topDown: [String] = []
        for (k, level) in [3, 2, 1, 0].enumerated() {
            td = try node([nodes[level], try up(td, to: nodes[level])], k)
            topDown.append(td)
        }
        // Bottom-up: P4, P5, P6 outs use input, top-down node and the level below; P7 out.
        var outs = [topDown[3]]
        for (k, level) in [1, 2, 3].enumerated() {
            outs.append(try node([nodes[level], topDown[2 - k], try down(outs[outs.count - 1])], 4 + k))
        }
        outs.append(try node([nodes[4], try down(outs[outs.count - 1])], 7))
        nodes = outs
        return nodes
    }

    /// EfficientDet's class or box net: `repeats` separable 3×3 convolutions whose weights are shared
    /// across levels (BatchNorm per level), then a shared separable prediction layer.
    /// - Returns: predictions of all levels, `[N, anchors, perAnchor]`.
    mutating func efficientDetHead(_ levels: [String], filters f: Int, repeats: Int, outputs: Int, perAnchor: Int,
                                   name: String) throws -> String {
        try scope(name) { b in
            var flat: [String] = []
            for (li, level) in levels.enumerated() {
                var h = level
                for r in 0..<repeats {
                    h = try b.scope("level\(li).conv\(r)") { bb in
                        let dw = try bb.conv(h, out: f, kernel: 3, groups: f, name: "depthwise")
                        return try bb.convAct(dw, out: f, kernel: 1, act: .relu6, name: "pointwise")
                    }
                }
                let p = try b.scope("level\(li).predict") { bb in
                    let dw = try bb.conv(h, out: f, kernel: 3, groups: f, name: "depthwise")
                    return try bb.conv(dw, out: outputs, kernel: 1, bias: true, name: "pointwise")
                }
                let d = b.dims(of: p)
                let t = try b.transpose(p, [0, 2, 3, 1], name: "nhwc")
                flat.append(try b.reshape(t, [0, Int64(d[1] * d[2] * d[3] / perAnchor), Int64(perAnchor)], name: "flat"))
            }
            return try b.concat(flat, axis: 1, name: "all_levels")
        }
    }
}
