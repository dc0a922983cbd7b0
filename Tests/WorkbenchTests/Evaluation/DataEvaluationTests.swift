import EdgeEngine
import EdgeOptimize
import EdgeTestSupport
import Foundation
import Testing
@testable import Workbench

/// Tune's measured evaluation on Workspaces/file-type-magika.yaml: Magika (real ONNX weights) on real files
/// from the model cache, labelled by extension. CI runs Scripts/fetch-models.sh, so missing files fail loudly.
@Suite(.serialized) struct DataEvaluationTests {
    static let workspace = TestPaths.repoRoot.appendingPathComponent("Workspaces/file-type-magika.yaml").path

    func magika() throws -> (Workspace, WorkbenchModel, EvalData) {
        let ws = try Workspace.load(path: Self.workspace)
        let slot = ws.models[0]
        let file = EvalData.resolve(slot.reference)
        try #require(FileManager.default.fileExists(atPath: file),
                     "\(file) is missing: run Scripts/fetch-models.sh (CI does) — this test needs the fetched Magika model")
        let data = try #require(slot.eval)
        return (ws, try WorkbenchModel(slot: slot), data)
    }

    func measure(_ m: WorkbenchModel, _ ws: Workspace, _ data: EvalData, pipeline: String,
                 overrides: [String: LayerPrecision] = [:]) throws -> EvaluationResult {
        let p = try #require(ws.pipelines.first { $0.name == pipeline })
        let s = Strategy(pipeline: p, overrides: overrides)
        return try QualityEvaluation(model: m, strategy: s, assignment: PrecisionAssignment(model: m, strategy: s), data: data)
            .run(cancel: CancellationFlag()) { _ in }
    }

    @Test func theOriginalAgreesWithItselfAndOnnxruntime() throws {
        let (ws, m, data) = try magika()
        let r = try measure(m, ws, data, pipeline: "fp32")
        let d = try #require(r.measured)
        #expect(r.metric == "output SQNR on eval data")
        // fp32 keeps every weight: the tuned graph is the original, so the outputs are bit-identical.
        #expect(d.outputSQNR == .infinity)
        #expect(d.top1Agreement == 1)
        #expect(d.accuracy == d.originalAccuracy)

        // Reference at test time: the same files through Magika's own preprocessing (written in Python after
        // config.min.json, as Scripts/reference/magika_corpus.py does) and onnxruntime.
        let set = try EvalSet.load(data, graph: m.graph, cancel: CancellationFlag())
        let (files, labelNames) = EvalSet.listing(EvalData.resolve(data.inputs[0].path), data)
        #expect(files.count == set.feeds.count && files.count > 30, "\(files.count) files")
        let ours = set.feeds.map { $0["bytes"]!.ref.i32() }.map { p in (0..<2048).map { Int(p[$0]) } }
        let classesPath = EvalData.resolve(try #require(data.classes))
        let out = try #require(try Python.run("""
            import json, sys, numpy as np, onnxruntime as ort
            req = json.load(sys.stdin)
            cfg = json.load(open(req["config"]))
            beg, end, block, pad = cfg["beg_size"], cfg["end_size"], cfg["block_size"], cfg["padding_token"]
            ws = b" \\t\\n\\r\\x0b\\x0c"
            feats = []
            for f in req["files"]:
                data = open(f, "rb").read()
                head = data[:block].lstrip(ws)[:beg]
                tail = data[-block:].rstrip(ws)[-end:]
                feats.append(list(head) + [pad] * (beg - len(head)) + [pad] * (end - len(tail)) + list(tail))
            x = np.array(feats, dtype=np.int32)
            o = ort.SessionOptions(); o.intra_op_num_threads = 1
            s = ort.InferenceSession(req["model"], o, providers=["CPUExecutionProvider"])
            p = s.run(None, {s.get_inputs()[0].name: x})[0]
            labels = cfg["target_labels_space"]
            print(json.dumps({"features": x.tolist(), "top1": [int(i) for i in p.argmax(axis=1)],
                              "truth": [labels.index(t) for t in req["truth"]]}))
            """, input: ["files": files, "truth": labelNames, "model": EvalData.resolve(ws.models[0].reference),
                         "config": classesPath]) as? [String: Any])
        let theirs = try #require(out["features"] as? [[Int]])
        #expect(theirs == ours, "the byte windows differ from Magika's preprocessing")
        let top1 = try #require(out["top1"] as? [Int]), truth = try #require(out["truth"] as? [Int])
        #expect(set.labels == truth)
        let ortAccuracy = Double(zip(top1, truth).filter { $0 == $1 }.count) / Double(truth.count)
        #expect(d.originalAccuracy == ortAccuracy, "engine \(d.originalAccuracy ?? -1) vs onnxruntime \(ortAccuracy)")
        #expect(d.samples == truth.count)
    }

    @Test func int8AndInt4AreMeasuredAndOrdered() throws {
        let (ws, m, data) = try magika()
        let int8 = try #require(try measure(m, ws, data, pipeline: "int8").measured)
        // Per-channel symmetric int8 of 780 k weights: weight SQNR is ~40 dB, and the output error of a
        // 3-matrix network stays in the same decade: finite, above 20 dB.
        #expect(int8.outputSQNR.isFinite && int8.outputSQNR > 20, "\(int8.outputSQNR)")
        let agreement = try #require(int8.top1Agreement)
        #expect(agreement > 0.9 && agreement <= 1)
        // int4 on every weighted layer: 16× coarser steps than int8 (−24 dB of weight SQNR), so a lower output SQNR.
        let weighted = m.isWeighted.indices.filter { m.isWeighted[$0] }.map { m.graph.nodes[$0].name }
        let int4 = try #require(try measure(m, ws, data, pipeline: "int8",
                                            overrides: Dictionary(uniqueKeysWithValues: weighted.map { ($0, .int4) })).measured)
        #expect(int4.outputSQNR < int8.outputSQNR)
    }

    @Test func cancellingStopsTheEngineRun() throws {
        let (ws, m, data) = try magika()
        let flag = CancellationFlag()
        var seen: [Double] = []
        let s = Strategy(pipeline: ws.pipelines[2])
        #expect(throws: EvaluationError.cancelled) {
            _ = try QualityEvaluation(model: m, strategy: s, assignment: PrecisionAssignment(model: m, strategy: s), data: data)
                .run(cancel: flag) { f in
                    seen.append(f)
                    if f > 0.5 { flag.cancel() }
                }
        }
        #expect(seen.contains { $0 > 0.1 && $0 < 1 })  // progress reached the engine part before the cancel
    }

    @Test func aMissingCacheFileIsNamedWithTheFix() throws {
        let slot = ModelSlot(reference: "cache:assets/does-not-exist/model.onnx")
        let e = #expect(throws: WorkbenchError.self) { try WorkbenchModel(slot: slot) }
        let text = e.map { "\($0)" } ?? ""
        #expect(text.contains("run Scripts/fetch-models.sh") && text.contains("does-not-exist/model.onnx"), "\(text)")
    }

    @Test func catalogModelsKeepTheWeightEstimateLabelled() throws {
        let m = try WorkbenchModel(slot: ModelSlot(reference: "zoo:mobilenet_v1_025"))
        let s = Strategy(pipeline: PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))]))
        let data = EvalData(inputs: [("input", "/nonexistent")])
        let r = try QualityEvaluation(model: m, strategy: s, assignment: PrecisionAssignment(model: m, strategy: s), data: data)
            .run(cancel: CancellationFlag()) { _ in }
        #expect(r.measured == nil)
        #expect(r.metric == "weight SQNR (estimate)")
    }
}
