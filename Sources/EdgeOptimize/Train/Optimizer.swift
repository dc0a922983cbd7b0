import Foundation

/// Gradient-descent update rules: SGD with momentum and Adam.
///
/// - SGD (PyTorch's form): `v ← μ·v + g + λ·w`, `w ← w − lr·v`.
/// - Adam (Kingma & Ba 2015, Algorithm 1): `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`,
///   `w ← w − lr·m̂/(√v̂ + ε)` with `m̂ = m/(1−β₁ᵗ)`, `v̂ = v/(1−β₂ᵗ)`; weight decay λ is added to the
///   gradient (L2, as PyTorch's `Adam(weight_decay=…)`).
///
/// A mask holds a parameter's pruned entries at zero: their gradient is dropped before the update
/// (so momentum and moments stay zero) and the value is zero afterwards.
public struct Optimizer: Sendable {
    public enum Rule: Sendable, Equatable {
        case sgd(momentum: Float)
        case adam(beta1: Float, beta2: Float, epsilon: Float)
    }

    public var rule: Rule
    public var learningRate: Float
    public var weightDecay: Float
    /// Updates done so far (Adam's t).
    public private(set) var steps = 0
    var first: [[Float]] = []
    var second: [[Float]] = []

    public init(_ rule: Rule, learningRate: Float, weightDecay: Float = 0) {
        self.rule = rule
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// Applies one update to `values` given `grads` (same layout); `masks[p]` true keeps entry i trainable.
    public mutating func step(_ values: inout [[Float]], grads: [[Float]], masks: [[Bool]?] = []) {
        if first.isEmpty {
            first = values.map { [Float](repeating: 0, count: $0.count) }
            if case .adam = rule { second = first }
        }
        steps += 1
        let lr = learningRate, wd = weightDecay
        for p in values.indices {
            let mask = p < masks.count ? masks[p] : nil
            switch rule {
            case .sgd(let mu):
                for i in values[p].indices {
                    if let mask, !mask[i] { values[p][i] = 0; continue }
                    let g = grads[p][i] + wd * values[p][i]
                    first[p][i] = mu * first[p][i] + g
                    values[p][i] -= lr * first[p][i]
                }
            case .adam(let b1, let b2, let eps):
                let c1 = 1 - Float(pow(Double(b1), Double(steps))), c2 = 1 - Float(pow(Double(b2), Double(steps)))
                for i in values[p].indices {
                    if let mask, !mask[i] { values[p][i] = 0; continue }
                    let g = grads[p][i] + wd * values[p][i]
                    first[p][i] = b1 * first[p][i] + (1 - b1) * g
                    second[p][i] = b2 * second[p][i] + (1 - b2) * g * g
                    let mhat = first[p][i] / c1, vhat = second[p][i] / c2
                    values[p][i] -= lr * mhat / (vhat.squareRoot() + eps)
                }
            }
        }
    }
}
