import Testing
@testable import EdgeSim

/// Energy, power at a rate, TOPS/W and battery life by hand; memory fit results; real-time verdicts.
@Suite struct EnergyTests {
    // 10 ms inferences costing 0.05 J above a 1 W idle, 2 GOP each.
    let e = EnergyEstimate(joulesPerInference: 0.06, dynamicJoulesPerInference: 0.05, idlePower: 1, busyPower: 6,
                           opsPerInference: 2e9, maxRate: 100)

    @Test func averagePowerAtARate() {
        // 20 inferences/s: 1 W + 20 × 0.05 J = 2 W.
        #expect(abs(e.averagePower(rate: 20) - 2) < 1e-12)
        // Above the maximum rate the device is saturated: 1 + 100 × 0.05 = 6 W.
        #expect(abs(e.averagePower(rate: 500) - 6) < 1e-12)
    }

    @Test func achievedTOPSPerWatt() {
        // 20/s × 2 GOP = 40 GOP/s over 2 W = 0.02 TOPS/W.
        #expect(abs(e.topsPerWatt(rate: 20) - 0.02) < 1e-12)
        // 1 / 0.06 J.
        #expect(abs(e.inferencesPerJoule - 16.666666666666668) < 1e-9)
    }

    @Test func batteryLife() {
        // 10 Wh, running at 20/s a quarter of the time: 0.25 × 2 W + 0.75 × 1 W = 1.25 W → 8 h.
        #expect(abs(e.batteryHours(wattHours: 10, rate: 20, duty: 0.25) - 8) < 1e-12)
    }
}

@Suite struct MemoryFitTests {
    @Test func doesNotFitIsAResultWithTheShortfall() throws {
        let d = try SimToy.device(partition: .perLayer)
        // 300 M fp32 weights = 1.2 GB, plus 100 MB runtime overhead, against 1 GB: short by 0.3 GB + activations.
        let w = try SimToy.bigLinear()
        let fit = MemoryFit.compute(workload: w, device: d, precision: .fp32)
        #expect(!fit.fits)
        let ram = try #require(fit.regions.first)
        // Activations: x[1,1000] + y[1,300000] floats live together: 301,000 × 4 B = 1,204,000 B.
        #expect(ram.required == 1.2e9 + 1_204_000 + 100e6)
        #expect(abs(ram.shortfall - (1.2e9 + 1_204_000 + 100e6 - 1e9)) < 1e-3)
        #expect(fit.summary.hasPrefix("does not fit RAM by 301.2 MB"))
        // In int8 the same model fits: 300 MB + 301,000 B + 100 MB.
        #expect(MemoryFit.compute(workload: w, device: d, precision: .int8).fits)
    }
}

@Suite struct RealTimeTests {
    func result(latency: Double, band: (Double, Double)) -> SimulationResult {
        SimulationResult(deviceID: "d", deviceName: "d", family: "f", runtimeID: "r", runtimeName: "r", partitionRule: "",
                         precision: "int8", batch: 1, streams: 1, powerState: "s",
                         latency: Figure.estimate(latency, "s", band: (band.0, band.1, 10), family: "f"),
                         throughput: Figure(1 / latency, "inferences/s", .exact), busy: latency, fixedOverhead: 0,
                         transferTime: 0, syncTime: 0, contextSwitchTime: 0, layers: [], unitTimes: [], fallbackLayers: 0,
                         memory: MemoryFit(regions: [], onChipWeights: 0, streamedWeights: 0, onChipCapacity: nil),
                         energy: EnergyEstimate(joulesPerInference: 0, dynamicJoulesPerInference: 0, idlePower: 0, busyPower: 0,
                                                opsPerInference: 0, maxRate: 1 / latency),
                         lifecycle: Lifecycle(status: .available, note: ""), notes: [])
    }

    @Test func hardUsesTheUpperErrorBound() throws {
        // 8 ms central; calibration says predictions run up to 20 % fast (signed error −0.2), so the true
        // latency may be 8 / 0.8 = 10 ms: a 9 ms hard budget fails, a soft one passes.
        let r = result(latency: 0.008, band: (-0.2, 0.1))
        let hard = try RealTimeVerdict.check(r, trace: nil, budget: RealTimeBudget(budget: 0.009, mode: .hard))
        #expect(!hard.passes)
        #expect(abs(hard.checkedLatency - 0.010) < 1e-12)
        let soft = try RealTimeVerdict.check(r, trace: nil, budget: RealTimeBudget(budget: 0.009, mode: .soft))
        #expect(soft.passes)
        #expect(throws: SimError.invalidScenario("latency budget must be positive")) {
            try RealTimeVerdict.check(r, trace: nil, budget: RealTimeBudget(budget: 0, mode: .soft))
        }
    }

    @Test func frameRateRequirement() throws {
        let r = result(latency: 0.05, band: (0, 0))
        // 20 inferences/s cannot sustain 30 fps.
        let v = try RealTimeVerdict.check(r, trace: nil, budget: RealTimeBudget(budget: 0.1, mode: .soft, fps: 30))
        #expect(!v.passes)
        #expect(v.reasons.contains { $0.contains("below the required 30") })
    }
}
