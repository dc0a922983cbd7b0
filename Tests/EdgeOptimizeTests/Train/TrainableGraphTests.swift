import EdgeEngine
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Backprop checked against central finite differences of the loss (an independent check: only the
/// forward pass is shared), and the forward pass checked against the engine running the same graph.
struct TrainableGraphTests {
    /// Seeded values in [−1, 1).
    static func values(_ n: Int, _ rng: inout SplitMix64, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in (rng.unit() * 2 - 1) * scale }
    }

    static func weight(_ b: inout GraphBuilder, _ name: String, _ shape: [Int], _ rng: inout SplitMix64, scale: Float = 0.5) -> String {
        let v = values(shape.reduce(1, *), &rng, scale: scale)
        return b.weight(name, .float32, Shape(shape), storage: .memory(v.withUnsafeBytes { Array($0) }))
    }

    /// Conv (group 2, stride 2, asymmetric pads, dilation 2) → Relu → Flatten → Gemm → logits.
    static func convGemm() throws -> Graph {
        var rng = SplitMix64(seed: 11)
        var b = GraphBuilder(name: "conv-gemm")
        let x = b.input("x", .float32, Shape([.symbol("N"), .value(4), .value(7), .value(6)]))
        let w = weight(&b, "w", [6, 2, 3, 2], &rng), bias = weight(&b, "b", [6], &rng)
        var h = try b.apply(.conv, [x, w, bias], ["group": .int(2), "strides": .ints([2, 1]), "pads": .ints([1, 0, 2, 1]),
                                                   "dilations": .ints([2, 1])], name: "conv")
        h = try b.apply(.relu, [h], name: "relu")
        h = try b.apply(.flatten, [h], name: "flatten")
        let f = b.dims(of: h)[1]
        let g = weight(&b, "g", [f, 5], &rng, scale: 0.3), c = weight(&b, "c", [5], &rng)
        h = try b.apply(.gemm, [h, g, c], ["alpha": .float(0.7), "beta": .float(1.5)], name: "fc")
        b.output(h)
        return try b.finish()
    }

    /// Conv → MaxPool (pads, overlapping windows) → AveragePool (count_include_pad) → Reshape →
    /// MatMul + broadcast Add → Softmax.
    static func poolMatMul() throws -> Graph {
        var rng = SplitMix64(seed: 12)
        var b = GraphBuilder(name: "pool-matmul")
        let x = b.input("x", .float32, Shape([.value(1), .value(2), .value(8), .value(8)]))
        let w = weight(&b, "w", [3, 2, 3, 3], &rng)
        var h = try b.apply(.conv, [x, w], ["pads": .ints([1, 1, 1, 1])], name: "conv")
        h = try b.apply(.maxPool, [h], ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])], name: "maxpool")
        h = try b.apply(.averagePool, [h], ["kernel_shape": .ints([2, 2]), "strides": .ints([1, 1]), "pads": .ints([0, 0, 1, 1]),
                                            "count_include_pad": .int(1)], name: "avgpool")
        let s = b.ints("shape", [-1, 48])
        h = try b.apply(.reshape, [h, s], name: "reshape")
        let m = weight(&b, "m", [48, 4], &rng, scale: 0.3), a = weight(&b, "a", [1, 4], &rng)
        h = try b.apply(.matMul, [h, m], name: "matmul")
        h = try b.apply(.add, [h, a], name: "bias")
        h = try b.apply(.softmax, [h], name: "softmax")
        b.output(h)
        return try b.finish()
    }

    /// Conv → GlobalAveragePool → Flatten → Gemm (transB) → a residual Add of two activations, and an
    /// AveragePool without padding counted.
    static func globalResidual() throws -> Graph {
        var rng = SplitMix64(seed: 13)
        var b = GraphBuilder(name: "global-residual")
        let x = b.input("x", .float32, Shape([.symbol("N"), .value(3), .value(5), .value(5)]))
        let w = weight(&b, "w", [4, 3, 1, 1], &rng), bias = weight(&b, "b", [1, 4, 1, 1], &rng)
        var h = try b.apply(.conv, [x, w], name: "pointwise")
        h = try b.apply(.add, [h, bias], name: "channel-bias")
        let p = try b.apply(.averagePool, [h], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])], name: "avgpool")
        h = try b.apply(.add, [h, p], name: "residual")
        h = try b.apply(.globalAveragePool, [h], name: "gap")
        h = try b.apply(.flatten, [h], name: "flatten")
        let g = weight(&b, "g", [3, 4], &rng)
        h = try b.apply(.gemm, [h, g], ["transB": .int(1)], name: "fc")
        b.output(h)
        return try b.finish()
    }

    nonisolated(unsafe) static let graphs: [(String, () throws -> Graph)] = [("conv-gemm", convGemm), ("pool-matmul", poolMatMul), ("global-residual", globalResidual)]

    @Test(arguments: 0..<3)
    func gradientsMatchFiniteDifferences(_ which: Int) throws {
        let (name, make) = Self.graphs[which]
        try Self.checkGradients(make(), name: name)
    }

    /// Every parameter entry's backprop gradient against a central finite difference of the loss.
    static func checkGradients(_ graph: Graph, name: String, label: Int = 1) throws {
        let model = try TrainableGraph(graph)
        var rng = SplitMix64(seed: 99)
        let x = Self.values(model.sampleSize, &rng)
        var grads = model.parameters.map { [Float](repeating: 0, count: $0.values.count) }
        let acts = model.forward(x)
        model.backward(acts, dLogits: Loss.crossEntropy(model.logits(acts), label: label).1, into: &grads)
        func loss(_ m: TrainableGraph) -> Double { Loss.crossEntropy(m.logits(m.forward(x)), label: label).0 }
        var checked = 0, worst = 0.0, kinks = 0
        for p in model.parameters.indices {
            for i in model.parameters[p].values.indices {
                // Central difference: (L(w + ε) − L(w − ε)) / 2ε, error O(ε²) plus Float32 rounding ≈ 1e-7/ε.
                let eps: Float = 1e-3
                var plus = model, minus = model
                var v = model.parameters.map(\.values)
                v[p][i] += eps
                plus.setParameters(v)
                v[p][i] -= 2 * eps
                minus.setParameters(v)
                let numeric = (loss(plus) - loss(minus)) / Double(2 * eps)
                let analytic = Double(grads[p][i])
                let err = abs(numeric - analytic) / max(1, abs(numeric))
                worst = max(worst, err)
                // At a kink (a Relu or a max flips within ±ε) the central difference averages two slopes;
                // backprop then gives one of the one-sided derivatives.
                let right = (loss(plus) - loss(model)) / Double(eps), left = (loss(model) - loss(minus)) / Double(eps)
                let kink = abs(left - right) > 1e-2 * max(1, abs(numeric))
                let sideErr = min(abs(left - analytic), abs(right - analytic)) / max(1, abs(numeric))
                if kink { kinks += 1 }
                #expect(err < 5e-3 || (kink && sideErr < 5e-3), "one-sided \(left) \(right) \(name) \(model.parameters[p].name)[\(i)]: backprop \(analytic), finite difference \(numeric)")
                checked += 1
            }
        }
        #expect(checked == model.parameters.reduce(0) { $0 + $1.values.count })
        #expect(kinks * 20 <= checked, "\(kinks) of \(checked) entries sit at a kink")
        #expect(grads.contains { $0.contains { $0 != 0 } })
    }

    @Test(arguments: 0..<3)
    func forwardMatchesTheEngine(_ which: Int) throws {
        let graph = try Self.graphs[which].1()
        let model = try TrainableGraph(graph)
        var rng = SplitMix64(seed: 5)
        let x = Self.values(model.sampleSize, &rng)
        let out = try ExecutionPlan(graph: graph, inputShapes: ["x": model.sampleShape]).run(["x": HostTensor(x, shape: model.sampleShape)])
        let engine = out[graph.outputs[0].name]!.floats()
        let z = model.logits(model.forward(x))
        let mine = model.endsWithSoftmax ? Loss.softmax(z).map(Float.init) : z
        #expect(engine.count == mine.count)
        for (a, b) in zip(engine, mine) { #expect(abs(a - b) <= 1e-5 * max(1, abs(a)), "engine \(engine) vs training forward \(mine)") }
    }

    @Test func unsupportedOpsAreRejectedWithTheNodeNamed() throws {
        var rng = SplitMix64(seed: 1)
        var b = GraphBuilder(name: "sig")
        let x = b.input("x", .float32, Shape([1, 4]))
        let w = Self.weight(&b, "w", [4, 3], &rng)
        var h = try b.apply(.matMul, [x, w], name: "mm")
        h = try b.apply(.sigmoid, [h], name: "squash")
        b.output(h)
        #expect {
            try TrainableGraph(b.finish())
        } throws: { e in
            "\(e)".contains("'squash'") && "\(e)".contains("Sigmoid")
        }
        // A Softmax that is not the last node.
        var c = GraphBuilder(name: "mid-softmax")
        let y = c.input("x", .float32, Shape([1, 4]))
        var k = try c.apply(.softmax, [y], name: "early")
        k = try c.apply(.relu, [k], name: "after")
        c.output(k)
        #expect { try TrainableGraph(c.finish()) } throws: { "\($0)".contains("'early'") }
        // A fine-tune of such a model fails before any update.
        let data = LabelledSet(inputs: [[0, 0, 0, 0]], labels: [0])
        #expect { try Trainer.train(b.finish(), on: data, settings: TrainingSettings()) } throws: { "\($0)".contains("'squash'") }
    }

    @Test func badTrainingDataIsRejectedBeforeWork() throws {
        let g = try Self.convGemm()
        let n = try TrainableGraph(g).sampleSize
        #expect(throws: OptimizeError.self) { try Trainer.train(g, on: LabelledSet(inputs: [], labels: []), settings: TrainingSettings()) }
        #expect(throws: OptimizeError.self) { try Trainer.train(g, on: LabelledSet(inputs: [[1, 2]], labels: [0]), settings: TrainingSettings()) }
        #expect(throws: OptimizeError.self) {
            try Trainer.train(g, on: LabelledSet(inputs: [[Float](repeating: 0, count: n)], labels: [5]), settings: TrainingSettings())
        }
        #expect(throws: OptimizeError.self) {
            try Trainer.train(g, on: LabelledSet(inputs: [[Float](repeating: 0, count: n)], labels: [0]), settings: TrainingSettings(epochs: 0))
        }
    }

    @Test func trainingIsDeterministicAndLowersTheLoss() throws {
        let g = try Self.poolMatMul()
        var rng = SplitMix64(seed: 3)
        let n = try TrainableGraph(g).sampleSize
        let data = LabelledSet(inputs: (0..<24).map { _ in Self.values(n, &rng) }, labels: (0..<24).map { $0 % 4 })
        let s = TrainingSettings(epochs: 30, batchSize: 8, learningRate: 0.05, optimizer: .adam, seed: 4)
        let (a, ra) = try Trainer.train(g, on: data, settings: s)
        let (b, rb) = try Trainer.train(g, on: data, settings: s)
        #expect(ra.epochLoss == rb.epochLoss)
        #expect(TrainableGraphTests.bytes(a, "m") == TrainableGraphTests.bytes(b, "m"))
        #expect(ra.epochLoss.last! < ra.epochLoss.first! * 0.5, "\(ra.epochLoss)")
        #expect(ra.updates == 30 * 3)   // 24 samples in batches of 8
        var other = s
        other.seed = 5
        let (_, rc) = try Trainer.train(g, on: data, settings: other)
        #expect(rc.epochLoss != ra.epochLoss)
    }

    static func bytes(_ g: Graph, _ name: String) -> [UInt8] { g.constants[name]!.storage.withBytes { Array($0) } }
}
