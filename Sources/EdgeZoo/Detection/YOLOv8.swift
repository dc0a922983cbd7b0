import EdgeIR

/// Ultralytics YOLOv8 detection (anchor-free, C2f blocks, DFL head), sizes n/s/m/l/x.
///
/// Layer list from `ultralytics/cfg/models/v8/yolov8.yaml`; see ``YOLOScale`` for the size scaling and
/// ``GraphBuilder/yDetect(_:classes:style:)`` for the head. Convolutions are fused with their BatchNorm.
enum YOLOv8 {
    static let scales: [String: YOLOScale] = [
        "n": YOLOScale(depth: 0.33, width: 0.25, maxChannels: 1024),
        "s": YOLOScale(depth: 0.33, width: 0.50, maxChannels: 1024),
        "m": YOLOScale(depth: 0.67, width: 0.75, maxChannels: 768),
        "l": YOLOScale(depth: 1.00, width: 1.00, maxChannels: 512),
        "x": YOLOScale(depth: 1.00, width: 1.25, maxChannels: 512),
    ]

    static func graph(size: String, input: Int, classes: Int) throws -> Graph {
        guard let s = scales[size] else { throw ZooError.badValue(id: "yolov8", key: "size", value: size, expected: "n, s, m, l or x") }
        try DetectionGeometry.requireMultiple(input, of: 32, id: "yolov8\(size)")
        var b = GraphBuilder(name: "yolov8\(size)")
        let x = b.input("images", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let c = s.channels, r = s.repeats
        let p1 = try b.yConv(x, c(64), 3, 2, name: "model.0")
        let p2 = try b.yConv(p1, c(128), 3, 2, name: "model.1")
        let l2 = try b.yC2f(p2, c(128), n: r(3), shortcut: true, inner: .bottleneckFull, name: "model.2")
        let l3 = try b.yConv(l2, c(256), 3, 2, name: "model.3")
        let l4 = try b.yC2f(l3, c(256), n: r(6), shortcut: true, inner: .bottleneckFull, name: "model.4")
        let l5 = try b.yConv(l4, c(512), 3, 2, name: "model.5")
        let l6 = try b.yC2f(l5, c(512), n: r(6), shortcut: true, inner: .bottleneckFull, name: "model.6")
        let l7 = try b.yConv(l6, c(1024), 3, 2, name: "model.7")
        let l8 = try b.yC2f(l7, c(1024), n: r(3), shortcut: true, inner: .bottleneckFull, name: "model.8")
        let l9 = try b.ySPPF(l8, c(1024), name: "model.9")

        let u10 = try b.upsample(l9, factor: 2, name: "model.10")
        let l12 = try b.yC2f(try b.concat([u10, l6], name: "model.11"), c(512), n: r(3), shortcut: false,
                             inner: .bottleneckFull, name: "model.12")
        let u13 = try b.upsample(l12, factor: 2, name: "model.13")
        let l15 = try b.yC2f(try b.concat([u13, l4], name: "model.14"), c(256), n: r(3), shortcut: false,
                             inner: .bottleneckFull, name: "model.15")
        let d16 = try b.yConv(l15, c(256), 3, 2, name: "model.16")
        let l18 = try b.yC2f(try b.concat([d16, l12], name: "model.17"), c(512), n: r(3), shortcut: false,
                             inner: .bottleneckFull, name: "model.18")
        let d19 = try b.yConv(l18, c(512), 3, 2, name: "model.19")
        let l21 = try b.yC2f(try b.concat([d19, l9], name: "model.20"), c(1024), n: r(3), shortcut: false,
                             inner: .bottleneckFull, name: "model.21")
        b.output(try b.yDetect([l15, l18, l21], classes: classes, style: .v8))
        return try b.finish()
    }
}
