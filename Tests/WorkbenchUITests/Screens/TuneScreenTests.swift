import EdgeOptimize
import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

/// Live tuning: a precision change recomputes size and every device's latency within the keypress; the
/// background evaluation starts, reports, goes stale and cancels.
@Suite struct TuneScreenTests {
    @Test func showsSettingsTotalsAndTheLayerTable() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"))
        let text = Fixture.text(s)
        for word in ["Pipeline int8", "precision", "granularity", "calibration", "sparsity", "low-rank energy",
                     "percentile 99.99", "Layers with weights", "sens dB", "computed", "Quality (background)",
                     "sens dB: int8 weight SQNR (estimate)"] {
            #expect(text.contains(word), "missing \(word)")
        }
        for d in s.workspace.devices { #expect(text.contains(String(d.prefix(12))), "missing \(d)") }
    }

    @Test func changingTheClassifierToInt4ShrinksTheModelAndMovesLatency() throws {
        var s = try Fixture.state()
        Fixture.runEffects(Fixture.press(&s, .char("3")), &s)
        let before = try #require(s.tune.assignment)
        let latencyBefore = s.tune.estimates.map { try? $0.result?.get().latency.value }
        // The last weighted layer of MobileNet v2 is classifier.1 (1,280 × 1,000).
        Fixture.runEffects(Fixture.press(&s, .end, .right), &s)
        #expect(s.workspace.selection.overrides == ["classifier.1": .int4])
        let after = try #require(s.tune.assignment)
        // int8 per-channel: 1,280,000 B + 1,000 fp32 scales (4,000 B); int4 group 128: 640,000 B + 10,000 fp16
        // scales (20,000 B). The bias stays int32. Difference: 1,284,000 − 660,000 = 624,000 B.
        #expect(before.weightBytes - after.weightBytes == 624_000)
        let latencyAfter = s.tune.estimates.map { try? $0.result?.get().latency.value }
        #expect(latencyAfter != latencyBefore)
        #expect(s.strategy.name == "int8+tuned")
        #expect(s.isDirty)
        let text = Fixture.text(s)
        #expect(text.contains("int4*"))
        #expect(text.contains("+ 1 layer override"))
        // Back to int8 (the pipeline's own precision) removes the override.
        Fixture.press(&s, .left)
        #expect(s.workspace.selection.overrides.isEmpty)
    }

    @Test func firstInt4KeypressSimulatesOnlyTheSelectedDeviceAndTheBackgroundFillsTheRestIdentically() throws {
        var s = try Fixture.state()
        Fixture.runEffects(Fixture.press(&s, .char("3")), &s)
        let selected = try #require(s.device?.id)
        // No device has an int4 (w4a16) run yet: the keypress simulates the selected one in place and queues the rest.
        let effects = Fixture.press(&s, .end, .right)
        let others = s.tune.estimates.filter { $0.device.id != selected }
        #expect(s.tune.estimates.first { $0.device.id == selected }?.result != nil)
        #expect(!others.isEmpty && others.allSatisfy { $0.result == nil })
        // One background job per other device, each asking for exactly the missing int4 run.
        let jobs = effects.compactMap { e -> SimulationRequest? in if case .simulate(_, let r) = e { return r } else { return nil } }
        #expect(Set(jobs.map(\.device.id)) == Set(others.map(\.device.id)))
        #expect(jobs.allSatisfy { $0.precisions == [.int4] })
        #expect(Fixture.text(s).contains("sim…"))
        // A second keypress while they run asks for nothing twice.
        let again = Fixture.press(&s, .left, .right)
        #expect(again.allSatisfy { $0.simulateJob == nil })
        Fixture.runEffects(effects, &s)
        #expect(s.tune.estimates.allSatisfy { $0.result != nil })
        #expect(s.pendingRuns.isEmpty)
        // Identical to the full recomputation: a fresh cache simulating every device in place.
        let cache = try #require(s.cache)
        var fresh = EstimationCache(model: cache.model)
        let a = fresh.assignment(s.strategy)
        for (d, r) in s.tune.estimates {
            let incremental = try #require(try r?.get())
            let full = try fresh.estimate(a, on: d, simulator: s.simulator).get()
            #expect(incremental.latency.value == full.latency.value, "\(d.id)")
            #expect(incremental.energyPerInference == full.energyPerInference, "\(d.id)")
            #expect(incremental.layerTimes == full.layerTimes, "\(d.id)")
            #expect(incremental.memory.fits == full.memory.fits, "\(d.id)")
        }
    }

    @Test func settingsEditThePipeline() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"), .tab, .down, .right)
        // granularity per-channel → group
        #expect(s.strategy.quantize?.granularity == .group)
        Fixture.press(&s, .down, .right)
        // calibration percentile → entropy
        #expect(s.strategy.quantize?.calibration == .entropy)
        Fixture.press(&s, .down, .right)
        #expect(s.strategy.prune?.method == .nm)
        Fixture.press(&s, .down, .right)
        #expect(s.strategy.lowRank?.value == 0.99)
        #expect(s.isDirty)
        #expect(Fixture.text(s).contains("energy 0.99"))
    }

    @Test func evaluationRunsReportsGoesStaleAndCancels() throws {
        var s = try Fixture.tinyState()
        var effects = Fixture.press(&s, .char("e"), now: 10)
        let job = try #require(effects.compactMap(\.evaluateJob).first)
        #expect(s.evaluations[0]?.running?.job == job)
        _ = WorkbenchApp.update(&s, .evaluationProgress(job: job, fraction: 0.5), now: 12)
        #expect(s.evaluations[0]?.running?.fraction == 0.5)
        let text = Fixture.text(s)
        #expect(text.contains("evaluating") && text.contains("50%") && text.contains("Esc cancels"))
        // Finish it for real (synchronously) and see the measured value.
        Fixture.runEffects(effects, &s)
        #expect(s.evaluations[0]?.running == nil)
        let result = try #require(s.evaluations[0]?.last)
        // The tiny model is built in memory without eval data: the weight-SQNR estimate, labelled as one.
        #expect(Fixture.text(s).contains("weight SQNR (estimate)"))
        #expect(!Fixture.text(s).contains("measured"))
        // A precision change makes it stale and, since the user evaluated, starts a new run.
        effects = Fixture.press(&s, .right)
        #expect(s.evaluations[0]?.last?.strategy == result.strategy)
        #expect(s.evaluations[0]?.isStale(for: s.strategy) == true)
        let rerun = try #require(effects.compactMap(\.evaluateJob).first)
        #expect(Fixture.text(s).contains("STALE"))
        // Esc cancels it; the stale value stays visible.
        effects = Fixture.press(&s, .escape)
        #expect(effects.compactMap(\.cancelledJob) == [rerun])
        #expect(s.evaluations[0]?.running == nil)
        #expect(s.evaluations[0]?.lastOutcome == "cancelled")
        let after = Fixture.text(s)
        #expect(after.contains("last run cancelled") && after.contains("STALE"))
        // A late report from the cancelled job changes nothing.
        _ = WorkbenchApp.update(&s, .evaluationFinished(job: rerun, result: .failure(.cancelled)), now: 20)
        #expect(s.evaluations[0]?.last?.strategy == result.strategy)
    }
}
