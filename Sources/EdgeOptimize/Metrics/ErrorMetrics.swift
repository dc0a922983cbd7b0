import Foundation

/// How far a compressed model's numbers are from the original's.
///
/// All sums run in double precision: a 100 M-weight tensor's energy summed in float loses the very
/// digits an SQNR of 20–40 dB is read from.
public enum ErrorMetrics {
    /// Signal-to-quantization-noise ratio in dB: 10·log₁₀(Σ ref² / Σ (ref − test)²).
    ///
    /// +∞ when the two are identical, −∞ when the reference is all zeros but the test is not.
    /// - Precondition: equal lengths.
    public static func sqnr(reference: [Float], test: [Float]) -> Double {
        precondition(reference.count == test.count, "sqnr of \(reference.count) vs \(test.count) values")
        var signal = 0.0, noise = 0.0
        for i in reference.indices {
            let r = Double(reference[i])
            let e = r - Double(test[i])
            signal += r * r
            noise += e * e
        }
        if noise == 0 { return .infinity }
        if signal == 0 { return -.infinity }
        return 10 * (signal / noise).log10
    }

    /// Signal and noise energy, for combining SQNR over many tensors (Σ signal / Σ noise).
    public static func energies(reference: [Float], test: [Float]) -> (signal: Double, noise: Double) {
        precondition(reference.count == test.count)
        var signal = 0.0, noise = 0.0
        for i in reference.indices {
            let r = Double(reference[i])
            let e = r - Double(test[i])
            signal += r * r
            noise += e * e
        }
        return (signal, noise)
    }

    /// Cosine of the angle between two vectors; 1 when both are zero, 0 when only one is.
    public static func cosine(_ a: [Float], _ b: [Float]) -> Double {
        precondition(a.count == b.count)
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i])
            na += Double(a[i]) * Double(a[i])
            nb += Double(b[i]) * Double(b[i])
        }
        if na == 0 && nb == 0 { return 1 }
        if na == 0 || nb == 0 { return 0 }
        return dot / (na.squareRoot() * nb.squareRoot())
    }

    /// KL(p ‖ q) in nats between two discrete distributions given as non-negative weights (each is
    /// normalised first). Terms with p = 0 contribute 0; a q = 0 where p > 0 makes it +∞.
    public static func klDivergence(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count)
        let sp = p.reduce(0, +), sq = q.reduce(0, +)
        guard sp > 0, sq > 0 else { return .nan }
        var kl = 0.0
        for i in p.indices where p[i] > 0 {
            let pi = p[i] / sp, qi = q[i] / sq
            if qi == 0 { return .infinity }
            kl += pi * (pi / qi).log
        }
        return kl
    }

    /// KL(softmax(reference) ‖ softmax(test)) for one row of logits — how llama.cpp's perplexity tool
    /// compares a quantized model's token distribution with the original's.
    public static func klDivergence(referenceLogits: [Float], testLogits: [Float]) -> Double {
        precondition(referenceLogits.count == testLogits.count)
        let lp = logSoftmax(referenceLogits), lq = logSoftmax(testLogits)
        var kl = 0.0
        for i in lp.indices {
            let p = lp[i].exp
            if p > 0 { kl += p * (lp[i] - lq[i]) }
        }
        return max(0, kl)
    }

    /// Fraction of rows whose arg-max agrees; rows are `classes` consecutive logits.
    public static func top1Agreement(reference: [Float], test: [Float], classes: Int) -> Double {
        precondition(reference.count == test.count && classes > 0 && reference.count % classes == 0)
        let rows = reference.count / classes
        guard rows > 0 else { return .nan }
        var agree = 0
        for r in 0..<rows {
            let a = argmax(reference[(r * classes)..<((r + 1) * classes)])
            let b = argmax(test[(r * classes)..<((r + 1) * classes)])
            if a == b { agree += 1 }
        }
        return Double(agree) / Double(rows)
    }

    /// Index of the largest value (the first on ties, as numpy's argmax).
    public static func argmax<C: Collection>(_ values: C) -> Int where C.Element == Float {
        var best = -Float.infinity, index = 0
        for (i, v) in values.enumerated() where v > best || (i == 0) {
            if i == 0 || v > best {
                best = v
                index = i
            }
        }
        return index
    }

    static func logSoftmax(_ x: [Float]) -> [Double] {
        let m = Double(x.max() ?? 0)
        var s = 0.0
        for v in x { s += (Double(v) - m).exp }
        let lse = m + s.log
        return x.map { Double($0) - lse }
    }
}

extension Double {
    var log10: Double { Foundation.log10(self) }
    var log: Double { Foundation.log(self) }
    var exp: Double { Foundation.exp(self) }
}
