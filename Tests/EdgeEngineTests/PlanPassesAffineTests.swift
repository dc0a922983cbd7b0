import EdgeEngine
import EdgeIR
import Testing

/// The affine plan passes (BatchNorm as a depthwise Conv, scale folding, Mul → Add as one Conv,
/// decomposed hard-swish): hand-worked outputs, fused and unfused plans both give them.
@Suite struct PlanPassesAffineTests {
    static func const(_ b: inout GraphBuilder, _ name: String, _ v: [Float], _ shape: [Int]) -> String {
        b.weight(name, .float32, Shape(shape), storage: .memory(v.withUnsafeBytes { Array($0) }))
    }

    /// x[1,1,2,2] → Conv(w = [2, −1], b = [1, 0]) → ·3 → +0.5 → x·Clip(x+3, 0, 6)/6 → ·[1, 2] → +[0, −1].
    /// x = [1, −1, 0, 0.5]:
    /// channel 0: conv 2x+1 = [3, −1, 1, 2]; ·3+0.5 = [9.5, −2.5, 3.5, 6.5]; hard-swish v·clip(v+3,0,6)/6 =
    ///   [9.5, −2.5·0.5/6 = −0.2083333, 3.5, 6.5]; ·1 + 0 unchanged.
    /// channel 1: conv −x = [−1, 1, 0, −0.5]; ·3+0.5 = [−2.5, 3.5, 0.5, −1]; hard-swish
    ///   [−0.2083333, 3.5, 0.5·3.5/6 = 0.2916667, −1·2/6 = −0.3333333]; ·2 − 1 = [−1.4166667, 6, −0.4166667, −1.6666667].
    @Test func learnableAffineAndHardSwishFold() throws {
        var b = GraphBuilder(name: "lab")
        let x = b.input("x", .float32, Shape([1, 1, 2, 2]))
        var y = try b.apply(.conv, [x, Self.const(&b, "w", [2, -1], [2, 1, 1, 1]), Self.const(&b, "b", [1, 0], [2])], name: "conv")
        y = try b.apply(.mul, [y, Self.const(&b, "s", [3], [])], name: "scale")
        y = try b.apply(.add, [Self.const(&b, "t", [0.5], []), y], name: "shift")
        let a3 = try b.apply(.add, [y, Self.const(&b, "three", [3], [])], name: "hs_add")
        let cl = try b.apply(.clip, [a3, Self.const(&b, "zero", [0], []), Self.const(&b, "six", [6], [])], name: "hs_clip")
        let m = try b.apply(.mul, [y, cl], name: "hs_mul")
        y = try b.apply(.div, [m, Self.const(&b, "six2", [6], [])], name: "hs_div")
        y = try b.apply(.mul, [Self.const(&b, "s2", [1, 2], [1, 2, 1, 1]), y], name: "scale2")
        y = try b.apply(.add, [y, Self.const(&b, "t2", [0, -1], [1, 2, 1, 1])], name: "shift2")
        b.output(y)
        let g = try b.finish()
        let want: [Float] = [9.5, -0.2083333, 3.5, 6.5, -1.4166667, 6, -0.4166667, -1.6666667]
        for fuse in [true, false] {
            let plan = try ExecutionPlan(graph: g, options: EngineOptions(fuse: fuse))
            // Fused: the Conv with scale, shift and hard-swish, then one depthwise Conv for ·[1,2] + [0,−1].
            #expect(plan.steps.count == (fuse ? 2 : 9), "fuse \(fuse): \(plan.steps.map(\.node.op))")
            if fuse {
                #expect(plan.steps.map(\.node.op) == [.conv, .conv])
                #expect(plan.steps[0].node.string("activation") == "HardSwish")
                #expect(plan.report.passes["fuse-hardswish"] == 3)
            }
            let out = try #require(try plan.run(["x": HostTensor([1, -1, 0, 0.5], shape: [1, 1, 2, 2])])[y]).floats()
            for (g, w) in zip(out, want) { #expect(abs(g - w) <= 1e-6 * (1 + abs(w)), "fuse \(fuse): \(out)") }
        }
    }

    /// x[1,2,1,2] → Relu → BatchNorm(γ [2, 1], β [0, 1], μ [1, 0], σ² [3, 0], ε 1) → Relu.
    /// s = γ/√(σ²+ε) = [2/2, 1/1] = [1, 1], shift β − μ·s = [−1, 1].
    /// x = [[2, −3], [0.5, −4]] → relu [[2, 0], [0.5, 0]] → BN [[1, −1], [1.5, 1]] → relu [[1, 0], [1.5, 1]].
    @Test func standaloneBatchNormBecomesDepthwiseConv() throws {
        var b = GraphBuilder(name: "bn")
        let x = b.input("x", .float32, Shape([1, 2, 1, 2]))
        var y = try b.apply(.relu, [x], name: "r0")
        y = try b.apply(.batchNorm, [y, Self.const(&b, "g", [2, 1], [2]), Self.const(&b, "be", [0, 1], [2]),
                                     Self.const(&b, "mu", [1, 0], [2]), Self.const(&b, "var", [3, 0], [2])],
                        ["epsilon": .float(1)], name: "bn")
        y = try b.apply(.relu, [y], name: "r1")
        b.output(y)
        let g = try b.finish()
        for fuse in [true, false] {
            let plan = try ExecutionPlan(graph: g, options: EngineOptions(fuse: fuse))
            #expect(plan.steps.map(\.node.op) == (fuse ? [.relu, .conv] : [.relu, .batchNorm, .relu]))
            let out = try #require(try plan.run(["x": HostTensor([2, -3, 0.5, -4], shape: [1, 2, 1, 2])])[y]).floats()
            #expect(out == [1, 0, 1.5, 1], "fuse \(fuse): \(out)")
        }
    }
}
