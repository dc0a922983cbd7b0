import EdgeIR

/// SSDLite with the MobileDet-EdgeTPU backbone (Xiong, Liu et al. 2021), as the TF Object Detection
/// API's `ssdlite_mobiledet_edgetpu_320x320_coco` builds it (`ssd_mobiledet_feature_extractor.py`).
///
/// The backbone mixes Tucker convolutions, fused inverted bottlenecks (a full k×k expansion instead of
/// 1×1 + depthwise) and regular inverted bottlenecks; features C4 (stride 16) and C5 (stride 32) feed
/// SSDLite's depthwise extra layers and predictors.
///
/// BatchNorm is kept as separate nodes (the TF checkpoint's form): the config's published
/// "4.20M Parameters" counts TensorFlow variables, BN's moving statistics included (folding BN would
/// give 1.9 % fewer parameters, keeping it 0.4 % fewer).
enum SSDLiteMobileDet {
    static func graph(input: Int, classes: Int, multiplier: Double = 1) throws -> Graph {
        var b = GraphBuilder(name: "ssdlite_mobiledet_edgetpu")
        let x = b.input("image", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let (c4, c5) = try b.scope("MobileDet") { bb in try bb.mobileDetEdgeTPU(x, multiplier: multiplier) }
        var maps = [c4, c5]
        let depth = { (d: Int) in Backbones.slimDepth(d, multiplier, minDepth: 16) }
        for (i, d) in [512, 256, 256, 128].enumerated() {
            maps.append(try b.scope("extra.\(i)") { bb in
                let h = try bb.convAct(maps[maps.count - 1], out: depth(d / 2), kernel: 1, act: .relu6, explicitBN: true, name: "1x1")
                return try bb.separable(h, out: depth(d), stride: 2, act: nil, pointwiseAct: .relu6, explicitBN: true, name: "3x3_s2")
            })
        }
        b.output(try b.ssdPredictors(maps, anchors: [3, 6, 6, 6, 6, 6], classes: classes + 1, depthwise3x3: true,
                                     explicitBN: true))
        return try b.finish()
    }
}

extension GraphBuilder {
    /// `mobiledet_edgetpu_backbone`: returns C4 and C5.
    mutating func mobileDetEdgeTPU(_ x: String, multiplier: Double) throws -> (String, String) {
        /// `_scale_filters`: round half up to a multiple of 8, at least 8.
        func scale(_ f: Int, _ m: Double = multiplier) -> Int { max(Int(Double(f) * m / 8 + 0.5) * 8, 8) }
        var index = 0
        func name(_ kind: String) -> String { index += 1; return "\(kind)_\(index)" }
        func residual(_ b: inout GraphBuilder, _ input: String, _ h: String, _ on: Bool) throws -> String {
            on ? try b.add(input, h) : h
        }
        func tucker(_ h: String, _ f: Int, inRatio: Double, outRatio: Double, residual on: Bool = true) throws -> String {
            try scope(name("TuckerConv")) { b in
                let cin = b.dims(of: h)[1]
                var y = try b.convAct(h, out: scale(cin, inRatio), kernel: 1, act: .relu6, explicitBN: true, name: "input")
                y = try b.convAct(y, out: scale(f, outRatio), kernel: 3, act: .relu6, explicitBN: true, name: "core")
                y = try b.convAct(y, out: f, kernel: 1, act: nil, explicitBN: true, name: "output")
                return try residual(&b, h, y, on)
            }
        }
        func fused(_ h: String, _ f: Int, expansion: Int, kernel: Int = 3, stride: Int = 1, residual on: Bool = true) throws -> String {
            try scope(name("FusedConv")) { b in
                let cin = b.dims(of: h)[1]
                var y = try b.convAct(h, out: cin * expansion, kernel: kernel, stride: stride, act: .relu6, explicitBN: true, name: "expand")
                y = try b.convAct(y, out: f, kernel: 1, act: nil, explicitBN: true, name: "project")
                return try residual(&b, h, y, on)
            }
        }
        func ibn(_ h: String, _ f: Int, expansion: Int, kernel: Int = 3, stride: Int = 1, residual on: Bool = true) throws -> String {
            try scope(name("IBN")) { b in
                let cin = b.dims(of: h)[1]
                var y = try b.convAct(h, out: cin * expansion, kernel: 1, act: .relu6, explicitBN: true, name: "expand")
                let c = b.dims(of: y)[1]
                y = try b.convAct(y, out: c, kernel: kernel, stride: stride, groups: c, act: .relu6, explicitBN: true, name: "depthwise")
                y = try b.convAct(y, out: f, kernel: 1, act: nil, explicitBN: true, name: "project")
                return try residual(&b, h, y, on)
            }
        }
        var h = try convAct(x, out: scale(32), kernel: 3, stride: 2, act: .relu6, explicitBN: true, name: "stem")
        h = try tucker(h, scale(16), inRatio: 0.25, outRatio: 0.75, residual: false)
        h = try fused(h, scale(16), expansion: 8, stride: 2, residual: false)
        h = try fused(h, scale(16), expansion: 4)
        h = try fused(h, scale(16), expansion: 8)
        h = try fused(h, scale(16), expansion: 4)
        h = try fused(h, scale(40), expansion: 8, kernel: 5, stride: 2, residual: false)
        for _ in 0..<3 { h = try fused(h, scale(40), expansion: 4) }
        h = try ibn(h, scale(72), expansion: 8, stride: 2, residual: false)
        h = try ibn(h, scale(72), expansion: 8)
        h = try fused(h, scale(72), expansion: 4)
        h = try fused(h, scale(72), expansion: 4)
        h = try ibn(h, scale(96), expansion: 8, kernel: 5, residual: false)
        h = try ibn(h, scale(96), expansion: 8, kernel: 5)
        h = try ibn(h, scale(96), expansion: 8)
        let c4 = try ibn(h, scale(96), expansion: 8)
        h = try ibn(c4, scale(120), expansion: 8, kernel: 5, stride: 2, residual: false)
        h = try ibn(h, scale(120), expansion: 8)
        h = try ibn(h, scale(120), expansion: 4, kernel: 5)
        h = try ibn(h, scale(120), expansion: 8)
        let c5 = try ibn(h, scale(384), expansion: 8, kernel: 5, residual: false)
        return (c4, c5)
    }
}
