import EdgeIR

/// The sizes of one 2-D convolution on one sample, read from a Conv node and checked.
///
/// Output size per ONNX: `out = (in + pad_begin + pad_end − dilation·(k − 1) − 1) / stride + 1`.
struct ConvGeometry: Sendable {
    var inChannels = 0, height = 0, width = 0
    var outChannels = 0, groups = 1
    var kh = 0, kw = 0
    var strideH = 1, strideW = 1
    var padTop = 0, padLeft = 0
    var dilationH = 1, dilationW = 1
    var outH = 0, outW = 0

    static func make(node: Node, input xs: [Int], weight ws: [Int]) -> Result<ConvGeometry, Unfit> {
        guard xs.count == 4 else { return .failure(Unfit("input has per-sample shape \(xs); training supports 2-D convolution [1, C, H, W]")) }
        guard ws.count == 4 else { return .failure(Unfit("weight has shape \(ws), expected [O, C/group, kh, kw]")) }
        var g = ConvGeometry()
        (g.inChannels, g.height, g.width) = (xs[1], xs[2], xs[3])
        g.groups = node.int("group", default: 1)
        g.outChannels = ws[0]
        (g.kh, g.kw) = (ws[2], ws[3])
        guard g.groups >= 1, g.inChannels % g.groups == 0, g.outChannels % g.groups == 0, ws[1] == g.inChannels / g.groups else {
            return .failure(Unfit("weight \(ws) with group \(g.groups) does not fit \(g.inChannels) input channels"))
        }
        if let k = node.ints("kernel_shape"), k != [g.kh, g.kw] { return .failure(Unfit("kernel_shape \(k) differs from the weight's \([g.kh, g.kw])")) }
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        guard autoPad == "NOTSET" || autoPad == "VALID" || autoPad.isEmpty else {
            return .failure(Unfit("auto_pad \(autoPad) is not supported; write explicit pads"))
        }
        let s = node.ints("strides") ?? [1, 1]
        let d = node.ints("dilations") ?? [1, 1]
        let p = autoPad == "VALID" ? [0, 0, 0, 0] : node.ints("pads") ?? [0, 0, 0, 0]
        guard s.count == 2, d.count == 2, p.count == 4, (s + d).allSatisfy({ $0 >= 1 }), p.allSatisfy({ $0 >= 0 }) else {
            return .failure(Unfit("strides \(s), dilations \(d), pads \(p) are not 2-D and positive"))
        }
        (g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft) = (s[0], s[1], d[0], d[1], p[0], p[1])
        let spanH = g.height + p[0] + p[2] - d[0] * (g.kh - 1) - 1
        let spanW = g.width + p[1] + p[3] - d[1] * (g.kw - 1) - 1
        guard spanH >= 0, spanW >= 0 else { return .failure(Unfit("kernel larger than the padded input \(xs)")) }
        g.outH = spanH / s[0] + 1
        g.outW = spanW / s[1] + 1
        return .success(g)
    }
}

/// The sizes of one 2-D pooling window on one sample (MaxPool, AveragePool), checked.
struct PoolGeometry: Sendable {
    var channels = 0, height = 0, width = 0
    var kh = 0, kw = 0
    var strideH = 1, strideW = 1
    var padTop = 0, padLeft = 0, padBottom = 0, padRight = 0
    var outH = 0, outW = 0

    static func make(node: Node, input xs: [Int]) -> Result<PoolGeometry, Unfit> {
        guard xs.count == 4 else { return .failure(Unfit("input has per-sample shape \(xs); training supports 2-D pooling")) }
        guard let k = node.ints("kernel_shape"), k.count == 2, k.allSatisfy({ $0 >= 1 }) else {
            return .failure(Unfit("kernel_shape must be two positive sizes"))
        }
        guard node.int("ceil_mode", default: 0) == 0 else { return .failure(Unfit("ceil_mode = 1 is not supported")) }
        guard (node.ints("dilations") ?? [1, 1]).allSatisfy({ $0 == 1 }) else { return .failure(Unfit("dilated pooling is not supported")) }
        let autoPad = node.string("auto_pad") ?? "NOTSET"
        guard autoPad == "NOTSET" || autoPad == "VALID" || autoPad.isEmpty else {
            return .failure(Unfit("auto_pad \(autoPad) is not supported; write explicit pads"))
        }
        let s = node.ints("strides") ?? [1, 1]
        let p = autoPad == "VALID" ? [0, 0, 0, 0] : node.ints("pads") ?? [0, 0, 0, 0]
        guard s.count == 2, p.count == 4, s.allSatisfy({ $0 >= 1 }), p.allSatisfy({ $0 >= 0 }), p[0] < k[0], p[1] < k[1], p[2] < k[0], p[3] < k[1] else {
            return .failure(Unfit("strides \(s) or pads \(p) are not valid for kernel \(k)"))
        }
        var g = PoolGeometry()
        (g.channels, g.height, g.width, g.kh, g.kw) = (xs[1], xs[2], xs[3], k[0], k[1])
        (g.strideH, g.strideW, g.padTop, g.padLeft, g.padBottom, g.padRight) = (s[0], s[1], p[0], p[1], p[2], p[3])
        let spanH = g.height + p[0] + p[2] - k[0], spanW = g.width + p[1] + p[3] - k[1]
        guard spanH >= 0, spanW >= 0 else { return .failure(Unfit("window larger than the padded input \(xs)")) }
        g.outH = spanH / s[0] + 1
        g.outW = spanW / s[1] + 1
        return .success(g)
    }

    /// The window of output (oy, ox) clipped to the input: rows y0..<y1, columns x0..<x1.
    @inline(__always)
    func window(_ oy: Int, _ ox: Int) -> (y0: Int, y1: Int, x0: Int, x1: Int) {
        let ys = oy * strideH - padTop, xs = ox * strideW - padLeft
        return (max(ys, 0), min(ys + kh, height), max(xs, 0), min(xs + kw, width))
    }
}
