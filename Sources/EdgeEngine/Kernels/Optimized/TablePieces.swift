import CEdgeKernels

/// A 256-entry float table as a few polynomial pieces over the ordered code, for ``ck_lookup_gap_quantize``.
///
/// The tables behind quantized glue are activations of a dequantized code: HardSwish of (c − z)·s is 0, then a
/// parabola, then a line; ReLU6 and HardSigmoid are 0 (or a constant), a line, a constant. Such a table is
/// that polynomial up to the float rounding of each entry, so a pool can sum the polynomial over a plane
/// from integer sums of the codes. Each piece records its largest deviation (`eps`), which the kernel adds to
/// its error bound; the fit only decides how tight that bound is, never whether the result is right.
enum TablePieces {
    /// At most this many pieces; a table that needs more (a sigmoid, say) is summed in order instead.
    static let maxPieces = 6

    /// Pieces covering codes 0…255 in order of value (`flip` 0x80 for int8 codes: byte ^ 0x80 orders them),
    /// each within 2^-18 of the table's largest magnitude; nil when an entry is not finite or more than
    /// ``maxPieces`` pieces would be needed.
    static func fit(_ table: [Float], flip: UInt8) -> [ck_table_piece]? {
        guard table.count == 256, table.allSatisfy(\.isFinite) else { return nil }
        let v = (0..<256).map { Double(table[$0 ^ Int(flip)]) }
        let tol = max(v.map(abs).max() ?? 0, 1e-30) * 0x1p-18
        var pieces: [ck_table_piece] = []
        var start = 0
        while start < 256 {
            var best = piece(v, start, start, tol)!  // one entry: a constant fits exactly
            var end = start + 1
            while end < 256, let p = piece(v, start, end, tol) {
                best = p
                end += 1
            }
            pieces.append(best)
            guard pieces.count <= maxPieces else { return nil }
            start = Int(best.hi) + 1
        }
        return pieces
    }

    /// The lowest-degree polynomial through v[lo], v[mid], v[hi] (or their midrange, for degree 0) that stays
    /// within `tol` of every entry in [lo, hi], as a piece; nil when none does.
    static func piece(_ v: [Double], _ lo: Int, _ hi: Int, _ tol: Double) -> ck_table_piece? {
        let span = v[lo...hi]
        let mag = span.map(abs).max()!
        let sameSign: Int32 = span.allSatisfy { $0 >= 0 } || span.allSatisfy { $0 <= 0 } ? 1 : 0
        if span.allSatisfy({ $0 == 0 }) {
            return ck_table_piece(lo: Int32(lo), hi: Int32(hi), degree: -1, same_sign: 1, a: 0, b: 0, c: 0, eps: 0, mag: 0)
        }
        let n = Double(hi - lo)
        for degree in 0...2 {
            var a = 0.0, b = 0.0, c = 0.0
            switch degree {
            case 0:
                a = (span.min()! + span.max()!) / 2
            case 1:
                guard hi > lo else { continue }
                a = v[lo]
                b = (v[hi] - v[lo]) / n
            default:
                guard hi >= lo + 2 else { continue }
                // Through t = 0, m, n: v(t) = a + b·t + c·t².
                let m = Double((hi - lo) / 2), y0 = v[lo], ym = v[lo + (hi - lo) / 2], yn = v[hi]
                c = ((yn - y0) / n - (ym - y0) / m) / (n - m)
                b = (ym - y0) / m - c * m
                a = y0
            }
            // The deviation, plus the rounding of evaluating the polynomial in double here (the kernel uses
            // the polynomial exactly, through integer sums).
            var eps = 0.0
            for w in lo...hi {
                let t = Double(w - lo)
                let p = a + b * t + c * t * t
                eps = max(eps, abs(v[w] - p) + 0x1p-50 * (abs(a) + abs(b * t) + abs(c * t * t) + abs(v[w])))
            }
            if eps <= tol {
                return ck_table_piece(lo: Int32(lo), hi: Int32(hi), degree: Int32(degree), same_sign: sameSign, a: a, b: b, c: c,
                                      eps: eps, mag: mag)
            }
        }
        return nil
    }
}
