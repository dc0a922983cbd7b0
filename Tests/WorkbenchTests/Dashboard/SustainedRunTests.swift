import EdgeOptimize
import Testing
@testable import Workbench

@Suite struct SustainedRunTests {
    @Test func aShortRunHasOneSamplePerSecondBudgetsAndBatteryLife() throws {
        let m = try TinyModel.model()
        var cache = EstimationCache(model: m)
        let device = try TinyModel.device("rpi5")
        let strategy = Strategy(pipeline: PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))]))
        let scenario = Scenario(name: "s", useCase: "", fps: 30, latencyBudgetMs: 33.3, durationS: 10, ambientC: 25,
                                batteryWh: 10, dutyCycle: 0.5)
        let run = try SustainedRun.simulate(cache: &cache, strategy: strategy, device: device, scenario: scenario,
                                            simulator: TinyModel.simulator)
        // Samples at t = 0, 1, …, 10 s; 10 s × 30 fps = 300 frames.
        #expect(run.samples.count == 11)
        #expect(run.trace.frames == 300)
        #expect(run.budgets.map(\.seconds) == [33.3 / 1000, 0.010])
        #expect(run.budgets[0].label == "budget 33.3 ms (30 fps, soft)")
        // Battery: P = duty × (idle + min(fps, max rate) × dynamic J) + (1 − duty) × idle; hours = Wh / P.
        let e = try cache.estimate(strategy, on: device, simulator: TinyModel.simulator).get()
        let average = e.idlePower + min(30, e.fps) * e.dynamicEnergy
        #expect(abs(run.averagePower - average) < 1e-12)
        let hours = 10 / (0.5 * average + 0.5 * e.idlePower)
        #expect(abs(run.batteryHours! - hours) < 1e-9)
        // A tiny model never heats an actively cooled Pi to its first trip: no throttling.
        #expect(run.events.isEmpty)
        #expect(run.samples.allSatisfy { $0.clock == 1 })
        #expect(run.verdict?.passes == true)
    }

    @Test func anImpossibleScenarioIsAnError() throws {
        let m = try TinyModel.model()
        var cache = EstimationCache(model: m)
        let device = try TinyModel.device("rpi5")
        // Ambient above the shutdown temperature.
        let scenario = Scenario(name: "oven", useCase: "", fps: 30, latencyBudgetMs: 33, durationS: 10, ambientC: 200)
        #expect(throws: WorkbenchError.self) {
            try SustainedRun.simulate(cache: &cache, strategy: Strategy(pipeline: .baseline), device: device, scenario: scenario,
                                      simulator: TinyModel.simulator)
        }
    }
}
