import Foundation
import Testing
@testable import EdgeSim

/// The lumped RC model against closed-form solutions, energy conservation, throttling with hysteresis.
@Suite struct ThermalTests {
    /// R = 10 °C/W, C = 5 J/°C (τ = 50 s), trip 80 °C with 5 °C hysteresis, shutdown 100 °C.
    static var spec: ThermalSpec {
        ThermalSpec(resistance: .estimate(10, "test"), capacitance: .estimate(5, "test"), trips: [80], tripSource: .estimate("test"),
                    hysteresis: 5, shutdown: .estimate(100, "test"))
    }

    @Test func continuousLoadFollowsTheExponential() throws {
        // Latency = period (0.01 s at 100 fps): busy all the time at 3 W.
        // T(50 s) = 25 + 3·10·(1 − e^(−50/50)) = 25 + 30 × 0.632120558828558 = 43.96361676485674 °C.
        let states = [ThermalStateModel(name: "only", latency: 0.01, busyPower: 3)]
        let spec = ThermalSpec(resistance: .estimate(10, "t"), capacitance: .estimate(5, "t"), trips: [], tripSource: .estimate("t"),
                               hysteresis: 0, shutdown: .estimate(100, "t"))
        let t = try ThermalSimulation.run(ThermalScenario(fps: 100, duration: 50, ambient: 25), states: states, idlePower: 1, thermal: spec)
        #expect(abs(t.finalTemperature - 43.96361676485674) < 1e-6)
        #expect(t.dropped == 0)
        #expect(t.processed == 5000)
        // Energy in: 3 W × 50 s = 150 J. Stored: 5 J/°C × 18.96361676485674 °C = 94.8180838242837 J.
        #expect(abs(t.energyIn - 150) < 1e-6)
        #expect(abs(t.heatStored - 94.8180838242837) < 1e-5)
        // Conservation: what went in is stored or dissipated (heat out is integrated independently).
        #expect(abs(t.energyIn - t.heatStored - t.heatOut) < 1e-9 * t.energyIn)
        // Steady state at 3 W: 25 + 30 = 55 °C.
        #expect(abs(t.steadyStateTemperature - 55) < 1e-9)
    }

    @Test func idleDeviceCoolsTowardItsIdleSteadyState() throws {
        // Starting at 60 °C with 1 W idle and 1 frame per 10 s of 1 µs: T∞ ≈ 35 °C;
        // after 100 s, T ≈ 35 + 25·e^(−2) = 38.383382080915315 °C (the frames add < 1e-5 J).
        let states = [ThermalStateModel(name: "only", latency: 1e-6, busyPower: 1)]
        let t = try ThermalSimulation.run(ThermalScenario(fps: 0.1, duration: 100, ambient: 25, initialTemperature: 60),
                                          states: states, idlePower: 1, thermal: Self.spec)
        #expect(abs(t.finalTemperature - 38.383382080915315) < 1e-6)
        #expect(abs(t.energyIn - t.heatStored - t.heatOut) < 1e-9 * max(1, t.energyIn))
    }

    @Test func throttlesAtTheTripAndRecoversWithHysteresis() throws {
        // Fast: 10 ms frames at 13 W; at 50 fps the duty is 0.5, mean power 1 + 0.5·12 = 7 W, T∞ = 95 °C.
        // Crossing 80 °C: 25 + 70(1 − e^(−t/50)) = 80 → t = 50·ln(70/15) = 77.02 s (ripple ±0.03 °C).
        // Slow: 20 ms frames at 4 W, busy all the time: T∞ = 65 °C; cooling 80 → 75 °C takes
        // 50·ln(15/10) = 20.27 s, then the clock steps back up.
        let states = [ThermalStateModel(name: "fast", latency: 0.01, busyPower: 13),
                      ThermalStateModel(name: "slow", latency: 0.02, busyPower: 4)]
        let t = try ThermalSimulation.run(ThermalScenario(fps: 50, duration: 110, ambient: 25), states: states, idlePower: 1, thermal: Self.spec)
        let first = try #require(t.firstThrottle)
        #expect(abs(first - 77.02) < 0.2)
        let stateAt = { (s: Double) in t.samples.first { $0.time >= s }!.state }
        #expect(stateAt(76) == 0)
        #expect(stateAt(79) == 1)
        #expect(stateAt(96) == 1)
        #expect(stateAt(99) == 0)
        #expect(t.dropped == 0)
        #expect(t.residency[1] > 19 && t.residency[1] < 22)
        #expect(abs(t.energyIn - t.heatStored - t.heatOut) < 1e-9 * t.energyIn)
    }

    @Test func framesArrivingWhileBusyAreDropped() throws {
        // 30 ms frames every 20 ms: frames 0, 2, 4 … run, 1, 3, 5 … are dropped: 50 of 100.
        let states = [ThermalStateModel(name: "only", latency: 0.03, busyPower: 2)]
        let t = try ThermalSimulation.run(ThermalScenario(fps: 50, duration: 2, ambient: 25), states: states, idlePower: 1, thermal: Self.spec)
        #expect(t.frames == 100)
        #expect(t.processed == 50)
        #expect(t.dropped == 50)
        #expect(abs(t.sustainedFPS - 25) < 1e-9)
    }

    @Test func shutdownStopsTheRun() throws {
        // 20 W continuous: T∞ = 225 °C; reaching 100 °C: 25 + 200(1 − e^(−t/50)) = 100 → t = 50·ln(200/125) = 23.50 s.
        let states = [ThermalStateModel(name: "fast", latency: 0.01, busyPower: 20), ThermalStateModel(name: "slow", latency: 0.01, busyPower: 20)]
        let t = try ThermalSimulation.run(ThermalScenario(fps: 100, duration: 60, ambient: 25), states: states, idlePower: 1, thermal: Self.spec)
        let s = try #require(t.shutdownAt)
        #expect(abs(s - 50 * log(200.0 / 125)) < 0.05)
        #expect(t.processed + t.dropped == t.frames)
    }

    @Test func impossibleScenariosAreErrors() {
        let states = [ThermalStateModel(name: "only", latency: 0.01, busyPower: 2)]
        #expect(throws: SimError.invalidScenario("fps must be positive (got 0.0)")) {
            try ThermalSimulation.run(ThermalScenario(fps: 0, duration: 10), states: states, idlePower: 1, thermal: Self.spec)
        }
        #expect(throws: SimError.invalidScenario("ambient 100.0 °C is at or above the shutdown temperature 100.0 °C")) {
            try ThermalSimulation.run(ThermalScenario(fps: 10, duration: 10, ambient: 100), states: states, idlePower: 1, thermal: Self.spec)
        }
        #expect(throws: SimError.invalidScenario("duration must be positive (got -1.0 s)")) {
            try ThermalSimulation.run(ThermalScenario(fps: 10, duration: -1), states: states, idlePower: 1, thermal: Self.spec)
        }
    }
}
