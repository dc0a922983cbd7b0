import Foundation

/// TFLite's int8 SOFTMAX as its reference kernel computes it: gemmlowp fixed point throughout.
///
/// Prepare: `M = min(β·x_scale·2^(31−5), 2^31 − 1)` quantized (≥ 1, so a left shift), and the smallest
/// difference still counted, `diff_min = −⌊31·2^26 / 2^shift⌋` (PreprocessSoftmaxScaling,
/// CalculateInputRadius with 5 integer bits). Per row: differences to the row's maximum are rescaled to
/// Q5.26, `exp` is evaluated on negative values (exp(−1/8)·(1 + x + x²/2 + x³/6 + x⁴/24), x = a + 1/8, on
/// [−1/4, 0), then a barrel shifter multiplying by exp(−2^k) for each set bit), summed in Q12.19, the
/// sum's reciprocal taken by Newton–Raphson (three steps from 48/17 − 32/17·d), and each output is
/// `RoundingDivideByPOT(reciprocal · exp, bits_over_unit + 23) − 128`.
enum TFLiteSoftmax {
    struct Prepared {
        let multiplier: Int32
        let leftShift: Int32
        let diffMin: Int32
    }

    static func prepare(beta: Double, inputScale: Float) -> Prepared {
        let real = min(beta * Double(inputScale) * Double(1 << 26), Double((1 << 31) - 1))
        let (m, shift) = TFLiteInteger.quantizeMultiplier(real)
        let radius = (31.0 * Double(1 << 26) / Double(1 << Int(shift))).rounded(.down)
        return Prepared(multiplier: m, leftShift: shift, diffMin: Int32(-radius))
    }

    // gemmlowp primitives on int32 raw values.
    @inline(__always) static func srdhm(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == Int32.min { return Int32.max }
        let ab = Int64(a) * Int64(b)
        let nudge: Int64 = ab >= 0 ? (1 << 30) : 1 - (1 << 30)
        return Int32(truncatingIfNeeded: (ab + nudge) / (1 << 31))
    }

    @inline(__always) static func rdbpot(_ x: Int32, _ e: Int32) -> Int32 {
        let mask = Int32(truncatingIfNeeded: (Int64(1) << Int64(e)) - 1)
        let remainder = x & mask
        let threshold = (mask >> 1) + (x < 0 ? 1 : 0)
        return (x >> e) + (remainder > threshold ? 1 : 0)
    }

    /// SaturatingRoundingMultiplyByPOT with a positive exponent: a saturating left shift.
    @inline(__always) static func saturatingShiftLeft(_ x: Int32, _ e: Int32) -> Int32 {
        let threshold = Int32((Int64(1) << Int64(31 - e)) - 1)
        if x > threshold { return Int32.max }
        if x < -threshold { return Int32.min }
        return x << e
    }

    /// Q0.31 constant: round(v · 2^31).
    static func q31(_ v: Double) -> Int32 { Int32((v * Double(1 << 31)).rounded()) }

    /// exp(a) for a in [−1/4, 0), a and the result in Q0.31.
    static func expOnQuarterInterval(_ a: Int32) -> Int32 {
        let constantTerm = q31(exp(-1.0 / 8.0)), oneThird = q31(1.0 / 3.0)
        let x = a &+ (1 << 28)
        let x2 = srdhm(x, x), x3 = srdhm(x2, x), x4 = srdhm(x2, x2)
        let x4over4 = rdbpot(x4, 2)
        let poly = rdbpot(srdhm(x4over4 &+ x3, oneThird) &+ x2, 1)
        return constantTerm &+ srdhm(constantTerm, x &+ poly)
    }

    static let barrel: [(Int32, Int32)] = (-2...4).map { k in (Int32(26 + k), q31(exp(-pow(2.0, Double(k))))) }

    /// exp(a) for a ≤ 0 given in Q5.26; the result in Q0.31.
    static func expOnNegativeValues(_ a: Int32) -> Int32 {
        let quarter: Int32 = 1 << 24
        let modMinusQuarter = (a & (quarter - 1)) &- quarter
        var result = expOnQuarterInterval(saturatingShiftLeft(modMinusQuarter, 5))
        let remainder = modMinusQuarter &- a
        for (shift, multiplier) in barrel where remainder & (1 << shift) != 0 {
            result = srdhm(result, multiplier)
        }
        return a == 0 ? Int32.max : result
    }

    /// 1/(1 + x) for x in [0, 1), both Q0.31.
    static func oneOverOnePlusX(_ a: Int32) -> Int32 {
        let sum = Int64(a) + Int64(Int32.max)
        let halfDenominator = Int32((sum + (sum >= 0 ? 1 : -1)) / 2)
        let c48over17: Int32 = 1_515_870_810, cNeg32over17: Int32 = -1_010_580_540
        var x = c48over17 &+ srdhm(halfDenominator, cNeg32over17)
        for _ in 0..<3 {
            let hx = srdhm(halfDenominator, x)
            let oneMinus = (1 << 29) &- hx
            x = x &+ saturatingShiftLeft(srdhm(x, oneMinus), 2)
        }
        return saturatingShiftLeft(x, 1)
    }

    /// Softmax of one row of int8 values into int8 outputs (scale 1/256, zero point −128).
    static func row(_ input: ArraySlice<Int32>, _ p: Prepared) -> [Int32] {
        let top = input.max() ?? 0
        var sum: Int32 = 0
        var exps = [Int32?](repeating: nil, count: input.count)
        for (j, v) in input.enumerated() {
            let diff = v - top
            guard diff >= p.diffMin else { continue }
            let rescaled = srdhm(diff << p.leftShift, p.multiplier)
            let e = expOnNegativeValues(rescaled)
            exps[j] = e
            sum = sum &+ rdbpot(e, 12)
        }
        let headroomPlusOne = Int32(UInt32(bitPattern: sum).leadingZeroBitCount)
        let bitsOverUnit = 12 - headroomPlusOne
        let shiftedSumMinusOne = Int32(bitPattern: (UInt32(bitPattern: sum) << UInt32(headroomPlusOne)) &- (UInt32(1) << 31))
        let scale = oneOverOnePlusX(shiftedSumMinusOne)
        return exps.map { e in
            guard let e else { return -128 }
            let unsat = rdbpot(srdhm(scale, e), bitsOverUnit + 31 - 8)
            return min(max(unsat - 128, -128), 127)
        }
    }
}
