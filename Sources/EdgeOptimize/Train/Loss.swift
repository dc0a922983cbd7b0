import Foundation

/// Classification losses on one logits row, with their gradient with respect to the logits.
///
/// - Cross-entropy: `L = −log softmax(z)[y]`, `∂L/∂z = softmax(z) − onehot(y)`.
/// - Distillation (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural Network"): with
///   temperature T, `p = softmax(t/T)` from the teacher and `q = softmax(z/T)`,
///   `L = T²·KL(p‖q) = T²·Σ p·(log p − log q)`, `∂L/∂z = T·(q − p)`; the T² keeps its gradient on the
///   scale of the hard-label loss. The combined loss is `α·L_KD + (1 − α)·L_CE`.
public enum Loss {
    /// Softmax of a row, computed stably (max subtracted), in Double.
    static func softmax(_ z: [Float], temperature: Double = 1) -> [Double] {
        let m = Double(z.max() ?? 0)
        let e = z.map { Foundation.exp((Double($0) - m) / temperature) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Cross-entropy of `logits` against `label`: (loss, ∂loss/∂logits).
    public static func crossEntropy(_ logits: [Float], label: Int) -> (Double, [Float]) {
        let p = softmax(logits)
        var d = p.map { Float($0) }
        d[label] -= 1
        return (-Foundation.log(max(p[label], 1e-300)), d)
    }

    /// Soft-target distillation loss `T²·KL(softmax(teacher/T) ‖ softmax(logits/T))` and its gradient.
    public static func distillation(_ logits: [Float], teacher: [Float], temperature t: Double) -> (Double, [Float]) {
        let p = softmax(teacher, temperature: t), q = softmax(logits, temperature: t)
        var kl = 0.0
        for i in p.indices where p[i] > 0 { kl += p[i] * (Foundation.log(p[i]) - Foundation.log(max(q[i], 1e-300))) }
        return (t * t * kl, zip(q, p).map { Float(t * ($0 - $1)) })
    }
}
