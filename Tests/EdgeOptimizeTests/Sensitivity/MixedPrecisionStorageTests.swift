import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Mixed precision stored for real: fp16 layers as FLOAT16 initializers, int4 layers as INT4 with
/// blocked DequantizeLinear (opset 21) or packed nibbles with a decoding subgraph (older opsets). The
/// file shrinks, the engine computes what the search measured, and onnxruntime runs the file and
/// agrees; our importer reads it back.
@Suite(.serialized) struct MixedPrecisionStorageTests {
    /// onnxruntime on `model` with input `x`; plus the file's opset, initializer types and op types.
    /// onnxruntime on `model` with input `x`, with basic graph optimizations (the graph's own float
    /// semantics) and with all of them (its default: DequantizeLinear + MatMul fuses into MatMulNBits,
    /// which at accuracy level 4 quantizes the activations to int8); plus the file's opset, initializer
    /// types, op types, and the fused ops.
    static let script = """
        import json, os, sys, tempfile, numpy as np, onnx, onnxruntime as ort
        req = json.load(sys.stdin)
        m = onnx.load(req["model"])
        x = np.array(req["x"], dtype=np.float32).reshape(req["shape"])
        def run(level, save=None):
            o = ort.SessionOptions()
            o.graph_optimization_level = level
            o.log_severity_level = 3
            if save: o.optimized_model_filepath = save
            s = ort.InferenceSession(req["model"], o, providers=["CPUExecutionProvider"])
            return s.run(None, {s.get_inputs()[0].name: x})[0].reshape(-1).astype(float).tolist()
        fused = os.path.join(tempfile.mkdtemp(), "fused.onnx")
        full = run(ort.GraphOptimizationLevel.ORT_ENABLE_ALL, fused)
        print(json.dumps({"y": run(ort.GraphOptimizationLevel.ORT_ENABLE_BASIC), "y_all": full,
                          "fused": [n.op_type for n in onnx.load(fused).graph.node],
                          "opset": [o.version for o in m.opset_import if o.domain in ("", "ai.onnx")][0],
                          "types": {t.name: t.data_type for t in m.graph.initializer},
                          "ops": [n.op_type for n in m.graph.node],
                          "block_size": [a.i for n in m.graph.node for a in n.attribute if a.name == "block_size"]}))
        """

    /// Conv 8×3×3×3 (pads 1; a 27-wide row: one partial group) → Relu → Flatten → MatMul [288, 64]
    /// (stored [K, N]: 3 groups of 128 along K, the last partial) → Gemm transB [4, 64] with a bias.
    static func model(format: String, opset: Int?) throws -> Model {
        var rng = SplitMix64(seed: 41)
        var b = GraphBuilder(name: "mixed")
        let x = b.input("x", .float32, Shape([.value(1), .value(3), .value(6), .value(6)]))
        var h = try b.apply(.conv, [x, TrainableGraphTests.weight(&b, "w", [8, 3, 3, 3], &rng)], ["pads": .ints([1, 1, 1, 1])], name: "conv")
        h = try b.apply(.relu, [h], name: "relu")
        h = try b.apply(.flatten, [h], name: "flatten")
        h = try b.apply(.matMul, [h, TrainableGraphTests.weight(&b, "m", [288, 64], &rng, scale: 0.1)], name: "mm")
        h = try b.apply(.gemm, [h, TrainableGraphTests.weight(&b, "g", [4, 64], &rng), TrainableGraphTests.weight(&b, "c", [4], &rng)],
                        ["transB": .int(1)], name: "fc")
        b.output(h)
        var meta = ModelMetadata(format: format, source: "test")
        if let opset { meta.properties["onnx.opset.ai.onnx"] = "\(opset)" }
        return Model(graph: try b.finish(), metadata: meta)
    }

    func run(_ g: Graph, _ x: [Float]) throws -> [Float] {
        try ExecutionPlan(graph: g, inputShapes: ["x": [1, 3, 6, 6]]).run(["x": HostTensor(x, shape: [1, 3, 6, 6])])[g.outputs[0].name]!.floats()
    }

    @Test(arguments: [("zoo", nil), ("onnx", 15)] as [(String, Int?)])
    func storedFormatsShrinkTheFileAndComputeWhatWasMeasured(_ format: String, _ opset: Int?) throws {
        let model = try Self.model(format: format, opset: opset)
        let blocked = Int4WeightStorage.form(for: model) == .blockedDequantize
        #expect(blocked == (opset == nil))
        var rng = SplitMix64(seed: 42)
        let x = TrainableGraphTests.values(108, &rng)
        let dir = try TestPaths.temporaryDirectory("mixed-storage")
        defer { if ProcessInfo.processInfo.environment["KEEP"] == nil { try? FileManager.default.removeItem(at: dir) } else { print("kept", dir.path) } }
        let fp32Bytes = try ONNXExporter.serialize(model).bytes.count
        for assignment: MixedPrecisionSearch.Assignment in [[:], ["conv": .int4, "mm": .int4, "fc": .fp16], ["conv": .fp16, "mm": .int8, "fc": .int4]] {
            let label = assignment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }.joined(separator: ",")
            let (decoded, _) = try MixedPrecisionSearch.apply(assignment, to: model)
            let stored = try MixedPrecisionSearch.store(assignment, to: model)
            // The engine: the stored model computes exactly what the search measured.
            let want = try run(decoded.graph, x), got = try run(stored.graph, x)
            #expect(want == got, "\(label): stored \(got) vs decoded \(want)")
            // The file: fp32 weights 216 + 2,880 + 40 floats = 12,544 bytes (plus bias 16, unchanged).
            let path = dir.appendingPathComponent("\(label).onnx").path
            _ = try ONNXExporter.write(stored, to: path)
            let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
            #expect(size == (try ONNXExporter.serialize(stored).bytes.count))
            let ref = try #require(try Python.run(Self.script, input: ["model": path, "x": x.map(Double.init), "shape": [1, 3, 6, 6]]) as? [String: Any])
            let types = try #require(ref["types"] as? [String: Int]), ops = try #require(ref["ops"] as? [String])
            // fp32 weights: conv 216·4 = 864, mm 288·64·4 = 73,728, fc 256·4 = 1,024 → 75,616 B.
            if assignment["conv"] == .int4 {
                // conv int4 108 + 8 scales·4 = 140; mm int4 9,216 + 64·3 scales·4 = 9,984; fc fp16 512 → 10,636 B:
                // 64,980 B fewer, less what the decoding nodes and names add (measured 418 B for the two
                // DequantizeLinear, 3,300 B for the two packed-decoding subgraphs; bounded at 4,000 B).
                #expect(size <= fp32Bytes - 64_980 + 4_000, "\(label): \(size) B vs fp32 \(fp32Bytes) B")
                #expect(types["g_fp16"] == 10)   // TensorProto.FLOAT16
                if blocked {
                    #expect(types["w_int4"] == 22 && types["m_int4"] == 22)   // TensorProto.INT4
                    #expect((ref["opset"] as? Int) == 21 && (ref["block_size"] as? [Int]) == [128, 128])
                } else {
                    #expect(types["w_int4_packed"] == 2 && types["m_int4_packed"] == 2)   // TensorProto.UINT8
                    #expect((ref["opset"] as? Int) == 15 && ops.contains("Mod") && !ops.contains("DequantizeLinear"))
                }
            } else if assignment["conv"] == .fp16 {
                // conv fp16 432; mm int8 18,432 + 64 scales·4 + 64 zero points = 18,752; fc int4 128 + 4 scales·4 = 144
                // → 19,328 B: 56,288 B fewer, less the nodes' overhead.
                #expect(size <= fp32Bytes - 56_288 + 4_000, "\(label): \(size) B vs fp32 \(fp32Bytes) B")
                #expect(types["w_fp16"] == 10)
            }
            print("mixed precision stored (\(blocked ? "int4 DequantizeLinear, opset 21" : "packed int4 + decoding subgraph, opset 15")) \(label.isEmpty ? "fp32" : label): \(size) B (fp32 file \(fp32Bytes) B)")
            // onnxruntime runs the file and agrees with the engine: exactly up to float rounding on the
            // graph as written; within its int8-activation error once it fuses DequantizeLinear + MatMul
            // into MatMulNBits (measured here: at most 0.0038 of outputs up to 0.58).
            let y = try #require(ref["y"] as? [Double]), yAll = try #require(ref["y_all"] as? [Double])
            #expect(y.count == got.count && yAll.count == got.count)
            let scale = y.map(abs).max() ?? 1
            for (a, b) in zip(y, got) { #expect(abs(a - Double(b)) <= 1e-5 * max(1, abs(a)), "\(label): onnxruntime \(y) vs engine \(got)") }
            for (a, b) in zip(yAll, got) { #expect(abs(a - Double(b)) <= 0.02 * scale, "\(label): onnxruntime (all optimizations) \(yAll) vs engine \(got)") }
            if blocked, assignment["mm"] == .int4 {
                // onnxruntime recognises the blocked int4 weight as its own 4-bit format.
                #expect((ref["fused"] as? [String])?.contains("MatMulNBits") == true, "\(ref["fused"] ?? "")")
            }
            // Our importer reads the file back and the engine runs it to the same outputs.
            let back = try ModelLoader.load(path: path)
            #expect(try run(back.graph, x) == got)
            if blocked, assignment["conv"] == .int4 { #expect(back.graph.constants["w_int4"]?.dtype == .int4) }
        }
    }
}
