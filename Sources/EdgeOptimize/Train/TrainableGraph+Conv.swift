/// 2-D convolution forward and backward for one sample (NCHW, weight `[O, C/group, kh, kw]`).
///
/// Direct loops, no im2col: the layers training sees here are small, and the direct form makes the
/// backward an exact transpose of the forward (same taps, same order), which the finite-difference
/// tests check.
extension TrainableGraph {
    static func convForward(_ g: ConvGeometry, x: [Float], w: [Float], b: [Float]?, y: inout [Float]) {
        let cg = g.inChannels / g.groups, og = g.outChannels / g.groups
        let oplane = g.outH * g.outW, plane = g.height * g.width, taps = g.kh * g.kw
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                y.withUnsafeMutableBufferPointer { y in
                    for o in 0..<g.outChannels {
                        let bias = b?[o] ?? 0
                        for i in 0..<oplane { y[o * oplane + i] = bias }
                        let group = o / og
                        for ci in 0..<cg {
                            let c = group * cg + ci
                            for ky in 0..<g.kh {
                                for kx in 0..<g.kw {
                                    let wv = w[(o * cg + ci) * taps + ky * g.kw + kx]
                                    for oy in 0..<g.outH {
                                        let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                                        guard iy >= 0, iy < g.height else { continue }
                                        let (lo, hi) = g.columns(kx)
                                        let yrow = o * oplane + oy * g.outW, xrow = c * plane + iy * g.width - g.padLeft + kx * g.dilationW
                                        for ox in lo..<hi { y[yrow + ox] += wv * x[xrow + ox * g.strideW] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Adds ∂L/∂W to `dw` and, when `needX`, ∂L/∂X to `dx` (which then has the input's size).
    static func convBackward(_ g: ConvGeometry, x: [Float], w: [Float], dy: [Float], dx: inout [Float], dw: inout [Float], needX: Bool) {
        let cg = g.inChannels / g.groups, og = g.outChannels / g.groups
        let oplane = g.outH * g.outW, plane = g.height * g.width, taps = g.kh * g.kw
        x.withUnsafeBufferPointer { x in
            w.withUnsafeBufferPointer { w in
                dy.withUnsafeBufferPointer { dy in
                    dx.withUnsafeMutableBufferPointer { dx in
                        dw.withUnsafeMutableBufferPointer { dw in
                            for o in 0..<g.outChannels {
                                let group = o / og
                                for ci in 0..<cg {
                                    let c = group * cg + ci
                                    for ky in 0..<g.kh {
                                        for kx in 0..<g.kw {
                                            let wi = (o * cg + ci) * taps + ky * g.kw + kx
                                            let wv = w[wi]
                                            var gw: Float = 0
                                            for oy in 0..<g.outH {
                                                let iy = oy * g.strideH - g.padTop + ky * g.dilationH
                                                guard iy >= 0, iy < g.height else { continue }
                                                let (lo, hi) = g.columns(kx)
                                                let yrow = o * oplane + oy * g.outW, xrow = c * plane + iy * g.width - g.padLeft + kx * g.dilationW
                                                for ox in lo..<hi { gw += dy[yrow + ox] * x[xrow + ox * g.strideW] }
                                                if needX { for ox in lo..<hi { dx[xrow + ox * g.strideW] += dy[yrow + ox] * wv } }
                                            }
                                            dw[wi] += gw
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension ConvGeometry {
    /// The output columns `lo..<hi` whose input column `ox·stride − padLeft + kx·dilation` lies inside
    /// the image, so the inner loops run without a bounds test.
    @inline(__always)
    func columns(_ kx: Int) -> (Int, Int) {
        let offset = kx * dilationW - padLeft
        // ox·s + offset ≥ 0  ⇔  ox ≥ ⌈−offset / s⌉;  ox·s + offset ≤ W − 1  ⇔  ox ≤ ⌊(W − 1 − offset) / s⌋.
        let lo = offset >= 0 ? 0 : (-offset + strideW - 1) / strideW
        let top = width - 1 - offset
        let hi = top < 0 ? 0 : min(outW, top / strideW + 1)
        return (min(lo, hi), hi)
    }
}
