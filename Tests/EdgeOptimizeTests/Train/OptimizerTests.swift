import Foundation
import Testing
@testable import EdgeOptimize

/// Update rules and losses against values worked out by hand.
struct OptimizerTests {
    @Test func sgdWithMomentum() {
        var o = Optimizer(.sgd(momentum: 0.9), learningRate: 0.1)
        var w: [[Float]] = [[1]]
        o.step(&w, grads: [[0.5]])
        // v = 0.5; w = 1 − 0.1·0.5 = 0.95
        #expect(abs(w[0][0] - 0.95) < 1e-6)
        o.step(&w, grads: [[0.5]])
        // v = 0.9·0.5 + 0.5 = 0.95; w = 0.95 − 0.1·0.95 = 0.855
        #expect(abs(w[0][0] - 0.855) < 1e-6)
    }

    @Test func sgdWeightDecayAddsToTheGradient() {
        var o = Optimizer(.sgd(momentum: 0), learningRate: 0.5, weightDecay: 0.1)
        var w: [[Float]] = [[2]]
        o.step(&w, grads: [[0]])
        // g = 0 + 0.1·2 = 0.2; w = 2 − 0.5·0.2 = 1.9
        #expect(abs(w[0][0] - 1.9) < 1e-6)
    }

    @Test func adamFollowsKingmaAndBa() {
        var o = Optimizer(.adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8), learningRate: 0.1)
        var w: [[Float]] = [[1]]
        o.step(&w, grads: [[0.5]])
        // m = 0.05, v = 0.00025; m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25; w = 1 − 0.1·0.5/0.5 = 0.9
        #expect(abs(w[0][0] - 0.9) < 1e-6)
        o.step(&w, grads: [[-0.5]])
        // m = 0.045 − 0.05 = −0.005, v = 0.00024975 + 0.00025 = 0.00049975;
        // m̂ = −0.005/0.19 = −0.0263158, v̂ = 0.00049975/0.001999 = 0.25; w = 0.9 + 0.1·0.0263158/0.5 = 0.9052632
        #expect(abs(w[0][0] - 0.9052632) < 1e-6)
    }

    @Test func maskHoldsPrunedEntriesAtZero() {
        for rule in [Optimizer.Rule.sgd(momentum: 0.9), .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)] {
            var o = Optimizer(rule, learningRate: 0.1)
            var w: [[Float]] = [[0, 1]]
            o.step(&w, grads: [[3, 0.5]], masks: [[false, true]])
            o.step(&w, grads: [[3, 0.5]], masks: [[false, true]])
            #expect(w[0][0] == 0)
            #expect(w[0][1] < 1)
        }
    }

    @Test func crossEntropy() {
        let (l, d) = Loss.crossEntropy([0, 0], label: 0)
        // softmax = [0.5, 0.5]: L = ln 2 = 0.6931472, ∂L/∂z = [0.5 − 1, 0.5]
        #expect(abs(l - 0.6931472) < 1e-6)
        #expect(d == [-0.5, 0.5])
    }

    @Test func distillation() {
        let t = 2.0
        let (l, d) = Loss.distillation([0, 0], teacher: [Float(2 * Foundation.log(3.0)), 0], temperature: t)
        // p = softmax([ln 3, 0]) = [0.75, 0.25], q = [0.5, 0.5];
        // KL = 0.75·ln 1.5 + 0.25·ln 0.5 = 0.3040988 − 0.1732868 = 0.1308120; × T² = 0.5232481
        #expect(abs(l - 0.5232481) < 1e-6)
        // ∂/∂z = T·(q − p) = 2·[−0.25, 0.25]
        #expect(abs(d[0] + 0.5) < 1e-6 && abs(d[1] - 0.5) < 1e-6)
        let (same, zero) = Loss.distillation([1, -2, 3], teacher: [1, -2, 3], temperature: 3)
        #expect(abs(same) < 1e-12 && zero.allSatisfy { abs($0) < 1e-7 })
    }
}
