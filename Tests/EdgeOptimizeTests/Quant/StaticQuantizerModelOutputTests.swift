import EdgeEngine
import EdgeIR
import Foundation
import Testing
@testable import EdgeOptimize

/// A convolution whose output reaches the graph output only through Reshape and Concat is the model's
/// output: static int8 keeps it float, as it keeps a graph output float. The bug this guards: BlazeFace's
/// detection heads (`Conv → Reshape → Concat → classificators`) got a Quantize/Dequantize pair on their
/// raw logits, whose calibrated range (−7828…1.5 on 40 LFW images) made every decisive logit round to 0.
@Suite struct StaticQuantizerModelOutputTests {
    /// x[1,1,2,2] → conv1 (1×1, weight 1, bias 0) → y1 → conv2 (1×1, weight 1000, bias −999) → y;
    /// out = Concat(Reshape(y, [1,4]), Reshape(y1, [1,4]), axis 1), shape [1, 8].
    static func graph() -> Graph {
        var g = Graph(name: "head")
        g.inputs = [ValueInfo(name: "x", type: TensorType(.float32, Shape([1, 1, 2, 2])))]
        g.setConstant(.float32("w1", [1], shape: Shape([1, 1, 1, 1])))
        g.setConstant(.float32("b1", [0], shape: Shape([1])))
        g.setConstant(.float32("w2", [1000], shape: Shape([1, 1, 1, 1])))
        g.setConstant(.float32("b2", [-999], shape: Shape([1])))
        g.setConstant(.int64("shape", [1, 4]))
        let conv: [String: Attribute] = ["kernel_shape": .ints([1, 1])]
        g.nodes = [Node(name: "conv1", op: .conv, inputs: ["x", "w1", "b1"], outputs: ["y1"], attributes: conv),
                   Node(name: "conv2", op: .conv, inputs: ["y1", "w2", "b2"], outputs: ["y"], attributes: conv),
                   Node(name: "flat", op: .reshape, inputs: ["y", "shape"], outputs: ["r"]),
                   Node(name: "flat1", op: .reshape, inputs: ["y1", "shape"], outputs: ["r1"]),
                   Node(name: "cat", op: .concat, inputs: ["r", "r1"], outputs: ["out"], attributes: ["axis": .int(1)])]
        g.outputs = [ValueInfo(name: "out", type: TensorType(.float32, Shape([1, 8])))]
        return g
    }

    /// x = [0, 0.2, 0.4, 1] = [0, 51, 102, 255]/255: on the int8 grid of its own range [0, 1] (scale 1/255,
    /// zero point −128), and weights 1 and 1000 are int8 codes 127 exactly (scales 1/127, 1000/127), so
    /// y1 = x and y = 1000·x − 999 = [−999, −799, −599, 1] come through quantization up to float rounding.
    /// Had y its own pair, its range [−999, 1] would give scale 1000/255 = 3.9216 and zero point
    /// round(−128 + 999/3.9216) = round(126.745) = 127: y = 1 → round(0.255) + 127 = 127 → 0, not 1.
    @Test func headFeedingReshapeConcatStaysFloat() throws {
        let g = Self.graph()
        let x = HostTensor([0, 0.2, 0.4, 1], shape: [1, 1, 2, 2])
        let (q, report) = try StaticQuantizer.quantize(g, calibration: [["x": x]], method: .minMax)
        // y is only reshaped and concatenated into the output: no pair; y1 feeds conv2: pair kept.
        #expect(!q.nodes.contains { $0.op.rawValue == "QuantizeLinear" && $0.inputs.first == "y" })
        #expect(q.nodes.contains { $0.op.rawValue == "QuantizeLinear" && $0.inputs.first == "y1" })
        #expect(report.ranges["y"] == nil)
        #expect(report.ranges["y1"].map { $0.low == 0 && $0.high == 1 } == true)
        #expect(report.weights.layers.count == 2)
        let expected: [Float] = [-999, -799, -599, 1, 0, 0.2, 0.4, 1]
        let qdq = try #require(try ExecutionPlan(graph: q, inputShapes: ["x": [1, 1, 2, 2]]).run(["x": x])["out"]).floats()
        for (a, e) in zip(qdq, expected) { #expect(abs(a - e) < 1e-3, "QDQ \(qdq)") }

        // On the integer kernels conv1 becomes QLinearConv; conv2, whose output is the model's, stays a
        // float Conv on dequantized int8 input and weight — and gives the same values.
        let (qop, converted) = try QOperatorConversion.convert(q)
        #expect(converted.converted == 1 && converted.skipped.map(\.node) == ["conv2"])
        let int = try #require(try ExecutionPlan(graph: qop, inputShapes: ["x": [1, 1, 2, 2]]).run(["x": x])["out"]).floats()
        for (a, e) in zip(int, expected) { #expect(abs(a - e) < 1e-3, "QLinearConv \(int)") }
    }

    /// The look-through follows only ops that move values: a Sigmoid between the head and the output
    /// computes something, so the head keeps its pair (onnxruntime's layout).
    @Test func computingOpBeforeTheOutputKeepsThePair() throws {
        var g = Self.graph()
        g.nodes[4] = Node(name: "cat", op: .concat, inputs: ["r", "r1"], outputs: ["c"], attributes: ["axis": .int(1)])
        g.nodes.append(Node(name: "sig", op: .sigmoid, inputs: ["c"], outputs: ["out"]))
        let x = HostTensor([0, 0.2, 0.4, 1], shape: [1, 1, 2, 2])
        let (q, _) = try StaticQuantizer.quantize(g, calibration: [["x": x]], method: .minMax)
        #expect(q.nodes.contains { $0.op.rawValue == "QuantizeLinear" && $0.inputs.first == "y" })
        #expect(StaticQuantizer.modelOutputValues(g) == ["out"])
        #expect(StaticQuantizer.modelOutputValues(Self.graph()) == ["y", "r", "r1", "out"])
    }
}
