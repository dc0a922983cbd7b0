/// The 256-weight super-block formats Q4_K and Q6_K.
///
/// Q4_K (144 bytes): fp16 d, fp16 dmin, 12 bytes packing eight 6-bit scales and eight 6-bit mins,
/// 128 bytes of nibbles. Sub-block j (32 weights) decodes as `d·sc_j·q − dmin·m_j`; its nibbles sit in
/// bytes 32·(j/2) …, low nibble for even j, high for odd. Q6_K (210 bytes): 128 bytes of low nibbles,
/// 64 bytes of 2-bit high parts, 16 int8 scales, fp16 d; sixteen 16-weight sub-blocks decode as
/// `d·sc·(q − 32)`.
///
/// The quantizers follow ggml's reference (`quantize_row_q4_K_ref` with its weighted min/scale search
/// `make_qkx2_quants`; `quantize_row_q6_K_ref` with `make_qx_quants`), keeping each sum and product in
/// its order so the bytes are the reference's.
extension GGUFBlocks {
    // MARK: Q4_K

    static func quantizeQ4_K(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<UInt8>) {
        var L = [UInt8](repeating: 0, count: 256)
        var laux = [UInt8](repeating: 0, count: 32)
        var weights = [Float](repeating: 0, count: 32)
        var mins = [Float](repeating: 0, count: 8)
        var scales = [Float](repeating: 0, count: 8)
        var maxScale: Float = 0, maxMin: Float = 0
        for j in 0..<8 {
            var sumX2: Float = 0
            for l in 0..<32 { sumX2 += x[32 * j + l] * x[32 * j + l] }
            let avX = (sumX2 / 32).squareRoot()
            for l in 0..<32 { weights[l] = avX + abs(x[32 * j + l]) }
            let sub = UnsafeBufferPointer(rebasing: x[(32 * j)..<(32 * j + 32)])
            var theMin: Float = 0
            scales[j] = L.withUnsafeMutableBufferPointer { lp in
                makeQKX2Quants(nmax: 15, x: sub, weights: weights,
                               L: UnsafeMutableBufferPointer(rebasing: lp[(32 * j)..<(32 * j + 32)]),
                               theMin: &theMin, laux: &laux, rmin: -1, rdelta: 0.1, nstep: 20)
            }
            mins[j] = theMin
            if scales[j] > maxScale { maxScale = scales[j] }
            if mins[j] > maxMin { maxMin = mins[j] }
        }
        let invScale: Float = maxScale > 0 ? 63 / maxScale : 0
        let invMin: Float = maxMin > 0 ? 63 / maxMin : 0
        // scales live at y[4 ..< 16]
        for k in 4..<16 { y[k] = 0 }
        for j in 0..<8 {
            let ls = min(63, UInt8(truncatingIfNeeded: nearestInt(invScale * scales[j])))
            let lm = min(63, UInt8(truncatingIfNeeded: nearestInt(invMin * mins[j])))
            if j < 4 {
                y[4 + j] = ls
                y[4 + j + 4] = lm
            } else {
                y[4 + j + 4] = (ls & 0xF) | ((lm & 0xF) << 4)
                y[4 + j - 4] |= (ls >> 4) << 6
                y[4 + j] |= (lm >> 4) << 6
            }
        }
        storeHalf(maxScale / 63, y, at: 0)
        storeHalf(maxMin / 63, y, at: 2)
        let d0 = Float(halfBits: UInt16(y[0]) | UInt16(y[1]) << 8)
        let m0 = Float(halfBits: UInt16(y[2]) | UInt16(y[3]) << 8)
        for j in 0..<8 {
            let (sc, m) = scaleMinK4(j, y, offset: 4)
            let d = d0 * Float(sc)
            if d == 0 { continue }
            let dm = m0 * Float(m)
            for ii in 0..<32 {
                let l = nearestInt((x[32 * j + ii] + dm) / d)
                L[32 * j + ii] = UInt8(max(0, min(15, l)))
            }
        }
        for c in 0..<4 {
            for l in 0..<32 {
                y[16 + 32 * c + l] = L[64 * c + l] | (L[64 * c + l + 32] << 4)
            }
        }
    }

    /// The 6-bit scale and min of sub-block `j` from the 12 packed bytes at `offset`.
    @inline(__always)
    static func scaleMinK4<C: RandomAccessCollection>(_ j: Int, _ q: C, offset: Int) -> (UInt8, UInt8)
        where C.Element == UInt8, C.Index == Int {
        let b = q.startIndex + offset
        if j < 4 {
            return (q[b + j] & 63, q[b + j + 4] & 63)
        }
        return ((q[b + j + 4] & 0xF) | ((q[b + j - 4] >> 6) << 4),
                (q[b + j + 4] >> 4) | ((q[b + j] >> 6) << 4))
    }

    /// Weighted search for the scale and (non-positive) offset of an unsigned `nmax`-level grid that
    /// minimise Σ w·(scale·l + min − x)²: a closed-form least-squares fit for each of `nstep + 1`
    /// trial grids around the min…max one. Returns the scale; `theMin` receives −min.
    static func makeQKX2Quants(nmax: Int32, x: UnsafeBufferPointer<Float>, weights: [Float],
                               L: UnsafeMutableBufferPointer<UInt8>, theMin: inout Float, laux: inout [UInt8],
                               rmin: Float, rdelta: Float, nstep: Int) -> Float {
        let n = x.count
        var lo = x[0], hi = x[0]
        var sumW = weights[0]
        var sumX = sumW * x[0]
        for i in 1..<n {
            if x[i] < lo { lo = x[i] }
            if x[i] > hi { hi = x[i] }
            let w = weights[i]
            sumW += w
            sumX += w * x[i]
        }
        if lo > 0 { lo = 0 }
        if hi == lo {
            for i in 0..<n { L[i] = 0 }
            theMin = -lo
            return 0
        }
        let fmax = Float(nmax)
        var iscale = fmax / (hi - lo)
        var scale = 1 / iscale
        var bestError: Float = 0
        for i in 0..<n {
            let l = nearestInt(iscale * (x[i] - lo))
            L[i] = UInt8(max(0, min(nmax, l)))
            var diff = scale * Float(L[i]) + lo - x[i]
            diff = diff * diff
            bestError += weights[i] * diff
        }
        if nstep < 1 {
            theMin = -lo
            return scale
        }
        for step in 0...nstep {
            iscale = (rmin + rdelta * Float(step) + fmax) / (hi - lo)
            var sumL: Float = 0, sumL2: Float = 0, sumXL: Float = 0
            for i in 0..<n {
                let l = max(0, min(nmax, nearestInt(iscale * (x[i] - lo))))
                laux[i] = UInt8(l)
                let w = weights[i]
                let fl = Float(l)
                sumL += w * fl
                sumL2 += w * fl * fl
                sumXL += w * fl * x[i]
            }
            let D = sumW * sumL2 - sumL * sumL
            if D > 0 {
                var thisScale = (sumW * sumXL - sumX * sumL) / D
                var thisMin = (sumL2 * sumX - sumL * sumXL) / D
                if thisMin > 0 {
                    thisMin = 0
                    thisScale = sumXL / sumL2
                }
                var curError: Float = 0
                for i in 0..<n {
                    var diff = thisScale * Float(laux[i]) + thisMin - x[i]
                    diff = diff * diff
                    curError += weights[i] * diff
                }
                if curError < bestError {
                    for i in 0..<n { L[i] = laux[i] }
                    bestError = curError
                    scale = thisScale
                    lo = thisMin
                }
            }
        }
        theMin = -lo
        return scale
    }

    static func dequantizeQ4_K(_ x: UnsafeRawBufferPointer, _ y: UnsafeMutableBufferPointer<Float>) {
        let d = loadHalf(x, at: 0), dmin = loadHalf(x, at: 2)
        for j in 0..<8 {
            let (sc, m) = scaleMinK4(j, x, offset: 4)
            let d1 = d * Float(sc), m1 = dmin * Float(m)
            let base = 16 + 32 * (j / 2)
            let shift: UInt8 = j % 2 == 0 ? 0 : 4
            for l in 0..<32 {
                y[32 * j + l] = d1 * Float((x[base + l] >> shift) & 0xF) - m1
            }
        }
    }

    // MARK: Q6_K

    static func quantizeQ6_K(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<UInt8>) {
        var L = [Int8](repeating: 0, count: 256)
        var scales = [Float](repeating: 0, count: 16)
        var maxScale: Float = 0, maxAbsScale: Float = 0
        for ib in 0..<16 {
            let sub = UnsafeBufferPointer(rebasing: x[(16 * ib)..<(16 * ib + 16)])
            let scale = L.withUnsafeMutableBufferPointer {
                makeQXQuants(nmax: 32, x: sub, L: UnsafeMutableBufferPointer(rebasing: $0[(16 * ib)..<(16 * ib + 16)]))
            }
            scales[ib] = scale
            if abs(scale) > maxAbsScale {
                maxAbsScale = abs(scale)
                maxScale = scale
            }
        }
        for k in 0..<210 { y[k] = 0 }
        if maxAbsScale < 1e-15 { return }   // all-zero block: every byte 0 (d = +0)
        let iscale = -128 / maxScale
        storeHalf(1 / iscale, y, at: 208)
        for ib in 0..<16 {
            y[192 + ib] = UInt8(bitPattern: Int8(truncatingIfNeeded: min(127, nearestInt(iscale * scales[ib]))))
        }
        let d0 = Float(halfBits: UInt16(y[208]) | UInt16(y[209]) << 8)
        for j in 0..<16 {
            let d = d0 * Float(Int8(bitPattern: y[192 + j]))
            if d == 0 { continue }
            for ii in 0..<16 {
                let l = max(-32, min(31, nearestInt(x[16 * j + ii] / d)))
                L[16 * j + ii] = Int8(l + 32)
            }
        }
        for h in 0..<2 {
            let j = 128 * h
            for l in 0..<32 {
                let q1 = UInt8(L[j + l]) & 0xF, q2 = UInt8(L[j + l + 32]) & 0xF
                let q3 = UInt8(L[j + l + 64]) & 0xF, q4 = UInt8(L[j + l + 96]) & 0xF
                y[64 * h + l] = q1 | (q3 << 4)
                y[64 * h + l + 32] = q2 | (q4 << 4)
                y[128 + 32 * h + l] = (UInt8(L[j + l]) >> 4) | ((UInt8(L[j + l + 32]) >> 4) << 2)
                    | ((UInt8(L[j + l + 64]) >> 4) << 4) | ((UInt8(L[j + l + 96]) >> 4) << 6)
            }
        }
    }

    /// Scale search for a signed grid −nmax … nmax−1 weighted by x² (ggml's `make_qx_quants`,
    /// rmse_type 1): the least-squares scale for the absmax grid and 18 nearby grids, keeping the best.
    /// `L` receives the codes offset by nmax.
    static func makeQXQuants(nmax: Int32, x: UnsafeBufferPointer<Float>, L: UnsafeMutableBufferPointer<Int8>) -> Float {
        let n = x.count
        var mx: Float = 0, amax: Float = 0
        for i in 0..<n {
            let ax = abs(x[i])
            if ax > amax {
                amax = ax
                mx = x[i]
            }
        }
        if amax < 1e-15 {
            for i in 0..<n { L[i] = 0 }
            return 0
        }
        let fmax = Float(nmax)
        var iscale = -fmax / mx
        var sumLX: Float = 0, sumL2: Float = 0
        for i in 0..<n {
            let l = max(-nmax, min(nmax - 1, nearestInt(iscale * x[i])))
            L[i] = Int8(l + nmax)
            let w = x[i] * x[i]
            let fl = Float(l)
            sumLX += w * x[i] * fl
            sumL2 += w * fl * fl
        }
        var scale: Float = sumL2 != 0 ? sumLX / sumL2 : 0
        var best = scale * sumLX
        for step in -9...9 where step != 0 {
            iscale = -(fmax + 0.1 * Float(step)) / mx
            sumLX = 0
            sumL2 = 0
            for i in 0..<n {
                let l = max(-nmax, min(nmax - 1, nearestInt(iscale * x[i])))
                let w = x[i] * x[i]
                let fl = Float(l)
                sumLX += w * x[i] * fl
                sumL2 += w * fl * fl
            }
            if sumL2 > 0 && sumLX * sumLX > best * sumL2 {
                for i in 0..<n {
                    L[i] = Int8(max(-nmax, min(nmax - 1, nearestInt(iscale * x[i]))) + nmax)
                }
                scale = sumLX / sumL2
                best = scale * sumLX
            }
        }
        return scale
    }

    static func dequantizeQ6_K(_ x: UnsafeRawBufferPointer, _ y: UnsafeMutableBufferPointer<Float>) {
        let d = loadHalf(x, at: 208)
        for h in 0..<2 {
            for r in 0..<4 {
                for l in 0..<32 {
                    let low = (x[64 * h + 32 * (r % 2) + l] >> (4 * UInt8(r / 2))) & 0xF
                    let high = (x[128 + 32 * h + l] >> (2 * UInt8(r))) & 3
                    let q = Int32(low | high << 4) - 32
                    let e = 128 * h + 32 * r + l
                    let sc = Float(Int8(bitPattern: x[192 + e / 16]))
                    y[e] = d * sc * Float(q)
                }
            }
        }
    }
}
