import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Whole-graph int8 weights: the axis each op needs, the input graph untouched, and a real model
/// (Magika) exported as QDQ ONNX that onnxruntime runs, compared with the fp32 model on real files.
@Suite struct GraphWeightQuantizerTests {
    /// x[1, 4] · W[4, 2] (MatMul) then Gemm with transB = 1 on W2[3, 2].
    static func tinyGraph() throws -> Graph {
        var g = Graph(name: "tiny")
        g.inputs = [ValueInfo(name: "x", type: TensorType(.float32, Shape([1, 4])))]
        // Column 0 of W: absmax 2 → scale 2/127; column 1: absmax 0.5 → scale 0.5/127.
        g.setConstant(.float32("W", [2, 0.5, -1, 0.25, 0.5, 0, 1, -0.5], shape: Shape([4, 2])))
        // Rows of W2 (output features under transB): absmax 3, 1, 4.
        g.setConstant(.float32("W2", [3, -1, 1, 0.5, -4, 2], shape: Shape([3, 2])))
        g.nodes = [Node(name: "mm", op: .matMul, inputs: ["x", "W"], outputs: ["h"]),
                   Node(name: "fc", op: .gemm, inputs: ["h", "W2"], outputs: ["y"], attributes: ["transB": .int(1)])]
        g.outputs = [ValueInfo(name: "y", type: TensorType(.float32, Shape([1, 3])))]
        return g
    }

    @Test func perChannelAxesFollowTheOps() throws {
        let g = try Self.tinyGraph()
        let (q, report) = try GraphWeightQuantizer.quantize(g)
        #expect(report.layers.map(\.weight) == ["W", "W2"])
        guard case .perAxis(let a1, let s1, _) = q.constants["W"]?.quantization,
              case .perAxis(let a2, let s2, _) = q.constants["W2"]?.quantization else {
            Issue.record("weights not per-axis"); return
        }
        #expect(a1 == 1 && s1 == [Float(4.0 / 254.0), Float(1.0 / 254.0)])      // MatMul: output columns
        #expect(a2 == 0 && s2 == [Float(6.0 / 254.0), Float(2.0 / 254.0), Float(8.0 / 254.0)])  // Gemm transB: rows
        #expect(q.constants["W"]?.dtype == .int8)
        #expect(g.constants["W"]?.dtype == .float32)   // the input graph is untouched
        // 8 codes + 2 scales and 2 zero points (4 bytes each, the IR's per-axis overhead) = 24 bytes.
        #expect(report.layers[0].bytesBefore == 32 && report.layers[0].bytesAfter == 24)
        let (_, skipped) = try GraphWeightQuantizer.quantize(g, exclude: ["Gemm"])
        #expect(skipped.layers.map(\.weight) == ["W"])
        #expect(skipped.skipped.map(\.weight) == ["W2"])
    }

    @Test func refusesNonFiniteWeights() throws {
        var g = try Self.tinyGraph()
        g.setConstant(.float32("W", [.nan, 0, 0, 0, 0, 0, 0, 0], shape: Shape([4, 2])))
        #expect(throws: OptimizeError.self) { try GraphWeightQuantizer.quantize(g) }
    }

    /// Magika standard_v3_3 with int8 per-channel weights, exported as QDQ ONNX: onnxruntime runs it,
    /// and on 256 real files its predictions agree with the fp32 model's.
    @Test func magikaRunsInOnnxRuntimeAndAgrees() throws {
        let path = TestPaths.assets.appendingPathComponent("magika-1.0.3/magika/models/standard_v3_3/model.onnx").path
        guard FileManager.default.fileExists(atPath: path) else {
            Issue.record("missing \(path): run Scripts/fetch-models.sh"); return
        }
        let ref = try QuantReference()
        defer { ref.remove() }
        var model = try ModelLoader.load(path: path)
        let (graph, report) = try GraphWeightQuantizer.quantize(model.graph)
        #expect(report.layers.count >= 3)        // Magika: 1 Conv + 2 MatMul (models.md §2.2)
        model.graph = graph
        let out = ref.path("magika-int8w.onnx")
        let exported = try ONNXExporter.write(model, to: out)
        #expect(exported.quantizedTensors == report.layers.count)
        let json = try ref.run("magika-agreement", path, out)
        let sqnr = json["sqnr"] as? Double ?? 0, top1 = json["top1_agreement"] as? Double ?? 0
        print("magika int8 per-channel weights: inputs \(json["inputs"] ?? 0), output SQNR \(sqnr) dB, top-1 agreement \(top1), "
              + "KL \(json["kl"] ?? 0), size \(json["size_fp32"] ?? 0) → \(json["size_test"] ?? 0) B")
        #expect(top1 >= 0.95)
        #expect(sqnr >= 20)
        #expect((json["size_test"] as? Int ?? .max) < (json["size_fp32"] as? Int ?? 0) / 2)
    }
}
