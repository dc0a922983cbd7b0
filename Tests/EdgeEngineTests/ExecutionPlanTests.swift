import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Plan → run on a small CNN, against numpy computing the same network at test time.
@Suite struct ExecutionPlanTests {
    /// x[1,3,9,9] → Conv(4, 3×3, stride 2, pad 1, bias) → Relu → Conv(4, 3×3 depthwise) → GAP → Flatten → Gemm(5) → Softmax.
    func model(_ rng: inout SeededRNG) throws -> (Graph, [String: [Float]]) {
        var weights: [String: [Float]] = [:]
        var b = GraphBuilder(name: "cnn")
        func w(_ name: String, _ shape: [Int]) -> String {
            let v = (0..<shape.reduce(1, *)).map { _ in rng.float(-0.5, 0.5) }
            weights[name] = v
            return b.weight(name, .float32, Shape(shape), storage: .memory(v.withUnsafeBytes { Array($0) }))
        }
        let x = b.input("x", .float32, Shape([1, 3, 9, 9]))
        var y = try b.apply(.conv, [x, w("c1.w", [4, 3, 3, 3]), w("c1.b", [4])],
                            ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])], name: "c1")
        y = try b.apply(.relu, [y], name: "r1")
        y = try b.apply(.conv, [y, w("dw.w", [4, 1, 3, 3])], ["group": .int(4), "pads": .ints([1, 1, 1, 1])], name: "dw")
        y = try b.apply(.globalAveragePool, [y], name: "gap")
        y = try b.apply(.flatten, [y], name: "flat")
        y = try b.apply(.gemm, [y, w("fc.w", [5, 4]), w("fc.b", [5])], ["transB": .int(1)], name: "fc")
        y = try b.apply(.softmax, [y], ["axis": .int(1)], name: "prob")
        b.output(y)
        return (try b.finish(), weights)
    }

    static let numpyReference = """
        import json, sys
        import numpy as np
        d = json.load(sys.stdin)
        W = {k: np.array(v, dtype=np.float32) for k, v in d["weights"].items()}
        x = np.array(d["x"], dtype=np.float32).reshape(1, 3, 9, 9)
        def conv(x, w, b, stride, pad, groups):
            n, c, h, wd = x.shape; co, cig, kh, kw = w.shape
            xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
            ho = (h + 2 * pad - kh) // stride + 1; wo = (wd + 2 * pad - kw) // stride + 1
            y = np.zeros((n, co, ho, wo), np.float32); cog = co // groups
            for o in range(co):
                g = o // cog
                for i in range(ho):
                    for j in range(wo):
                        patch = xp[0, g * cig:(g + 1) * cig, i * stride:i * stride + kh, j * stride:j * stride + kw]
                        y[0, o, i, j] = np.sum(patch * w[o]) + (b[o] if b is not None else 0)
            return y
        y = conv(x, W["c1.w"].reshape(4, 3, 3, 3), W["c1.b"], 2, 1, 1)
        y = np.maximum(y, 0)
        y = conv(y, W["dw.w"].reshape(4, 1, 3, 3), None, 1, 1, 4)
        y = y.mean(axis=(2, 3))
        y = y @ W["fc.w"].reshape(5, 4).T + W["fc.b"]
        e = np.exp(y - y.max(axis=1, keepdims=True)); y = e / e.sum(axis=1, keepdims=True)
        print(json.dumps(y.reshape(-1).tolist()))
        """

    @Test func agreesWithNumpy() throws {
        var rng = SeededRNG(seed: 7)
        let (graph, weights) = try model(&rng)
        let x = (0..<243).map { _ in rng.float() }
        let expected = try #require(try Python.run(Self.numpyReference, input: ["weights": weights, "x": x]) as? [Double])
        for forceReference in [true, false] {
            let plan = try ExecutionPlan(graph: graph, options: EngineOptions(forceReference: forceReference))
            let out = try plan.run(["x": HostTensor(x, shape: [1, 3, 9, 9])])
            let y = try #require(out["prob"]).floats()
            #expect(y.count == 5)
            let maxRef = expected.map { abs($0) }.max() ?? 1
            for (a, e) in zip(y, expected) { #expect(abs(Double(a) - e) <= 1e-5 * maxRef, "\(y) vs \(expected)") }
        }
    }

    @Test func arenaMatchesTheIRPeakUpToFragmentation() throws {
        var rng = SeededRNG(seed: 1)
        let (graph, _) = try model(&rng)
        // Unfused, the schedule is the graph's own order: same liveness rules, same schedule, so the
        // live peak is the IR's; the arena can only add fragmentation and 64-byte rounding.
        let plan = try ExecutionPlan(graph: graph, options: EngineOptions(fuse: false))
        let ir = try graph.costReport()
        #expect(plan.memory.peakLiveBytes == ir.peakActivationBytes)
        #expect(plan.memory.arenaBytes >= ir.peakActivationBytes)
        // Fused (Conv+Relu), one intermediate disappears; the figure follows the new schedule.
        let fused = try ExecutionPlan(graph: graph)
        #expect(fused.report.peakLiveBytes == fused.report.irPeakBytesForSchedule)
        #expect(fused.report.peakLiveBytes <= ir.peakActivationBytes)
    }

    @Test func badInputsAreRejectedBeforeWork() throws {
        var rng = SeededRNG(seed: 2)
        let (graph, _) = try model(&rng)
        let plan = try ExecutionPlan(graph: graph)
        #expect(throws: EngineError.missingInput("x")) { try plan.run([:]) }
        #expect(throws: EngineError.unexpectedInput("y")) {
            try plan.run(["x": HostTensor(dtype: .float32, shape: [1, 3, 9, 9]), "y": HostTensor(dtype: .float32, shape: [1])])
        }
        #expect(throws: EngineError.inputMismatch(name: "x", expected: "float32[1, 3, 9, 9]", got: "float32[1, 3, 8, 8]")) {
            try plan.run(["x": HostTensor(dtype: .float32, shape: [1, 3, 8, 8])])
        }
    }

    @Test func unsupportedOpIsNamedWithItsNode() throws {
        // An op the IR has no rule for, typed as a file would declare it.
        let x = ValueInfo(name: "x", type: TensorType(.float32, Shape([2, 2])))
        let out = ValueInfo(name: "y", type: TensorType(.float32, .scalar))
        var g = Graph(name: "u", inputs: [x], outputs: [out],
                      nodes: [Node(name: "the_det", op: "Det", inputs: ["x"], outputs: ["y"])])
        g.declaredTypes["y"] = out.type
        #expect(throws: EngineError.unsupported(node: "the_det", op: "Det", detail: "no kernel for this op")) {
            try ExecutionPlan(graph: g)
        }
    }
}
