import Testing
@testable import EdgeIR

/// BatchNorm's running statistics are buffers: stored (weight bytes) but not parameters, as in
/// PyTorch's `parameters()`, which every published parameter count (torchvision, timm) uses.
@Suite struct BatchNormCostTests {
    @Test func runningStatisticsAreBytesNotParameters() throws {
        // x[1,8,4,4] → Conv(8→16, 1×1, no bias) → BatchNorm(16).
        var b = GraphBuilder(name: "bn")
        let x = b.input("x", .float32, Shape([1, 8, 4, 4]))
        let w = b.weight("conv.weight", .float32, Shape([16, 8, 1, 1]))
        var y = try b.apply(.conv, [x, w], ["kernel_shape": .ints([1, 1])], name: "conv")
        let stats = ["weight", "bias", "running_mean", "running_var"].map { b.weight("bn.\($0)", .float32, Shape([16])) }
        y = try b.apply(.batchNorm, [y] + stats, name: "bn")
        b.output(y)
        let report = try b.finish().costReport()
        let bn = try #require(report.nodes.first { $0.name == "bn" })
        // Parameters: weight 16 + bias 16 = 32 (running mean/var excluded).
        #expect(bn.cost.parameters == 32)
        // Weight bytes: all four tensors, 4 × 16 × 4 B = 256 B.
        #expect(bn.cost.weightBytes == 256)
        // Whole graph: conv 16·8 = 128 parameters + 32; bytes (128 + 64) · 4 = 768.
        #expect(report.total.parameters == 160)
        #expect(report.total.weightBytes == 768)
        #expect(report.parametersByType[.float32] == 160)
        #expect(report.weightBytesByType[.float32] == 768)
    }
}
