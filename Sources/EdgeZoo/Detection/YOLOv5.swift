import EdgeIR

/// Ultralytics YOLOv5 (v6.0+ layout: 6×6 stem convolution, C3 blocks, SPPF; anchor-based head), sizes n–x.
///
/// Layer list from `yolov5/models/yolov5{n,s,m,l,x}.yaml` (they differ only in depth and width
/// multiples). Convolutions are fused with their BatchNorm, as in YOLOv5's `Fusing layers…` summaries.
enum YOLOv5 {
    static let scales: [String: YOLOScale] = [
        "n": YOLOScale(depth: 0.33, width: 0.25, maxChannels: 1 << 20),
        "s": YOLOScale(depth: 0.33, width: 0.50, maxChannels: 1 << 20),
        "m": YOLOScale(depth: 0.67, width: 0.75, maxChannels: 1 << 20),
        "l": YOLOScale(depth: 1.00, width: 1.00, maxChannels: 1 << 20),
        "x": YOLOScale(depth: 1.33, width: 1.25, maxChannels: 1 << 20),
    ]

    static func graph(size: String, input: Int, classes: Int) throws -> Graph {
        guard let s = scales[size] else { throw ZooError.badValue(id: "yolov5", key: "size", value: size, expected: "n, s, m, l or x") }
        try DetectionGeometry.requireMultiple(input, of: 32, id: "yolov5\(size)")
        var b = GraphBuilder(name: "yolov5\(size)")
        let x = b.input("images", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let c = s.channels, r = s.repeats
        let p1 = try b.yConv(x, c(64), 6, 2, p: 2, name: "model.0")
        let p2 = try b.yConv(p1, c(128), 3, 2, name: "model.1")
        let l2 = try b.yC3(p2, c(128), n: r(3), shortcut: true, name: "model.2")
        let l3 = try b.yConv(l2, c(256), 3, 2, name: "model.3")
        let l4 = try b.yC3(l3, c(256), n: r(6), shortcut: true, name: "model.4")
        let l5 = try b.yConv(l4, c(512), 3, 2, name: "model.5")
        let l6 = try b.yC3(l5, c(512), n: r(9), shortcut: true, name: "model.6")
        let l7 = try b.yConv(l6, c(1024), 3, 2, name: "model.7")
        let l8 = try b.yC3(l7, c(1024), n: r(3), shortcut: true, name: "model.8")
        let l9 = try b.ySPPF(l8, c(1024), name: "model.9")

        let l10 = try b.yConv(l9, c(512), 1, name: "model.10")
        let u11 = try b.upsample(l10, factor: 2, name: "model.11")
        let l13 = try b.yC3(try b.concat([u11, l6], name: "model.12"), c(512), n: r(3), shortcut: false, name: "model.13")
        let l14 = try b.yConv(l13, c(256), 1, name: "model.14")
        let u15 = try b.upsample(l14, factor: 2, name: "model.15")
        let l17 = try b.yC3(try b.concat([u15, l4], name: "model.16"), c(256), n: r(3), shortcut: false, name: "model.17")
        let d18 = try b.yConv(l17, c(256), 3, 2, name: "model.18")
        let l20 = try b.yC3(try b.concat([d18, l14], name: "model.19"), c(512), n: r(3), shortcut: false, name: "model.20")
        let d21 = try b.yConv(l20, c(512), 3, 2, name: "model.21")
        let l23 = try b.yC3(try b.concat([d21, l10], name: "model.22"), c(1024), n: r(3), shortcut: false, name: "model.23")
        b.output(try b.yDetectV5([l17, l20, l23], classes: classes))
        return try b.finish()
    }
}
