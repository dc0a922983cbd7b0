import EdgeIR

/// Ultralytics YOLO26 detection (end-to-end, no DFL), sizes n/s/m/l/x.
///
/// Layer list from `ultralytics/cfg/models/26/yolo26.yaml`: YOLO11's trunk with C3k blocks in the neck,
/// an SPPF with a residual and a linear `cv1`, and a last neck block whose bottleneck is followed by
/// a PSA attention block. After `model.fuse()` only the one-to-one head remains, which is what is built
/// (and what Ultralytics' published parameter and FLOP counts describe).
enum YOLO26 {
    static let scales: [String: YOLOScale] = YOLO11.scales

    static func graph(size: String, input: Int, classes: Int) throws -> Graph {
        guard let s = scales[size] else { throw ZooError.badValue(id: "yolo26", key: "size", value: size, expected: "n, s, m, l or x") }
        try DetectionGeometry.requireMultiple(input, of: 32, id: "yolo26\(size)")
        let big = "mlx".contains(size)
        var b = GraphBuilder(name: "yolo26\(size)")
        let x = b.input("images", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let c = s.channels, r = s.repeats
        func inner(_ c3k: Bool) -> GraphBuilder.CSPInner { c3k || big ? .c3k : .bottleneckHalf }
        let p1 = try b.yConv(x, c(64), 3, 2, name: "model.0")
        let p2 = try b.yConv(p1, c(128), 3, 2, name: "model.1")
        let l2 = try b.yC2f(p2, c(256), n: r(2), shortcut: true, e: 0.25, inner: inner(false), name: "model.2")
        let l3 = try b.yConv(l2, c(256), 3, 2, name: "model.3")
        let l4 = try b.yC2f(l3, c(512), n: r(2), shortcut: true, e: 0.25, inner: inner(false), name: "model.4")
        let l5 = try b.yConv(l4, c(512), 3, 2, name: "model.5")
        let l6 = try b.yC2f(l5, c(512), n: r(2), shortcut: true, inner: inner(true), name: "model.6")
        let l7 = try b.yConv(l6, c(1024), 3, 2, name: "model.7")
        let l8 = try b.yC2f(l7, c(1024), n: r(2), shortcut: true, inner: inner(true), name: "model.8")
        let l9 = try b.ySPPF(l8, c(1024), cv1Act: false, shortcut: true, name: "model.9")
        let l10 = try b.yC2PSA(l9, n: r(2), name: "model.10")

        let u11 = try b.upsample(l10, factor: 2, name: "model.11")
        let l13 = try b.yC2f(try b.concat([u11, l6], name: "model.12"), c(512), n: r(2), shortcut: true,
                             inner: inner(true), name: "model.13")
        let u14 = try b.upsample(l13, factor: 2, name: "model.14")
        let l16 = try b.yC2f(try b.concat([u14, l4], name: "model.15"), c(256), n: r(2), shortcut: true,
                             inner: inner(true), name: "model.16")
        let d17 = try b.yConv(l16, c(256), 3, 2, name: "model.17")
        let l19 = try b.yC2f(try b.concat([d17, l13], name: "model.18"), c(512), n: r(2), shortcut: true,
                             inner: inner(true), name: "model.19")
        let d20 = try b.yConv(l19, c(512), 3, 2, name: "model.20")
        let l22 = try b.yC2f(try b.concat([d20, l10], name: "model.21"), c(1024), n: 1, shortcut: true,
                             inner: .bottleneckPSA, name: "model.22")
        b.output(try b.yDetect([l16, l19, l22], classes: classes, style: .v26))
        return try b.finish()
    }
}
