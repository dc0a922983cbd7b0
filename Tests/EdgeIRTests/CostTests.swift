import Testing
@testable import EdgeIR

/// Cost on hand-built graphs; every expected number is worked out in the comment beside it.
@Suite struct CostTests {
    /// x[1,3,8,8] → Conv(4 out, 3×3, pad 1, bias) → Relu → GlobalAveragePool → Flatten → Gemm(10).
    func smallCNN() throws -> Graph {
        var b = GraphBuilder(name: "small")
        let x = b.input("x", .float32, Shape([1, 3, 8, 8]))
        let w = b.weight("conv.weight", .float32, Shape([4, 3, 3, 3]))
        let bias = b.weight("conv.bias", .float32, Shape([4]))
        var y = try b.apply(.conv, [x, w, bias], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])], name: "conv")
        y = try b.apply(.relu, [y], name: "relu")
        y = try b.apply(.globalAveragePool, [y], name: "gap")
        y = try b.apply(.flatten, [y], name: "flatten")
        let fw = b.weight("fc.weight", .float32, Shape([10, 4]))
        let fb = b.weight("fc.bias", .float32, Shape([10]))
        y = try b.apply(.gemm, [y, fw, fb], ["transB": .int(1)], name: "fc")
        b.output(y)
        return try b.finish()
    }

    @Test func convolutionCostByHand() throws {
        let report = try smallCNN().costReport()
        let conv = try #require(report.nodes.first { $0.name == "conv" })
        // Output [1,4,8,8] = 256 values, each 3·3·3 = 27 MACs → 6,912 MACs; bias: 256 adds.
        #expect(conv.outputs == [TensorType(.float32, Shape([1, 4, 8, 8]))])
        #expect(conv.cost.macs == 6_912)
        #expect(conv.cost.otherFlops == 256)
        #expect(conv.cost.flops == 2 * 6_912 + 256)
        // Parameters 4·3·3·3 + 4 = 112 → 448 bytes in float32.
        #expect(conv.cost.parameters == 112)
        #expect(conv.cost.weightBytes == 448)
        // Reads input 192·4 = 768 B plus 448 B of weights; writes 256·4 = 1,024 B.
        #expect(conv.cost.bytesRead == 768 + 448)
        #expect(conv.cost.bytesWritten == 1_024)
    }

    @Test func totalsAddUp() throws {
        let report = try smallCNN().costReport()
        // Gemm: 10 outputs × 4 MACs = 40 MACs, + 10 bias adds; params 40 + 10 = 50.
        // Relu: 256 flops. GAP: reads 256 values → 256 flops. Flatten: 0.
        #expect(report.total.macs == 6_912 + 40)
        #expect(report.total.otherFlops == 256 + 256 + 256 + 10)
        #expect(report.total.parameters == 112 + 50)
        let summed = report.nodes.reduce(Cost.zero) { $0 + $1.cost }
        #expect(summed == report.total)
        #expect(report.opHistogram[.conv] == 1)
        #expect(report.weightBytesByType[.float32] == (112 + 50) * 4)
    }

    @Test func peakActivationMemoryByHand() throws {
        let report = try smallCNN().costReport()
        // Steps (bytes): x 768 live from start.
        //  conv: x 768 + conv 1,024 = 1,792 (x dies after conv)
        //  relu: conv 1,024 + relu 1,024 = 2,048  ← peak
        //  gap: relu 1,024 + gap 16 = 1,040
        //  flatten aliases gap: 16
        //  fc: 16 + 40 = 56
        #expect(report.liveBytesTimeline == [1_792, 2_048, 1_040, 16, 56])
        #expect(report.peakActivationBytes == 2_048)
        #expect(report.peakNodeIndex == 1)
    }

    @Test func sharedWeightCountedOnce() throws {
        // Tied embedding: the same [8,4] table used by Gather and by the output MatMul (transposed copy
        // avoided by using it as B of a MatMul with a [4,8] view would need Transpose; use Gemm transB).
        var b = GraphBuilder(name: "tied")
        let ids = b.input("ids", .int64, Shape([1, 3]))
        let table = b.weight("embed", .float32, Shape([8, 4]))
        let e = try b.apply(.gather, [table, ids], name: "lookup")
        let flat = try b.apply(.reshape, [e, b.ints("shape", [3, 4])], name: "flat")
        let logits = try b.apply(.gemm, [flat, table], ["transB": .int(1)], name: "logits")
        b.output(logits)
        let report = try b.finish().costReport()
        #expect(report.total.parameters == 32)
        #expect(report.nodes.first { $0.name == "lookup" }?.cost.parameters == 32)
        #expect(report.nodes.first { $0.name == "logits" }?.cost.parameters == 0)
        // Gemm [3,4]·[4,8]: 3·8·4 = 96 MACs.
        #expect(report.total.macs == 96)
    }

    @Test func blockFormatWeightBytesAreExact() throws {
        var b = GraphBuilder(name: "q")
        let x = b.input("x", .float32, Shape([1, 256]))
        let w = b.weight("w", .q4_0, Shape([256, 64]))
        let y = try b.apply(.matMul, [x, w], name: "mm")
        b.output(y)
        let report = try b.finish().costReport()
        // 16,384 weights / 32 per block = 512 blocks × 18 B = 9,216 B.
        #expect(report.total.weightBytes == 9_216)
        #expect(report.weightBytesByType[.q4_0] == 9_216)
        #expect(report.total.macs == 256 * 64)
    }
}
