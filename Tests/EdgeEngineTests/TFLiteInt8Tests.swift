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

    /// Counts for our reference loops (`forceReference`) and for the plan with the optimized kernels, and how
    /// many outputs differ between those two plans.
    static func compare(model name: String, kernels: String) throws -> (reference: Counts, optimized: Counts, differ: Int) {
        let path = dir + "/" + name + ".tflite"
        let samples = dir + "/" + (name.hasPrefix("digits") ? "digits_cnn" : "mobile_block") + "_inputs.npy"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/make-int8-tflite.sh")
        let tmp = try TestPaths.temporaryDirectory("int8")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let ref = try litert(path, samples: samples, kernels: kernels, out: tmp)
        let model = try ModelLoader.load(path: path)
        let plans = [try ExecutionPlan(model: model, options: EngineOptions(forceReference: true)),
                     try ExecutionPlan(model: model, options: EngineOptions(forceReference: false))]
        let input = model.graph.inputs[0]
        let per = ref.inputs.elementCount / ref.inputs.shape[0], outPer = ref.outputs.elementCount / ref.outputs.shape[0]
        let width = ref.inputs.dtype == .float32 ? 4 : 1
        var counts = [Counts(), Counts()], differ = 0
        for k in 0..<ref.inputs.shape[0] {
            let x = HostTensor(dtype: ref.inputs.dtype, shape: [1] + Array(ref.inputs.shape.dropFirst()))
            x.ref.data.copyMemory(from: ref.inputs.ref.data + k * per * width, byteCount: per * width)
            var outs: [HostTensor] = []  // kept alive: a TensorRef does not own its bytes
            for (p, plan) in plans.enumerated() {
                let y = try #require(try plan.run([input.name: x])[plan.outputNames[0]])
                outs.append(y)
                let got = y.ref, want = ref.outputs.ref
                for i in 0..<outPer {
                    let a = got.double(at: i), b = want.double(at: k * outPer + i)
                    let steps = ref.outputs.dtype == .float32 ? abs(a - b) / ref.outScale : abs(a - b)
                    if steps < 1e-3 { counts[p].identical += 1 } else if steps < 1 + 1e-3 { counts[p].offByOne += 1 } else { counts[p].other += 1 }
                }
            }
            for i in 0..<outPer where outs[0].ref.double(at: i) != outs[1].ref.double(at: i) { differ += 1 }
        }
        return (counts[0], counts[1], differ)
    }

    @Test(arguments: ["digits_cnn_int8", "digits_cnn_uint8", "digits_cnn_float", "mobile_block_int8", "mobile_block_uint8", "mobile_block_float"])
    func agreesWithLiteRTReferenceKernels(_ name: String) throws {
        let both = try Self.compare(model: name, kernels: "reference")
        for (label, c) in [("reference loops", both.reference), ("optimized kernels", both.optimized)] {
            let f = { (n: Int) in String(format: "%.2f %%", 100 * Double(n) / Double(max(c.total, 1))) }
            print("int8 TFLite \(name), our \(label) vs LiteRT reference kernels: \(c.total) output integers, identical \(f(c.identical)), off by one \(f(c.offByOne)), other \(f(c.other))")
            #expect(c.total > 0)
            #expect(Double(c.identical) >= 0.99 * Double(c.total))
            #expect(c.other == 0)
        }
        // The optimized kernels compute the reference loops' outputs exactly.
        #expect(both.differ == 0, "\(both.differ) outputs differ between the optimized kernels and the reference loops")
    }
}
