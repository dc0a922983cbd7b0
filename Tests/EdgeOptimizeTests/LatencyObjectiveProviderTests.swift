import EdgeEngine
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// `mixed_precision` with `objective: latency`: the YAML settings, the checks made before any work, and the
/// injected objective reaching the search through ``PipelineRunner/latencyObjective`` — here a hand-written
/// device table, so the expected choice can be worked out by hand (the simulator-backed provider is tested in
/// WorkbenchTests, the layer that may import EdgeSim).
@Suite(.serialized) struct LatencyObjectiveProviderTests {
    /// A Coral-like device written by hand, seconds per layer (the provider's unit): int8 runs on the accelerator
    /// (1 ms); fp32 falls back to the host CPU (4 ms); fp16 and int4 also fall back and pay a conversion (5 ms).
    static func coralLike(_ layers: [String]) -> (MixedPrecisionSearch.Assignment) -> Double {
        { a in
            layers.reduce(0.0) { t, node in
                switch a[node] ?? .fp32 {
                case .int8: return t + 0.001
                case .fp16, .int4: return t + 0.005
                case .fp32, .skip: return t + 0.004
                }
            }
        }
    }

    static func provider(_ layers: [String]) -> LatencyObjectiveProvider {
        LatencyObjectiveProvider(label: "hand-written latency", checkDevice: { id in
            guard id == "coral-like" else { throw OptimizeError.unsupported("unknown device '\(id)'") }
        }, objective: { _, _ in coralLike(layers) })
    }

    /// An estimated objective's note carries the range the true latency is expected in. Hand-worked: band
    /// −20 % … +50 %, 12 ms → [12 / 1.5, 12 / 0.8] = 8–15 ms; 3 ms → 2–3.75 ms. Without a band, no range.
    @Test func noteShowsTheEstimatesBand() {
        var p = Self.provider([])
        #expect(p.note(device: "coral-like", before: 0.012, after: 0.003) == "objective: hand-written latency on coral-like, 12 ms → 3 ms")
        p.band = { _ in (low: -0.2, high: 0.5, rows: 7) }
        #expect(p.note(device: "coral-like", before: 0.012, after: 0.003)
                == "objective: hand-written latency on coral-like, 12 ms → 3 ms; true value expected in 8–15 ms → 2–3.75 ms "
                + "(10th–90th percentile of the cross-validated calibration error, 7 rows)")
    }

    @Test func yamlReadsObjectiveAndDeviceAndRoundTrips() throws {
        let spec = try PipelineSpec.parse(yaml: """
            name: lat
            steps:
              - mixed_precision: {min_sqnr: 25, objective: latency, device: coral-usb}
            """, file: "lat.yaml")
        guard case .mixedPrecision(let s) = spec.steps[0] else { Issue.record("not mixed_precision"); return }
        #expect(s.objective == .latency && s.device == "coral-usb" && s.minSQNR == 25)
        // The device value starts at line 3, column 65: "  - mixed_precision: {min_sqnr: 25, " is 36 characters,
        // "objective: latency, " 20 more (56), "device: " 8 more (64).
        #expect(s.deviceMark?.line == 3 && s.deviceMark?.column == 65)
        #expect(try PipelineSpec.parse(yaml: spec.yamlLines().joined(separator: "\n") + "\n", file: "again.yaml") == spec)
        // Default stays size, with no device.
        let plain = try MixedPrecisionSettings(yaml: YAMLValue.parse("{min_sqnr: 25}", file: "p.yaml"))
        #expect(plain.objective == .size && plain.device == nil)
    }

    @Test func badObjectiveSettingsAreRejectedAtTheirPlace() throws {
        func error(_ body: String) -> String {
            do {
                _ = try PipelineSpec.parse(yaml: "name: lat\nsteps:\n  - mixed_precision: \(body)\n", file: "lat.yaml")
                return "no error"
            } catch { return "\(error)" }
        }
        // "  - mixed_precision: " is 21 characters, so "{" is column 22 and "min_sqnr" column 23;
        // "min_sqnr: 25, " is 14, so the next key starts at column 37 and its value 11 later (48).
        let noDevice = error("{min_sqnr: 25, objective: latency}")
        #expect(noDevice.hasPrefix("lat.yaml:3:48:") && noDevice.contains("needs a 'device'"), "\(noDevice)")
        let sizeWithDevice = error("{min_sqnr: 25, device: coral-usb}")
        #expect(sizeWithDevice.hasPrefix("lat.yaml:3:45:") && sizeWithDevice.contains("objective: latency only"), "\(sizeWithDevice)")  // 37 + "device: " (8)
        let typo = error("{min_sqnr: 25, objective: speed, device: coral-usb}")
        #expect(typo.hasPrefix("lat.yaml:3:48:"), "\(typo)")
    }

    @Test func latencyStepsWithoutProviderOrWithAnUnknownDeviceFailBeforeAnyWork() throws {
        let spec = try PipelineSpec.parse(yaml: """
            name: lat
            steps:
              - mixed_precision: {min_sqnr: 25, objective: latency, device: coral-usbb}
            """, file: "lat.yaml")
        // An empty evaluation set fails as step 0 once work starts; these fail first, as step 1.
        var runner = PipelineRunner(evaluation: [])
        let m = Model(graph: Graph(), metadata: ModelMetadata(format: "onnx", source: "none"))
        let noProvider = #expect(throws: PipelineRunError.self) { try runner.run(spec, on: m) }
        #expect(noProvider?.step == 1 && noProvider?.message.contains("objective: size") == true, "\(String(describing: noProvider))")
        runner.latencyObjective = Self.provider([])
        let unknown = #expect(throws: PipelineRunError.self) { try runner.run(spec, on: m) }
        // Column 65: see yamlReadsObjectiveAndDeviceAndRoundTrips.
        #expect(unknown?.step == 1 && unknown?.message.contains("lat.yaml:3:65: unknown device 'coral-usbb'") == true,
                "\(String(describing: unknown))")
    }

    /// Size and the hand-written device choose differently on Magika (three weighted layers), both under 25 dB.
    ///
    /// By hand, latency: all fp32 is 3 × 4 = 12 ms. From there the only moves that gain are int8 (4 → 1 ms,
    /// +3 each); fp16 and int4 (4 → 5 ms) lose and are never tried. int8 per channel alone is > 30 dB on every
    /// Magika layer (SensitivityAnalysisTests), so the search ends at int8 everywhere: 3 × 1 = 3 ms.
    /// Size takes int4 where the constraint allows it (1/8 of fp32's bytes plus scales), which int8 never is.
    @Test func theInjectedDeviceObjectiveIsWhatTheStepMinimises() throws {
        let c = try MagikaCorpus.load()
        let (feed, _) = c.feed(rows: 3)
        let (layers, _) = QuantizableLayer.find(in: c.model.graph)
        #expect(layers.count == 3)
        var runner = PipelineRunner(evaluation: [feed], opset: PipelineRunner.opset(of: c.model))
        runner.latencyObjective = Self.provider(layers.map(\.node))
        let latency = try PipelineSpec.parse(yaml: """
            name: lat
            steps:
              - mixed_precision: {min_sqnr: 25, objective: latency, device: coral-like, time_budget_s: 600}
            """, file: "lat.yaml")
        let size = PipelineSpec(name: "size", steps: [.mixedPrecision(MixedPrecisionSettings(minSQNR: 25, timeBudget: 600))])
        let (lm, lr) = try runner.run(latency, on: c.model)
        let (_, sr) = try runner.run(size, on: c.model)
        let l = try #require(lr.steps.first?.mixedPrecision), s = try #require(sr.steps.first?.mixedPrecision)
        print("hand-written latency objective: \(l.assignment.sorted { $0.key < $1.key }.map(\.value.rawValue)) \(l.objective * 1e3) ms; "
              + "size: \(s.assignment.sorted { $0.key < $1.key }.map(\.value.rawValue)) \(s.weightBytes) B")
        #expect(abs(l.originalObjective - 0.012) < 1e-12)
        #expect(abs(l.objective - 0.003) < 1e-12)
        #expect(l.assignment.values.allSatisfy { $0 == .int8 } && l.assignment.count == 3)
        #expect(lr.steps[0].notes?.first?.contains("hand-written latency on coral-like, 12 ms → 3 ms") == true, "\(String(describing: lr.steps[0].notes))")
        #expect(s.assignment.values.contains(.int4))
        #expect(s.assignment != l.assignment)
        // The latency run's model is re-measured by a scorer made for this check only.
        let again = try OutputScorer(graph: c.model.graph, evaluation: [feed], opset: PipelineRunner.opset(of: c.model)).score(lm.graph)
        #expect(again.sqnr >= 25)
        // Under the hand table, the size run's choice is slower: each int4 layer costs 5 ms, not 1.
        #expect(Self.coralLike(layers.map(\.node))(s.assignment) > l.objective)
    }
}
