import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Channel pruning across residual groups: layers whose outputs meet in an element-wise join lose the
/// same channels, chosen by their summed norm, and every consumer shrinks with them.
@Suite(.serialized) struct ChannelPrunerGroupTests {
    /// x [1,3,8,8] → conv0 (8, 3×3) → relu → r0; r0 → conv1 (8, 3×3) → relu → conv2 (8, 1×1);
    /// add(conv2, r0) → relu → conv3 (4, 1×1) → GlobalAveragePool → Flatten → Gemm [4, 10] + bias.
    /// Channels 3 and 5 of conv0 and conv2 and channels 2 and 6 of conv1 are exactly zero (filters and
    /// biases); channel 1 of conv0 is zero too, but conv2's channel 1 is large, so its summed norm is not small.
    static func residual() throws -> Graph {
        var rng = SplitMix64(seed: 51)
        var b = GraphBuilder(name: "residual")
        func w(_ name: String, _ shape: [Int], zero: [Int], scale: Float = 0.5, big: Int? = nil) -> String {
            var v = TrainableGraphTests.values(shape.reduce(1, *), &rng, scale: scale)
            let per = shape.dropFirst().reduce(1, *)
            for c in zero { for i in 0..<per { v[c * per + i] = 0 } }
            if let big { for i in 0..<per { v[big * per + i] = 3 } }
            return b.weight(name, .float32, Shape(shape), storage: .memory(v.withUnsafeBytes { Array($0) }))
        }
        let x = b.input("x", .float32, Shape([.value(1), .value(3), .value(8), .value(8)]))
        let pads: [String: Attribute] = ["pads": .ints([1, 1, 1, 1])]
        let r0 = try b.apply(.relu, [try b.apply(.conv, [x, w("w0", [8, 3, 3, 3], zero: [1, 3, 5]), w("b0", [8], zero: [1, 3, 5])], pads, name: "conv0")], name: "relu0")
        var h = try b.apply(.relu, [try b.apply(.conv, [r0, w("w1", [8, 8, 3, 3], zero: [2, 6]), w("b1", [8], zero: [2, 6])], pads, name: "conv1")], name: "relu1")
        h = try b.apply(.conv, [h, w("w2", [8, 8, 1, 1], zero: [3, 5], big: 1), w("b2", [8], zero: [3, 5])], name: "conv2")
        h = try b.apply(.relu, [try b.apply(.add, [h, r0], name: "residual")], name: "relu2")
        h = try b.apply(.conv, [h, w("w3", [4, 8, 1, 1], zero: []), w("b3", [4], zero: [])], name: "conv3")
        h = try b.apply(.flatten, [try b.apply(.globalAveragePool, [h], name: "gap")], name: "flatten")
        h = try b.apply(.gemm, [h, w("g", [4, 10], zero: []), w("c", [10], zero: [])], name: "fc")
        b.output(h)
        return try b.finish()
    }

    @Test func aResidualGroupLosesTheSameChannelsAndComputesTheSame() throws {
        let original = try Self.residual()
        let (g, report) = try ChannelPruner.prune(original, ratio: 0.25)
        // conv0 and conv2 form one group (they meet at 'residual'); conv1 is pruned alone; conv3's
        // channels reach Flatten and fc's the output.
        let group = try #require(report.layers.first { $0.node == "conv0" })
        #expect(group.group == ["conv2"] && group.channelsBefore == 8 && group.channelsAfter == 6)
        #expect(report.layers.contains { $0.node == "conv1" && $0.group == nil && $0.channelsAfter == 6 })
        #expect(!report.layers.contains { $0.node == "conv2" })
        #expect(report.skipped.contains { $0.node == "conv3" } && report.skipped.contains { $0.node == "fc" })
        // The exactly-zero channels went (3 and 5 of the group; 1 stayed: conv2's filter 1 is large), so
        // the outputs are the original's. Kept group channels 0 1 2 4 6 7: conv2's filter 1 (all 3s)
        // survives in row 1 of the pruned weight.
        let w2 = WeightValues.floats(g.constants["w2"]!)
        #expect(g.constants["w2"]!.shape.values == [6, 6, 1, 1] && w2[6..<12].allSatisfy { $0 == 3 })
        // Parameters by hand: conv0 8·27 + 8 = 224 → 6·27 + 6 = 168; conv1 8·72 + 8 = 584 → 6·54 + 6 = 330;
        // conv2 8·8 + 8 = 72 → 6·6 + 6 = 42; conv3 4·8 + 4 = 36 → 4·6 + 4 = 28; fc 40 + 10 = 50 both: 966 → 618.
        let before = try CompressionFixture.cost(original, "x", [1, 3, 8, 8]), after = try CompressionFixture.cost(g, "x", [1, 3, 8, 8])
        #expect(before.params == 966 && after.params == 618)
        // MACs per image: conv0 64·8·27 = 13,824 → 64·6·27 = 10,368; conv1 64·8·72 = 36,864 → 64·6·54 = 20,736;
        // conv2 64·64 = 4,096 → 64·36 = 2,304; conv3 64·32 = 2,048 → 64·24 = 1,536; fc 40 (the cost model may
        // add the element-wise ops, so only the drop is checked exactly).
        #expect(before.macs - after.macs == (13_824 - 10_368) + (36_864 - 20_736) + (4_096 - 2_304) + (2_048 - 1_536))
        var rng = SplitMix64(seed: 52)
        let x = HostTensor(TrainableGraphTests.values(192, &rng), shape: [1, 3, 8, 8])
        let a = try CompressionFixture.engine(original, "x", x, opset: 17), b = try CompressionFixture.engine(g, "x", x, opset: 17)
        for (p, q) in zip(a, b) { #expect(abs(p - q) <= 1e-5 * max(1, abs(p)), "original \(a) vs pruned \(b)") }
    }

    /// A join with a graph input cannot be pruned consistently: named, nothing changed.
    @Test func aJoinWithTheGraphInputIsRefused() throws {
        var rng = SplitMix64(seed: 53)
        var b = GraphBuilder(name: "input-join")
        let x = b.input("x", .float32, Shape([.value(1), .value(4), .value(5), .value(5)]))
        var h = try b.apply(.conv, [x, TrainableGraphTests.weight(&b, "w", [4, 4, 1, 1], &rng)], name: "conv")
        h = try b.apply(.add, [h, x], name: "skip")
        h = try b.apply(.conv, [h, TrainableGraphTests.weight(&b, "v", [2, 4, 1, 1], &rng)], name: "head")
        b.output(h)
        let (g, report) = try ChannelPruner.prune(try b.finish(), ratio: 0.5)
        #expect(report.layers.isEmpty)
        #expect(report.skipped.contains { $0.node == "conv" && $0.reason.contains("'x' is a graph input") }, "\(report.skipped)")
        #expect(g.constants["w"]!.shape.values == [4, 4, 1, 1])
    }

    /// PP-OCR's classifier and recogniser: residual and squeeze-and-excitation groups pruned together;
    /// fewer parameters and MACs, the model runs, onnxruntime agrees on the export. Measured (4 page
    /// crops, l1 0.25, no fine-tuning): cls 24 layers in 12 groups (4 layers alone before groups),
    /// params 129,393 → 79,714, MACs 16.32 M → 10.43 M, SQNR 2.7 dB; rec 20 layers (2 groups of 2),
    /// params 2,688,600 → 2,071,371, MACs 702 M → 435 M, SQNR −3.2 dB.
    @Test(arguments: ["cls", "rec"])
    func ppocrGroups(_ which: String) throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        let path = which == "cls" ? CompressionFixture.clsPath : LowRankRecognizerTests.recPath
        let model = try CompressionFixture.load(path)
        let opset = CompressionFixture.opset(model)
        let width = which == "cls" ? 192 : 320
        let p = f.ref.path("\(which)-g.npy")
        _ = try f.script("ocr-inputs", "4", "48", String(width), p)
        let x = try NPY.read(path: p)
        let input = model.graph.inputs[0].name
        let fp32 = try CompressionFixture.engine(model.graph, input, x, opset: opset)
        let (g, report) = try ChannelPruner.prune(model.graph, ratio: 0.25)
        let groups = report.layers.filter { $0.group != nil }
        #expect(!groups.isEmpty)
        let before = try CompressionFixture.cost(model.graph, input, [1, 3, 48, width])
        let after = try CompressionFixture.cost(g, input, [1, 3, 48, width])
        #expect(after.params < before.params && after.macs < before.macs)
        let out = try CompressionFixture.engine(g, input, x, opset: opset)
        #expect(out.count == fp32.count)
        let sqnr = ErrorMetrics.sqnr(reference: fp32, test: out)
        var m = model
        m.graph = g
        let ort = try f.ortCheck(original: path, test: m, x: x, engineOut: out, tag: "\(which)-group-prune")
        let reasons = Dictionary(grouping: report.skipped, by: { $0.reason.components(separatedBy: " '").first ?? "" }).mapValues(\.count)
        print("ppocr \(which) channel prune l1 0.25 with groups: \(report.layers.count) pruned (\(groups.count) groups of \(groups.map { 1 + ($0.group?.count ?? 0) })), "
              + "\(report.channelsRemoved) channels removed; params \(before.params) → \(after.params), MACs \(before.macs) → \(after.macs); "
              + "engine SQNR \(sqnr) dB; onnxruntime SQNR \(ort.sqnr) dB, engine vs onnxruntime \(ort.engineVsOrt) dB; kept: \(reasons)")
        #expect(ort.engineVsOrt > 50)
        #expect(abs(ort.sqnr - sqnr) < 1)
        if which == "cls" {
            // Every squeeze-and-excitation gate and residual add of the classifier closes into a group.
            #expect(!report.skipped.contains { $0.reason.contains("join") }, "\(report.skipped)")
            #expect(groups.count >= 10)
        }
    }
}
