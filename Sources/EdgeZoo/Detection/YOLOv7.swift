import EdgeIR

/// YOLOv7 (Wang, Bochkovskiy & Liao 2022), the 640 px "YOLOv7" model in its deploy form.
///
/// Layer list from `cfg/deploy/yolov7.yaml`: E-ELAN blocks, MP downsampling (max-pool branch beside a
/// strided-conv branch), SPPCSPC, re-parameterised RepConv (a single 3×3 conv after fusion) and the
/// anchor-based head with 3 anchors per cell. Convolutions are fused with their BatchNorm.
enum YOLOv7 {
    static func graph(input: Int, classes: Int) throws -> Graph {
        try DetectionGeometry.requireMultiple(input, of: 32, id: "yolov7")
        var b = GraphBuilder(name: "yolov7")
        let x = b.input("images", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        // Layer outputs by index, as the YAML's `from` column refers to them.
        var l: [String] = []
        func at(_ f: Int) -> String { f < 0 ? l[l.count + f] : l[f] }
        func conv(_ f: Int, _ c: Int, _ k: Int, _ s: Int = 1) throws {
            l.append(try b.yConv(at(f), c, k, s, name: "model.\(l.count)"))
        }
        func cat(_ fs: [Int]) throws { l.append(try b.concat(fs.map(at), name: "model.\(l.count)")) }
        func mp() throws { l.append(try b.maxPool(at(-1), kernel: 2, stride: 2, name: "model.\(l.count)")) }
        func up() throws { l.append(try b.upsample(at(-1), factor: 2, name: "model.\(l.count)")) }
        /// Backbone E-ELAN: two 1×1 branches, four 3×3 convs, concat of four taps, 1×1 fuse.
        func elan(_ c: Int, _ out: Int) throws {
            try conv(-1, c, 1); try conv(-2, c, 1)
            for _ in 0..<4 { try conv(-1, c, 3) }
            try cat([-1, -3, -5, -6]); try conv(-1, out, 1)
        }
        /// Head ELAN-W: as `elan` but the 3×3 convs halve the width and all six taps are concatenated.
        func elanW(_ c: Int, _ out: Int) throws {
            try conv(-1, c, 1); try conv(-2, c, 1)
            for _ in 0..<4 { try conv(-1, c / 2, 3) }
            try cat([-1, -2, -3, -4, -5, -6]); try conv(-1, out, 1)
        }
        /// MP-1 transition: max-pool + 1×1 beside 1×1 + strided 3×3.
        func transition(_ c: Int, extra: Int? = nil) throws {
            try mp(); try conv(-1, c, 1); try conv(-3, c, 1); try conv(-1, c, 3, 2)
            try cat(extra.map { [-1, -3, $0] } ?? [-1, -3])
        }

        l.append(try b.yConv(x, 32, 3, name: "model.0"))
        try conv(-1, 64, 3, 2); try conv(-1, 64, 3)
        try conv(-1, 128, 3, 2)
        try elan(64, 256)                       // 11
        try transition(128); try elan(128, 512)  // 16, 24
        try transition(256); try elan(256, 1024) // 29, 37
        try transition(512); try elan(256, 1024) // 42, 50

        l.append(try b.sppcspc(at(-1), 512, name: "model.51"))
        try conv(-1, 256, 1); try up(); try conv(37, 256, 1); try cat([-1, -2])
        try elanW(256, 256)                      // 63
        try conv(-1, 128, 1); try up(); try conv(24, 128, 1); try cat([-1, -2])
        try elanW(128, 128)                      // 75
        try transition(128, extra: 63); try elanW(256, 256)  // 88
        try transition(256, extra: 51); try elanW(512, 512)  // 101
        let p3 = try b.yConv(l[75], 256, 3, name: "model.102")
        let p4 = try b.yConv(l[88], 512, 3, name: "model.103")
        let p5 = try b.yConv(l[101], 1024, 3, name: "model.104")
        b.output(try b.yDetectV5([p3, p4, p5], classes: classes))
        return try b.finish()
    }
}

extension GraphBuilder {
    /// YOLOv7's `SPPCSPC(c1, c2)`: a CSP split whose main path runs 5/9/13 max-pool pyramid pooling.
    @discardableResult
    mutating func sppcspc(_ x: String, _ c2: Int, name: String) throws -> String {
        let c = c2
        return try scope(name) { b in
            let x1 = try b.yConv(try b.yConv(try b.yConv(x, c, 1, name: "cv1"), c, 3, name: "cv3"), c, 1, name: "cv4")
            var ys = [x1]
            for (i, k) in [5, 9, 13].enumerated() { ys.append(try b.maxPoolSame(x1, kernel: k, name: "m.\(i)")) }
            let y1 = try b.yConv(try b.yConv(try b.concat(ys), c, 1, name: "cv5"), c, 3, name: "cv6")
            let y2 = try b.yConv(x, c, 1, name: "cv2")
            return try b.yConv(try b.concat([y1, y2]), c2, 1, name: "cv7")
        }
    }
}
