import EdgeOptimize
import EdgeSim
import Testing
@testable import Workbench

/// Mixed-precision composition against direct simulator runs: with one precision it must be the simulator's
/// answer; with several, the documented per-layer rule, recomputed here from the runs themselves.
@Suite struct MixedEstimateTests {
    let int8 = PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))])

    @Test func uniformPrecisionIsExactlyTheSimulatorRun() throws {
        let m = try TinyModel.model()
        let device = try TinyModel.device("rpi5")
        var cache = EstimationCache(model: m)
        let e = try cache.estimate(Strategy(pipeline: int8), on: device, simulator: TinyModel.simulator).get()
        let direct = try TinyModel.simulator.simulate(m.workload, device: device, options: SimulationOptions(precision: .int8))
        #expect(e.latency.value == direct.latency.value)
        #expect(e.throughput.value == direct.throughput.value)
        #expect(abs(e.energyPerInference - direct.energy.joulesPerInference) <= 1e-12 * direct.energy.joulesPerInference)
        #expect(e.latency.provenance == direct.latency.provenance)
        #expect(!e.isComposed)
        #expect(e.layerTimes == direct.layers.map(\.time))
    }

    @Test func mixedPrecisionFollowsThePerLayerRule() throws {
        let m = try TinyModel.model()
        let device = try TinyModel.device("rpi5")
        var cache = EstimationCache(model: m)
        let strategy = Strategy(pipeline: int8, overrides: ["fc": .fp16])
        let e = try cache.estimate(strategy, on: device, simulator: TinyModel.simulator).get()
        let r8 = try TinyModel.simulator.simulate(m.workload, device: device, options: SimulationOptions(precision: .int8))
        let r16 = try TinyModel.simulator.simulate(m.workload, device: device, options: SimulationOptions(precision: .fp16))
        // fc is layer 4: L = L_int8 + (t_fp16[4] − t_int8[4]).
        let expected = r8.latency.value + (r16.layers[4].time - r8.layers[4].time)
        #expect(abs(e.latency.value - expected) <= 1e-15 + 1e-12 * expected)
        #expect(e.isComposed)
        // Energy: idle × L + Σ tᵢ × P(unit of i) at the top DVFS state.
        let scale = device.dvfs[0].powerScale
        func power(_ unit: String) -> Double { (device.unit(unit)?.activePower.value ?? 0) * scale }
        var dynamic = 0.0
        for i in 0..<4 { dynamic += r8.layers[i].time * power(r8.layers[i].unit) }
        dynamic += r16.layers[4].time * power(r16.layers[4].unit)
        let energy = device.power.idle.value * expected + dynamic
        #expect(abs(e.energyPerInference - energy) <= 1e-12 * energy)
        // Memory: the int8 run's weight share replaced by the strategy's exact weight bytes.
        let weights8 = m.workload.weightBytes(at: .int8)
        let a = cache.assignment(strategy)
        for (k, region) in e.memory.regions.enumerated() where region.contents.hasPrefix("weights") {
            #expect(region.required == r8.memory.regions[k].required - weights8 + Double(a.weightBytes))
        }
    }

    @Test func aBandIsScaledWithTheLatency() throws {
        let f = Figure(2e-3, "s", .estimated(low: 1e-3, high: 4e-3, family: "x", calibrationRows: 3))
        let s = MixedEstimate.scaled(f, by: 1.5, composed: true)
        // 2 ms × 1.5 = 3 ms; band 1–4 ms → 1.5–6 ms.
        #expect(s.value == 3e-3)
        #expect(s.provenance == .estimated(low: 1.5e-3, high: 6e-3, family: "x", calibrationRows: 3))
        #expect(f.relativeBand == 1.0)  // max(4 − 2, 2 − 1) / 2
    }

    @Test func aDeviceThatCannotRunReportsWhy() throws {
        // Composition needs the dominant precision's run: without it the result is a failure naming the device.
        let m = try TinyModel.model()
        var profile = DeviceProfile(device: try TinyModel.device("rpi5"))
        let a = PrecisionAssignment(model: m, strategy: Strategy(pipeline: int8))
        // Nothing simulated yet.
        guard case .failure(let error) = MixedEstimate.compose(a, on: profile) else {
            Issue.record("composition without runs must fail")
            return
        }
        #expect(error.description.contains("rpi5"))
        profile.ensure(.int8, model: m, simulator: TinyModel.simulator)
        #expect((try? MixedEstimate.compose(a, on: profile).get()) != nil)
    }
}
