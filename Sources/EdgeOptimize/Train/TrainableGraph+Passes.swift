/// The forward pass (keeping every activation) and the reverse-mode backward pass, one sample at a time.
///
/// Each op's backward is the transpose of its forward loop: what the forward reads from an input, the
/// backward accumulates into that input's gradient, with the same index arithmetic. Gradients of a value
/// read by several layers add up. Loops run in a fixed order, so results are bit-for-bit repeatable.
extension TrainableGraph {
    /// Every value of the graph for one sample (index 0: the input; ``logits(_:)`` picks the logits).
    public func forward(_ x: [Float]) -> [[Float]] {
        precondition(x.count == sampleSize, "sample has \(x.count) values, expected \(sampleSize)")
        var values: [[Float]] = [x]
        values.reserveCapacity(shapes.count)
        for layer in layers {
            let a = values[index(layer.inputs[0])]
            var y = [Float](repeating: 0, count: shapes[layer.output].reduce(1, *))
            switch layer.kind {
            case .conv(let g):
                Self.convForward(g, x: a, w: param(layer.inputs[1]), b: layer.inputs[2].map(param), y: &y)
            case .gemm(let transB, let alpha, let beta, let k, let n):
                let b = param(layer.inputs[1])
                let c = layer.inputs[2].map(param)
                for j in 0..<n {
                    var s: Float = 0
                    for i in 0..<k { s += a[i] * (transB ? b[j * k + i] : b[i * n + j]) }
                    y[j] = alpha * s + (c.map { beta * $0[j] } ?? 0)
                }
            case .matMul(let k, let n):
                let b = param(layer.inputs[1])
                for r in 0..<(a.count / k) {
                    for i in 0..<k {
                        let av = a[r * k + i]
                        for j in 0..<n { y[r * n + j] += av * b[i * n + j] }
                    }
                }
            case .add(let map):
                switch layer.inputs[1]! {
                case .value(let v):
                    let b = values[v]
                    for i in y.indices { y[i] = a[i] + b[i] }
                case .param(let p):
                    let b = parameters[p].values
                    for i in y.indices { y[i] = a[i] + b[map![i]] }
                }
            case .relu:
                for i in y.indices { y[i] = max(a[i], 0) }
            case .maxPool(let g):
                let plane = g.height * g.width, oplane = g.outH * g.outW
                for c in 0..<g.channels {
                    for oy in 0..<g.outH {
                        for ox in 0..<g.outW {
                            let w = g.window(oy, ox)
                            var m = -Float.infinity
                            for yy in w.y0..<w.y1 { for xx in w.x0..<w.x1 { m = max(m, a[c * plane + yy * g.width + xx]) } }
                            y[c * oplane + oy * g.outW + ox] = m
                        }
                    }
                }
            case .averagePool(let g, let countPad):
                poolAverage(g, countPad: countPad, a, &y)
            case .globalAveragePool:
                let hw = a.count / y.count
                for c in y.indices {
                    var s: Float = 0
                    for i in 0..<hw { s += a[c * hw + i] }
                    y[c] = s / Float(hw)
                }
            case .reshape:
                y = a
            }
            values.append(y)
        }
        return values
    }

    /// The logits row of a forward pass.
    public func logits(_ values: [[Float]]) -> [Float] { values[logits] }

    /// Adds this sample's parameter gradients to `grads` (one array per parameter), given the loss
    /// gradient with respect to the logits.
    public func backward(_ values: [[Float]], dLogits: [Float], into grads: inout [[Float]]) {
        var d = [[Float]?](repeating: nil, count: values.count)
        d[logits] = dLogits
        func accumulate(_ ref: Ref?, _ delta: [Float], into grads: inout [[Float]]) {
            switch ref {
            case .value(let v)?:
                guard v != 0 else { return }   // the input needs no gradient
                if d[v] == nil { d[v] = delta } else { for i in delta.indices { d[v]![i] += delta[i] } }
            case .param(let p)?:
                for i in delta.indices { grads[p][i] += delta[i] }
            case nil: break
            }
        }
        for layer in layers.reversed() {
            guard let dy = d[layer.output] else { continue }
            let xref = layer.inputs[0]!
            let a = values[index(xref)]
            let needX = index(xref) != 0
            switch layer.kind {
            case .conv(let g):
                let w = param(layer.inputs[1])
                var dx = [Float](repeating: 0, count: needX ? a.count : 0)
                if case .param(let wp)? = layer.inputs[1] {
                    var bp: Int?
                    if case .param(let b)? = layer.inputs[2] { bp = b }
                    Self.convBackward(g, x: a, w: w, dy: dy, dx: &dx, dw: &grads[wp], needX: needX)
                    if let bp {
                        let plane = g.outH * g.outW
                        for o in 0..<g.outChannels {
                            var s: Float = 0
                            for i in 0..<plane { s += dy[o * plane + i] }
                            grads[bp][o] += s
                        }
                    }
                }
                if needX { accumulate(xref, dx, into: &grads) }
            case .gemm(let transB, let alpha, let beta, let k, let n):
                let b = param(layer.inputs[1])
                if case .param(let bp)? = layer.inputs[1] {
                    for i in 0..<k {
                        let ai = alpha * a[i]
                        for j in 0..<n { grads[bp][transB ? j * k + i : i * n + j] += ai * dy[j] }
                    }
                }
                if case .param(let cp)? = layer.inputs[2] { for j in 0..<n { grads[cp][j] += beta * dy[j] } }
                if needX {
                    var dx = [Float](repeating: 0, count: k)
                    for i in 0..<k {
                        var s: Float = 0
                        for j in 0..<n { s += dy[j] * (transB ? b[j * k + i] : b[i * n + j]) }
                        dx[i] = alpha * s
                    }
                    accumulate(xref, dx, into: &grads)
                }
            case .matMul(let k, let n):
                let b = param(layer.inputs[1])
                let rows = a.count / k
                var dx = [Float](repeating: 0, count: needX ? a.count : 0)
                if case .param(let bp)? = layer.inputs[1] {
                    for r in 0..<rows {
                        for i in 0..<k {
                            let av = a[r * k + i]
                            var s: Float = 0
                            for j in 0..<n {
                                grads[bp][i * n + j] += av * dy[r * n + j]
                                s += dy[r * n + j] * b[i * n + j]
                            }
                            if needX { dx[r * k + i] = s }
                        }
                    }
                }
                if needX { accumulate(xref, dx, into: &grads) }
            case .add(let map):
                accumulate(xref, dy, into: &grads)
                switch layer.inputs[1]! {
                case .value: accumulate(layer.inputs[1], dy, into: &grads)
                case .param(let p): for i in dy.indices { grads[p][map![i]] += dy[i] }
                }
            case .relu:
                let y = values[layer.output]
                accumulate(xref, zip(dy, y).map { $1 > 0 ? $0 : 0 }, into: &grads)
            case .maxPool(let g):
                guard needX else { continue }
                var dx = [Float](repeating: 0, count: a.count)
                let plane = g.height * g.width, oplane = g.outH * g.outW
                for c in 0..<g.channels {
                    for oy in 0..<g.outH {
                        for ox in 0..<g.outW {
                            let w = g.window(oy, ox)
                            // The first maximum in row-major order receives the gradient.
                            var best = -1
                            var m = -Float.infinity
                            for yy in w.y0..<w.y1 {
                                for xx in w.x0..<w.x1 where best < 0 || a[c * plane + yy * g.width + xx] > m {
                                    m = a[c * plane + yy * g.width + xx]
                                    best = c * plane + yy * g.width + xx
                                }
                            }
                            if best >= 0 { dx[best] += dy[c * oplane + oy * g.outW + ox] }
                        }
                    }
                }
                accumulate(xref, dx, into: &grads)
            case .averagePool(let g, let countPad):
                guard needX else { continue }
                var dx = [Float](repeating: 0, count: a.count)
                let plane = g.height * g.width, oplane = g.outH * g.outW
                for c in 0..<g.channels {
                    for oy in 0..<g.outH {
                        for ox in 0..<g.outW {
                            let w = g.window(oy, ox)
                            let n = countPad ? averageDivisor(g, oy, ox) : (w.y1 - w.y0) * (w.x1 - w.x0)
                            let share = dy[c * oplane + oy * g.outW + ox] / Float(n)
                            for yy in w.y0..<w.y1 { for xx in w.x0..<w.x1 { dx[c * plane + yy * g.width + xx] += share } }
                        }
                    }
                }
                accumulate(xref, dx, into: &grads)
            case .globalAveragePool:
                guard needX else { continue }
                let hw = a.count / dy.count
                var dx = [Float](repeating: 0, count: a.count)
                for c in dy.indices { for i in 0..<hw { dx[c * hw + i] = dy[c] / Float(hw) } }
                accumulate(xref, dx, into: &grads)
            case .reshape:
                accumulate(xref, dy, into: &grads)
            }
        }
    }

    @inline(__always) func index(_ ref: Ref?) -> Int {
        if case .value(let v)? = ref { return v }
        preconditionFailure("not an activation")
    }

    @inline(__always) func param(_ ref: Ref?) -> [Float] {
        if case .param(let p)? = ref { return parameters[p].values }
        preconditionFailure("not a parameter")
    }

    /// ONNX AveragePool with `count_include_pad = 1` divides by the window clipped to the padded input.
    func averageDivisor(_ g: PoolGeometry, _ oy: Int, _ ox: Int) -> Int {
        let ys = oy * g.strideH - g.padTop, xs = ox * g.strideW - g.padLeft
        let y1 = min(ys + g.kh, g.height + g.padBottom), x1 = min(xs + g.kw, g.width + g.padRight)
        return (y1 - ys) * (x1 - xs)
    }

    func poolAverage(_ g: PoolGeometry, countPad: Bool, _ a: [Float], _ y: inout [Float]) {
        let plane = g.height * g.width, oplane = g.outH * g.outW
        for c in 0..<g.channels {
            for oy in 0..<g.outH {
                for ox in 0..<g.outW {
                    let w = g.window(oy, ox)
                    var s: Float = 0
                    for yy in w.y0..<w.y1 { for xx in w.x0..<w.x1 { s += a[c * plane + yy * g.width + xx] } }
                    let n = countPad ? averageDivisor(g, oy, ox) : (w.y1 - w.y0) * (w.x1 - w.x0)
                    y[c * oplane + oy * g.outW + ox] = s / Float(n)
                }
            }
        }
    }
}
