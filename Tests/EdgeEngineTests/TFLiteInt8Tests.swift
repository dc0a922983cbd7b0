import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// Fully-quantized int8 TFLite models (made from real data by TensorFlow's converter: Scripts/make-int8-tflite.sh)
/// run with their own scales and zero points and agree with LiteRT's reference kernels at test time on real
/// inputs (sklearn digits rows 1000–1199; 32×32 crops of scikit-image photographs): ≥ 99 % of the output
/// integers identical, the rest off by one (issue 4). Float-I/O variants are compared in steps of the output's
/// quantization scale (their DEQUANTIZE output is scale·(q − zp)).
@Suite(.serialized) struct TFLiteInt8Tests {
    static let dir = TestPaths.assets.deletingLastPathComponent().appendingPathComponent("int8-tflite").path

    struct Counts { var identical = 0, offByOne = 0, other = 0
        var total: Int { identical + offByOne + other }
    }

    /// Runs `model` in LiteRT (`kernels`: reference or default) on each sample; returns the inputs as fed
    /// (quantized with the model's input parameters when the input is integer) and LiteRT's outputs.
    static func litert(_ model: String, samples: String, kernels: String, out: URL) throws -> (inputs: HostTensor, outputs: HostTensor, outScale: Double) {
        let script = """
            import sys, json, numpy as np
            from ai_edge_litert import interpreter as tfl
            model, samples, kernels, out = sys.argv[1:5]
            r = tfl.OpResolverType.BUILTIN_REF if kernels == "reference" else tfl.OpResolverType.AUTO
            it = tfl.Interpreter(model_path=model, num_threads=1, experimental_op_resolver_type=r)
            it.allocate_tensors()
            i, o = it.get_input_details()[0], it.get_output_details()[0]
            x = np.load(samples).astype(np.float32)
            if i["dtype"] != np.float32:
                s, z = i["quantization"]
                info = np.iinfo(i["dtype"])
                x = np.clip(np.round(x / s) + z, info.min, info.max).astype(i["dtype"])
            ys = []
            for k in range(len(x)):
                it.set_tensor(i["index"], x[k:k + 1]); it.invoke(); ys.append(it.get_tensor(o["index"]).copy())
            np.save(out + "/x.npy", x); np.save(out + "/y.npy", np.concatenate(ys))
            print(json.dumps({"scale": float(o["quantization"][0]) if o["quantization"][0] else 1.0}))
            """
        let j = try #require(try Python.run(script, arguments: [model, samples, kernels, out.path]) as? [String: Any])
        return (try NPY.read(path: out.appendingPathComponent("x.npy").path), try NPY.read(path: out.appendingPathComponent("y.npy").path),
                j["scale"] as? Double ?? 1)
    }

    static func compare(model name: String, kernels: String) throws -> Counts {
        let path = dir + "/" + name + ".tflite"
        let samples = dir + "/" + (name.hasPrefix("digits") ? "digits_cnn" : "mobile_block") + "_inputs.npy"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/make-int8-tflite.sh")
        let tmp = try TestPaths.temporaryDirectory("int8")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let ref = try litert(path, samples: samples, kernels: kernels, out: tmp)
        let model = try ModelLoader.load(path: path)
        let plan = try ExecutionPlan(model: model, options: EngineOptions(forceReference: true))
        let input = model.graph.inputs[0]
        let per = ref.inputs.elementCount / ref.inputs.shape[0], outPer = ref.outputs.elementCount / ref.outputs.shape[0]
        let width = ref.inputs.dtype == .float32 ? 4 : 1
        var c = Counts()
        for k in 0..<ref.inputs.shape[0] {
            let x = HostTensor(dtype: ref.inputs.dtype, shape: [1] + Array(ref.inputs.shape.dropFirst()))
            x.ref.data.copyMemory(from: ref.inputs.ref.data + k * per * width, byteCount: per * width)
            let y = try #require(try plan.run([input.name: x])[plan.outputNames[0]])
            let got = y.ref, want = ref.outputs.ref
            for i in 0..<outPer {
                let a = got.double(at: i), b = want.double(at: k * outPer + i)
                let steps = ref.outputs.dtype == .float32 ? abs(a - b) / ref.outScale : abs(a - b)
                if steps < 1e-3 { c.identical += 1 } else if steps < 1 + 1e-3 { c.offByOne += 1 } else { c.other += 1 }
            }
        }
        return c
    }

    @Test(arguments: ["digits_cnn_int8", "digits_cnn_uint8", "digits_cnn_float", "mobile_block_int8", "mobile_block_uint8", "mobile_block_float"])
    func agreesWithLiteRTReferenceKernels(_ name: String) throws {
        let c = try Self.compare(model: name, kernels: "reference")
        let f = { (n: Int) in String(format: "%.2f %%", 100 * Double(n) / Double(max(c.total, 1))) }
        print("int8 TFLite \(name) vs LiteRT reference kernels: \(c.total) output integers, identical \(f(c.identical)), off by one \(f(c.offByOne)), other \(f(c.other))")
        #expect(c.total > 0)
        #expect(Double(c.identical) >= 0.99 * Double(c.total))
        #expect(c.other == 0)
    }
}
