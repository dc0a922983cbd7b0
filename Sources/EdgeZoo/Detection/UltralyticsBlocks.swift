import EdgeIR

/// Compound-scaling constants of one Ultralytics model size (`n`, `s`, `m`, `l`, `x`).
///
/// Ultralytics' model YAMLs give `[depth, width, max_channels]` per size; `parse_model` scales a
/// block's repeats by `depth` (rounded half-to-even, at least 1) and its channels by `width`
/// after capping at `max_channels`, rounded up to a multiple of 8.
struct YOLOScale: Sendable {
    let depth: Double
    let width: Double
    let maxChannels: Int

    func channels(_ c: Int) -> Int {
        let scaled = Double(min(c, maxChannels)) * width
        return Int((scaled / 8).rounded(.up)) * 8
    }

    func repeats(_ n: Int) -> Int {
        n > 1 ? max(Int((Double(n) * depth).rounded(.toNearestOrEven)), 1) : n
    }
}

/// The building blocks of Ultralytics' YOLOv5 / v8 / 11 / 26 (`ultralytics/nn/modules`), in deployment
/// form: every `Conv` is Conv2d(bias) + SiLU with its BatchNorm folded, as after `model.fuse()`.
///
/// Block and argument names follow the Python modules so per-layer tables read like `model.info()`.
extension GraphBuilder {
    /// `Conv(c1, c2, k, s, p, g)`: convolution + SiLU (or no activation), BN folded.
    @discardableResult
    mutating func yConv(_ x: String, _ out: Int, _ k: Int, _ s: Int = 1, p: Int? = nil, g: Int = 1,
                        act: Bool = true, name: String) throws -> String {
        try convAct(x, out: out, kernel: k, stride: s, padding: p, groups: g, act: act ? .silu : nil, name: name)
    }

    /// `DWConv(c1, c2, k)`: a grouped convolution with `gcd(c1, c2)` groups.
    @discardableResult
    mutating func yDWConv(_ x: String, _ out: Int, _ k: Int, name: String) throws -> String {
        let c1 = dims(of: x)[1]
        var a = c1, b = out
        while b != 0 { (a, b) = (b, a % b) }
        return try yConv(x, out, k, g: a, name: name)
    }

    /// `Bottleneck(c1, c2, shortcut, k=(k1, k2), e)`: two convolutions with an optional residual.
    @discardableResult
    mutating func yBottleneck(_ x: String, _ c2: Int, shortcut: Bool, k: (Int, Int) = (3, 3), e: Double = 0.5,
                              name: String) throws -> String {
        let c1 = dims(of: x)[1]
        let hidden = Int(Double(c2) * e)
        return try scope(name) { b in
            let y = try b.yConv(try b.yConv(x, hidden, k.0, name: "cv1"), c2, k.1, name: "cv2")
            return shortcut && c1 == c2 ? try b.add(x, y) : y
        }
    }

    /// `C3(c1, c2, n, shortcut, e=0.5)`: YOLOv5's CSP block with three convolutions.
    @discardableResult
    mutating func yC3(_ x: String, _ c2: Int, n: Int, shortcut: Bool, name: String) throws -> String {
        let hidden = c2 / 2
        return try scope(name) { b in
            var m = try b.yConv(x, hidden, 1, name: "cv1")
            let side = try b.yConv(x, hidden, 1, name: "cv2")
            for i in 0..<n { m = try b.yBottleneck(m, hidden, shortcut: shortcut, k: (1, 3), e: 1.0, name: "m.\(i)") }
            return try b.yConv(try b.concat([m, side]), c2, 1, name: "cv3")
        }
    }

    /// `C3k(c1, c2, n, shortcut, e=0.5, k=3)`: a C3 whose bottlenecks use k×k convolutions.
    @discardableResult
    mutating func yC3k(_ x: String, _ c2: Int, n: Int, shortcut: Bool, name: String) throws -> String {
        let hidden = c2 / 2
        return try scope(name) { b in
            var m = try b.yConv(x, hidden, 1, name: "cv1")
            let side = try b.yConv(x, hidden, 1, name: "cv2")
            for i in 0..<n { m = try b.yBottleneck(m, hidden, shortcut: shortcut, e: 1.0, name: "m.\(i)") }
            return try b.yConv(try b.concat([m, side]), c2, 1, name: "cv3")
        }
    }

    /// The inner block of a C2f-style module.
    enum CSPInner { case bottleneckFull, bottleneckHalf, c3k, bottleneckPSA }

    /// `C2f` (YOLOv8) and `C3k2` (YOLO11 / YOLO26): split, a chain of inner blocks, concatenate every output.
    ///
    /// C2f's bottlenecks keep the width (`e=1.0`); C3k2's halve it (`e=0.5`) or are `C3k` blocks, and
    /// YOLO26's attention variant follows each bottleneck with a `PSABlock`.
    @discardableResult
    mutating func yC2f(_ x: String, _ c2: Int, n: Int, shortcut: Bool, e: Double = 0.5, inner: CSPInner,
                       name: String) throws -> String {
        let c = Int(Double(c2) * e)
        return try scope(name) { b in
            let halves = try b.splitChannels(try b.yConv(x, 2 * c, 1, name: "cv1"), [c, c])
            var ys = halves
            for i in 0..<n {
                let last = ys[ys.count - 1]
                switch inner {
                case .bottleneckFull: ys.append(try b.yBottleneck(last, c, shortcut: shortcut, e: 1.0, name: "m.\(i)"))
                case .bottleneckHalf: ys.append(try b.yBottleneck(last, c, shortcut: shortcut, e: 0.5, name: "m.\(i)"))
                case .c3k: ys.append(try b.yC3k(last, c, n: 2, shortcut: shortcut, name: "m.\(i)"))
                case .bottleneckPSA:
                    ys.append(try b.scope("m.\(i)") { bb in
                        let y = try bb.yBottleneck(last, c, shortcut: shortcut, e: 0.5, name: "0")
                        return try bb.yPSABlock(y, heads: max(c / 64, 1), name: "1")
                    })
                }
            }
            return try b.yConv(try b.concat(ys), c2, 1, name: "cv2")
        }
    }

    /// `SPPF(c1, c2, k=5, n=3, shortcut)`: three chained max-pools, concatenated.
    ///
    /// YOLO26's variant leaves `cv1` without activation and adds a residual when `shortcut`.
    @discardableResult
    mutating func ySPPF(_ x: String, _ c2: Int, k: Int = 5, cv1Act: Bool = true, shortcut: Bool = false,
                        name: String) throws -> String {
        let c1 = dims(of: x)[1]
        return try scope(name) { b in
            var ys = [try b.yConv(x, c1 / 2, 1, act: cv1Act, name: "cv1")]
            for i in 0..<3 { ys.append(try b.maxPoolSame(ys[ys.count - 1], kernel: k, name: "m.\(i)")) }
            let y = try b.yConv(try b.concat(ys), c2, 1, name: "cv2")
            return shortcut && c1 == c2 ? try b.add(x, y) : y
        }
    }

    /// `Attention(dim, num_heads, attn_ratio=0.5)`: position-sensitive multi-head self-attention over the
    /// H·W positions, with a depthwise 3×3 positional encoding of the values.
    @discardableResult
    mutating func yAttention(_ x: String, heads: Int, name: String) throws -> String {
        let d = dims(of: x)
        let c = d[1], positions = Int64(d[2] * d[3])
        let headDim = c / heads, keyDim = headDim / 2
        return try scope(name) { b in
            let qkv = try b.yConv(x, c + 2 * keyDim * heads, 1, act: false, name: "qkv")
            let r = try b.reshape(qkv, [0, Int64(heads), Int64(2 * keyDim + headDim), positions], name: "heads")
            let s = b.ints("qkv_sizes", [Int64(keyDim), Int64(keyDim), Int64(headDim)])
            let qkvParts = try b.add(.split, [r, s], ["axis": .int(2)], name: "qkv_split", outputs: 3)
            let (q, k, v) = (qkvParts[0], qkvParts[1], qkvParts[2])
            let qt = try b.transpose(q, [0, 1, 3, 2], name: "q_t")
            var attn = try b.apply(.matMul, [qt, k], name: "scores")
            let scale = b.floats("scale", [1 / Float(keyDim).squareRoot()])
            attn = try b.mul(attn, scale, name: "scaled")
            attn = try b.softmax(attn, axis: -1)
            let at = try b.transpose(attn, [0, 1, 3, 2], name: "attn_t")
            let o = try b.apply(.matMul, [v, at], name: "context")
            let spatial = [0, Int64(c), Int64(d[2]), Int64(d[3])]
            let o4 = try b.reshape(o, spatial, name: "context_map")
            let pe = try b.yConv(try b.reshape(v, spatial, name: "v_map"), c, 3, g: c, act: false, name: "pe")
            return try b.yConv(try b.add(o4, pe, name: "with_pe"), c, 1, act: false, name: "proj")
        }
    }

    /// `PSABlock(c, attn_ratio=0.5, num_heads)`: attention then a 2× feed-forward, both residual.
    @discardableResult
    mutating func yPSABlock(_ x: String, heads: Int, name: String) throws -> String {
        let c = dims(of: x)[1]
        return try scope(name) { b in
            let a = try b.add(x, try b.yAttention(x, heads: heads, name: "attn"), name: "attn_residual")
            let f = try b.scope("ffn") { bb in try bb.yConv(try bb.yConv(a, 2 * c, 1, name: "0"), c, 1, act: false, name: "1") }
            return try b.add(a, f, name: "ffn_residual")
        }
    }

    /// `C2PSA(c1, c2, n, e=0.5)`: split, `n` PSA blocks on one half, concatenate, project.
    @discardableResult
    mutating func yC2PSA(_ x: String, n: Int, name: String) throws -> String {
        let c1 = dims(of: x)[1]
        let c = c1 / 2
        return try scope(name) { b in
            let halves = try b.splitChannels(try b.yConv(x, 2 * c, 1, name: "cv1"), [c, c])
            var y = halves[1]
            for i in 0..<n { y = try b.yPSABlock(y, heads: max(c / 64, 1), name: "m.\(i)") }
            return try b.yConv(try b.concat([halves[0], y]), c1, 1, name: "cv2")
        }
    }
}
