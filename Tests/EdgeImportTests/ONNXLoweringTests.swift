import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import Testing

/// Lowered ops and QDQ tensors compute what they should: each case runs in onnxruntime and is compared
/// with onnxruntime's native op at a later opset, or with a numpy formula
/// (Scripts/reference/onnx_export_check.py), on the same seeded inputs.
@Suite(.serialized) struct ONNXLoweringTests {
    typealias E = ONNXExporterTests

    /// One-node graph `op(inputs…) → y` whose inputs are all graph inputs.
    static func single(_ op: OpType, _ inputs: [(String, DType, [Int])], _ attrs: [String: Attribute] = [:]) throws -> Graph {
        var b = GraphBuilder(name: op.rawValue)
        let names = inputs.map { b.input($0.0, $0.1, Shape($0.2)) }
        let y = try b.apply(op, names, attrs, name: "y")
        b.output(y)
        return try b.finish()
    }

    @Test func loweredOpsMatchOnnxruntimesNativeOps() throws {
        let dir = try TestPaths.temporaryDirectory("onnx-lowering")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x: [(String, DType, [Int])] = [("x", .float32, [2, 3, 8])]
        // (name, graph, opset that lowers, opset with the native op)
        let cases: [(String, Graph, Int, Int)] = [
            ("silu", try Self.single(.silu, x), 17, 24),
            ("gelu", try Self.single(.gelu, x), 17, 20),
            ("gelu-tanh", try Self.single(.gelu, x, ["approximate": .string("tanh")]), 17, 20),
            ("hardswish", try Self.single(.hardSwish, x), 13, 14),
            ("mish", try Self.single("Mish", x), 17, 18),
            ("rmsnorm", try Self.single(.rmsNorm, x + [("scale", .float32, [8])], ["epsilon": .float(1e-5)]), 17, 23),
            // Grouped-query causal attention: 4 query heads share 2 K/V heads; prefill (S_q = S_k = 5).
            ("attention-gqa-causal", try Self.single(.attention, [("q", .float32, [1, 4, 5, 8]), ("k", .float32, [1, 2, 5, 8]),
                                                                  ("v", .float32, [1, 2, 5, 8])], ["is_causal": .int(1)]), 17, 23),
            // 3-D operands [B, S, H·D] (BERT-style): 2 query heads of 4 over 1 K/V head, causal.
            ("attention-3d", try Self.single(.attention, [("q", .float32, [1, 5, 8]), ("k", .float32, [1, 5, 4]), ("v", .float32, [1, 5, 4])],
                                             ["q_num_heads": .int(2), "kv_num_heads": .int(1), "is_causal": .int(1)]), 17, 23),
            // Decode step: one query against 6 cached keys, with a float additive mask.
            ("attention-decode-mask", try Self.single(.attention, [("q", .float32, [1, 2, 1, 4]), ("k", .float32, [1, 2, 6, 4]),
                                                                   ("v", .float32, [1, 2, 6, 4]), ("m", .float32, [1, 6])]), 17, 23),
        ]
        var requests: [[String: Any]] = []
        for (name, g, low, high) in cases {
            let lowered = try E.write(E.model(g), dir, name + "-\(low).onnx", opset: low)
            let native = try E.write(E.model(g), dir, name + "-\(high).onnx", opset: high)
            requests.append(["model": lowered, "reference": native, "seed": 3])
        }
        let results = try E.check(requests).cases
        for ((name, _, _, _), r) in zip(cases, results) {
            #expect(r["checker"] as? String == "ok", "\(name): \(r["checker"] ?? "")")
            #expect(r["run"] as? String == "ok" && r["reference_run"] as? String == "ok", "\(name): \(r["run"] ?? "") / \(r["reference_run"] ?? "")")
            #expect(r["same_shapes"] as? Bool == true, "\(name)")
            #expect((r["max_abs_diff"] as? Double ?? 1) < 2e-6, "\(name): max |Δ| \(r["max_abs_diff"] ?? "")")
        }
        // The native file really uses the native op and the lowered one does not.
        let native = try ModelLoader.load(path: dir.appendingPathComponent("silu-24.onnx").path).graph.nodes.map(\.op)
        let lowered = try ModelLoader.load(path: dir.appendingPathComponent("silu-17.onnx").path).graph.nodes.map(\.op)
        #expect(native == ["Swish"])
        #expect(lowered == ["Sigmoid", "Mul"])
    }

    @Test func loweredOpsMatchNumpyFormulas() throws {
        let dir = try TestPaths.temporaryDirectory("onnx-lowering-np")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cases: [(String, Graph, [String: Any])] = [
            ("rope", try Self.single(.rope, [("x", .float32, [1, 2, 5, 8])], ["theta": .float(10_000), "position": .int(3)]),
             ["op": "rope", "input": "x", "theta": 10_000, "position": 3]),
            ("embedding", try Self.single(.embedding, [("ids", .int64, [2, 3]), ("table", .float32, [4, 5])]),
             ["op": "embedding", "ids": "ids", "table": "table"]),
            ("kvcache", try Self.single("KVCacheUpdate", [("cache", .float32, [1, 2, 3, 4]), ("new", .float32, [1, 2, 1, 4])]),
             ["op": "kv_concat", "cache": "cache", "new": "new"]),
            ("fully-connected", try Self.single(.fullyConnected, [("x", .float32, [2, 3, 4]), ("w", .float32, [5, 4]), ("b", .float32, [5])]),
             ["op": "fully_connected", "input": "x", "weight": "w", "bias": "b"]),
        ]
        var requests: [[String: Any]] = []
        for (name, g, spec) in cases {
            requests.append(["model": try E.write(E.model(g), dir, name + ".onnx"), "seed": 5, "numpy": spec])
        }
        let results = try E.check(requests).cases
        for ((name, _, _), r) in zip(cases, results) {
            #expect(r["checker"] as? String == "ok", "\(name): \(r["checker"] ?? "")")
            #expect(r["run"] as? String == "ok", "\(name): \(r["run"] ?? "")")
            #expect(r["numpy_same_shape"] as? Bool == true, "\(name): \(r["numpy_error"] ?? "")")
            #expect((r["numpy_max_abs_diff"] as? Double ?? 1) < 1e-5, "\(name): max |Δ| \(r["numpy_max_abs_diff"] ?? "")")
        }
    }

    // MARK: quantized tensors as QDQ

    /// `y = x · W` with `W` a quantized constant.
    static func quantizedMatMul(_ w: Tensor, k: Int) throws -> Graph {
        var b = GraphBuilder(name: "qdq")
        let x = b.input("x", .float32, Shape([2, k]))
        var g = b.graph
        g.setConstant(w)
        b.replaceGraph(g)
        let y = try b.apply(.matMul, [x, w.name], name: "y")
        b.output(y)
        return try b.finish()
    }

    static func int8Bytes(_ v: [Int]) -> [UInt8] { v.map { UInt8(bitPattern: Int8($0)) } }

    @Test func quantizedTensorsBecomeQDQThatOnnxruntimeDequantizes() throws {
        let dir = try TestPaths.temporaryDirectory("onnx-qdq")
        defer { try? FileManager.default.removeItem(at: dir) }
        // W int8 [4, 3], per output column (axis 1): scales 0.1, 0.2, 0.05 and zero points 0, 1, −2.
        let q8 = [12, -7, 100, 0, 5, -128, 127, -1, 33, 64, -64, 9]
        let perAxis = Tensor(name: "W", type: TensorType(.int8, Shape([4, 3])),
                             quantization: .perAxis(axis: 1, scales: [0.1, 0.2, 0.05], zeroPoints: [0, 1, -2]),
                             storage: .memory(Self.int8Bytes(q8)))
        // W uint8 [4, 3], one scale 0.02 and zero point 128.
        let u8 = [0, 255, 128, 129, 127, 1, 200, 50, 128, 90, 180, 10]
        let perTensor = Tensor(name: "W", type: TensorType(.uint8, Shape([4, 3])),
                               quantization: .perTensor(scale: 0.02, zeroPoint: 128), storage: .memory(u8.map(UInt8.init)))
        // W int4 [4, 2] packed low nibble first, per column scales 0.5 and 0.25, zero points 0 and −1.
        let q4 = [7, -8, 3, -1, 0, 5, -4, 2]
        var packed = [UInt8](repeating: 0, count: 4)
        for (i, v) in q4.enumerated() { packed[i / 2] |= (UInt8(bitPattern: Int8(v)) & 0x0F) << (i % 2 == 0 ? 0 : 4) }
        let int4 = Tensor(name: "W", type: TensorType(.int4, Shape([4, 2])),
                          quantization: .perAxis(axis: 1, scales: [0.5, 0.25], zeroPoints: [0, -1]), storage: .memory(packed))
        // A float weight marked for per-tensor quantization (scale 0.05, zero point 0): QuantizeLinear →
        // DequantizeLinear. Values avoid exact halves so rounding ties do not matter.
        let wf: [Float] = [0.11, -0.52, 0.33, 0.9, -0.07, 0.26, 6.8, -7.1, 0.013, 0.49, -0.31, 0.18]
        let fake = Tensor(name: "W", type: TensorType(.float32, Shape([4, 3])), quantization: .perTensor(scale: 0.05, zeroPoint: 0),
                          storage: .memory(wf.withUnsafeBytes { Array($0) }))

        let cases: [(String, Tensor, Int, [String: Any])] = [
            ("int8-per-axis", perAxis, 17, ["op": "dequant_matmul", "input": "x", "q": q8, "shape": [4, 3], "scale": [0.1, 0.2, 0.05],
                                            "zero_point": [0, 1, -2], "axis": 1]),
            ("uint8-per-tensor", perTensor, 17, ["op": "dequant_matmul", "input": "x", "q": u8, "shape": [4, 3], "scale": [0.02],
                                                 "zero_point": [128], "axis": 0]),
            ("int4-per-axis", int4, 21, ["op": "dequant_matmul", "input": "x", "q": q4, "shape": [4, 2], "scale": [0.5, 0.25],
                                         "zero_point": [0, -1], "axis": 1]),
            ("float-fake-quant", fake, 17, ["op": "fakequant_matmul", "input": "x", "w": wf.map(Double.init), "shape": [4, 3], "scale": [0.05],
                                            "zero_point": [0], "axis": 0, "qmin": -128, "qmax": 127]),
        ]
        var requests: [[String: Any]] = []
        for (name, w, opset, spec) in cases {
            let g = try Self.quantizedMatMul(w, k: 4)
            // The exporter raises the opset to what the tensor needs (int4 DequantizeLinear: 21).
            let report = try ONNXExporter.write(E.model(g), to: dir.appendingPathComponent(name + ".onnx").path)
            #expect(report.opsets[""] == opset, "\(name)")
            #expect(report.quantizedTensors == 1)
            requests.append(["model": dir.appendingPathComponent(name + ".onnx").path, "seed": 11, "numpy": spec])
        }
        let results = try E.check(requests).cases
        for ((name, _, _, _), r) in zip(cases, results) {
            #expect(r["checker"] as? String == "ok", "\(name): \(r["checker"] ?? "")")
            #expect(r["run"] as? String == "ok", "\(name): \(r["run"] ?? "")")
            #expect((r["numpy_max_abs_diff"] as? Double ?? 1) < 1e-5, "\(name): \(r["numpy_max_abs_diff"] ?? r["numpy_error"] ?? "")")
        }
        // What the file holds: the integer data stays integer, behind one DequantizeLinear per tensor.
        let back = try ModelLoader.load(path: dir.appendingPathComponent("int8-per-axis.onnx").path).graph
        #expect(back.nodes.map(\.op) == ["DequantizeLinear", "MatMul"])
        #expect(back.constants["W_quantized"]?.dtype == .int8)
        #expect(back.nodes.first?.int("axis") == 1)
        let fakeBack = try ModelLoader.load(path: dir.appendingPathComponent("float-fake-quant.onnx").path).graph
        #expect(fakeBack.nodes.map(\.op) == ["QuantizeLinear", "DequantizeLinear", "MatMul"])
    }

    @Test func whatOnnxCannotExpressIsRefusedByName() throws {
        // A GGUF block-format weight (q4_0: 32 weights per 18-byte block) has no ONNX element type.
        var g = Graph(name: "g")
        g.setConstant(Tensor(name: "blocks", type: TensorType(.q4_0, Shape([4, 32]))))
        g.outputs = [ValueInfo(name: "blocks", type: TensorType(.float32, Shape([4, 32])))]
        #expect(throws: ONNXExportError(field: "tensor 'blocks'", reason: "element type q4_0 has no ONNX equivalent; dequantize it first")) {
            _ = try ONNXExporter.serialize(E.model(g))
        }
        // Group-wise quantization keeps its scales elsewhere, so it has no QDQ form.
        g.setConstant(Tensor(name: "blocks", type: TensorType(.int4, Shape([4, 32])), quantization: .groupwise(groupSize: 32, symmetric: true)))
        #expect(throws: ONNXExportError(field: "tensor 'blocks'", reason: "group 32 sym quantization has no QDQ form; dequantize it first")) {
            _ = try ONNXExporter.serialize(E.model(g))
        }
        // NHWC Conv and pooling are written between Transposes (ExportCLITests checks BlazeFace against
        // LiteRT), and so is an NHWC Resize given TFLite's [H, W] size; one without a size is refused by name.
        var r = Graph(name: "r")
        r.inputs = [ValueInfo(name: "x", type: TensorType(.float32, Shape([1, 4, 4, 3])))]
        r.nodes = [Node(name: "up", op: "Resize", inputs: ["x", "", "scales"], outputs: ["y"],
                        attributes: ["layout": .string("NHWC"), "mode": .string("nearest")])]
        r.setConstant(Tensor(name: "scales", type: TensorType(.float32, Shape([4]))))
        r.outputs = [ValueInfo(name: "y", type: TensorType(.float32, Shape([1, 8, 8, 3])))]
        #expect(throws: ONNXExportError(field: "node 'up'", reason: "Resize in NHWC layout has no ONNX form yet")) {
            _ = try ONNXExporter.serialize(E.model(r))
        }
    }
}
