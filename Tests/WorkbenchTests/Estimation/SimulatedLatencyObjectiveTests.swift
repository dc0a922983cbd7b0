import EdgeEngine
import EdgeIR
import EdgeOptimize
import EdgeSim
import EdgeTestSupport
import Foundation
import Testing
@testable import Workbench

/// `mixed_precision` with `objective: latency` on a real model: Magika (fetched weights) on the real files of
/// Workspaces/file-type-magika.yaml, optimised for a catalog device's simulated latency and for size.
///
/// The latencies compared are computed here, at test time, by the simulator (the Tune screen's per-layer
/// composition, and for uniform assignments the simulator's own single run); the SQNR of each returned model is
/// re-measured on the engine by a scorer made for this check only.
@Suite(.serialized) struct SimulatedLatencyObjectiveTests {
    /// Alif Ensemble E3: its NPU's runtime (TFLite Micro + Ethos-U) runs int8 only (mcu.yaml), so an fp16 or int4
    /// layer runs on the Cortex-M55 instead — smaller weights, but slower than the same layer in int8 on the NPU.
    static let device = "alif-e3"
    static let minSQNR = 25.0

    @Test func latencyObjectiveIsNoSlowerThanSizeOnTheDeviceAndKeepsTheConstraint() throws {
        let ws = try Workspace.load(path: DataEvaluationTests.workspace)
        let slot = ws.models[0]
        let file = EvalData.resolve(slot.reference)
        try #require(FileManager.default.fileExists(atPath: file), "\(file) is missing: run Scripts/fetch-models.sh")
        let wm = try WorkbenchModel(slot: slot)
        let model = Model(graph: wm.graph, metadata: wm.metadata)
        let set = try EvalSet.load(try #require(slot.eval), graph: wm.graph, cancel: CancellationFlag())
        // At most 24 files, spread over the set (it is ordered by class).
        let n = min(24, set.feeds.count)
        let feeds = (0..<n).map { set.feeds[$0 * set.feeds.count / n] }
        let simulator = Simulator(catalog: try DeviceCatalog.load())
        let device = try simulator.catalog.require(Self.device)

        var runner = PipelineRunner(evaluation: feeds, opset: PipelineRunner.opset(of: model))
        runner.latencyObjective = .simulated(simulator)
        func spec(_ objective: String) throws -> PipelineSpec {
            try PipelineSpec.parse(yaml: """
                name: \(objective)
                steps:
                  - mixed_precision: {min_sqnr: \(Self.minSQNR), time_budget_s: 600\(objective == "latency" ? ", objective: latency, device: \(Self.device)" : "")}
                """, file: "\(objective).yaml")
        }
        let (lm, lr) = try runner.run(try spec("latency"), on: model)
        let (sm, sr) = try runner.run(try spec("size"), on: model)
        let l = try #require(lr.steps.first?.mixedPrecision), s = try #require(sr.steps.first?.mixedPrecision)
        #expect(!l.stoppedEarly && !s.stoppedEarly)

        // Simulated latency of each choice, computed now by the simulator.
        var cache = EstimationCache(model: wm)
        let empty = PipelineSpec(name: "none", steps: [])
        func simulated(_ a: MixedPrecisionSearch.Assignment) throws -> Figure {
            try cache.estimate(Strategy(pipeline: empty, overrides: a), on: device, simulator: simulator).get().latency
        }
        let fp32 = try simulated([:]), lat = try simulated(l.assignment), size = try simulated(s.assignment)
        // One precision: the composition is the simulator's own run at that precision.
        let direct = try simulator.simulate(wm.workload, device: device, options: SimulationOptions(precision: .fp32)).latency.value
        #expect(abs(fp32.value - direct) <= 1e-12 * direct)
        for (a, f) in [(l.assignment, lat), (s.assignment, size)] {
            let used = Set(a.values)
            if used.count == 1, let p = used.first {
                let d = try simulator.simulate(wm.workload, device: device, options: SimulationOptions(precision: p.simulatorPrecision)).latency.value
                #expect(abs(f.value - d) <= 1e-12 * d)
            }
        }
        // The search reports the objective it minimised: the same figure.
        #expect(abs(l.objective - lat.value) <= 1e-12 * lat.value)

        // Re-measured output SQNR of both returned models against the original on the same files.
        let scorer = try OutputScorer(graph: model.graph, evaluation: feeds, opset: PipelineRunner.opset(of: model))
        let lq = try scorer.score(lm.graph).sqnr, sq = try scorer.score(sm.graph).sqnr
        func show(_ a: MixedPrecisionSearch.Assignment) -> String {
            a.sorted { $0.key < $1.key }.map { "\($0.key.split(separator: "/").dropFirst(3).first ?? "?")=\($0.value.rawValue)" }.joined(separator: " ")
        }
        func ms(_ f: Figure) -> String {
            String(format: "%.3f ms (%@, ±%.0f%%)", f.value * 1e3, f.provenanceWord, (f.relativeBand ?? 0) * 100)
        }
        print("mixed precision on \(Self.device), \(n) Magika files, min \(Self.minSQNR) dB:\n"
              + "  fp32: simulated latency \(ms(fp32))\n"
              + "  objective latency: \(show(l.assignment)); simulated \(ms(lat)); weights \(l.weightBytes) B; measured SQNR \(lq) dB\n"
              + "  objective size:    \(show(s.assignment)); simulated \(ms(size)); weights \(s.weightBytes) B; measured SQNR \(sq) dB")
        #expect(lat.provenanceWord == "estimated")
        #expect(lat.value <= size.value)
        // int8-only NPU: the latency choice keeps no layer in a precision the NPU cannot run (all-int8 meets the
        // constraint on these files); size takes int4 where the constraint allows, so the choices differ and the
        // size choice, with a layer on the CPU, is strictly slower.
        #expect(!l.assignment.values.contains(.int4) && !l.assignment.values.contains(.fp16))
        #expect(s.assignment.values.contains(.int4))
        #expect(lat.value < size.value)
        #expect(lat.value <= fp32.value)
        #expect(lq >= Self.minSQNR && sq >= Self.minSQNR)
        // Size's weights are the smallest the search found; latency trades some of them for speed.
        #expect(s.weightBytes <= l.weightBytes)
    }

    @Test func anUnknownDeviceIsNamedWithTheNearestIdBeforeAnyWork() throws {
        let spec = try PipelineSpec.parse(yaml: "name: l\nsteps:\n  - mixed_precision: {min_sqnr: 25, objective: latency, device: coral-usbb}\n",
                                          file: "l.yaml")
        var runner = PipelineRunner(evaluation: [])
        runner.latencyObjective = .simulated(Simulator(catalog: try DeviceCatalog.load()))
        let e = #expect(throws: PipelineRunError.self) {
            try runner.run(spec, on: Model(graph: Graph(), metadata: ModelMetadata(format: "onnx", source: "none")))
        }
        // Line 3, column 65 (see LatencyObjectiveProviderTests); the catalog's message suggests the nearest id.
        #expect(e?.step == 1 && e?.message.hasPrefix("l.yaml:3:65:") == true && e?.message.contains("unknown device 'coral-usbb'; did you mean 'coral-usb'?") == true,
                "\(String(describing: e))")
    }
}
