import EdgeOptimize
import EdgeSim

/// A latency budget line on the dashboard: the scenario's per-frame budget, or a reference such as 10 ms hard
/// real-time.
public struct BudgetLine: Sendable, Hashable, Codable {
    public var seconds: Double
    public var label: String
}

/// A clock step: the governor moved from one DVFS state to another.
public struct ThrottleEvent: Sendable, Hashable, Codable {
    public var time: Double
    public var from: String
    public var to: String
    /// True when the clock went down (throttling), false when it recovered.
    public var isThrottle: Bool
}

/// One point per second of a sustained run.
public struct SustainedSample: Sendable, Hashable, Codable {
    public var time: Double
    public var temperature: Double
    /// Compute clock relative to the fastest state (1 = full clock).
    public var clock: Double
    /// Latency of a frame processed in this second's state (s).
    public var latency: Double
    /// Average board power over the second at the scenario's frame rate (W).
    public var power: Double
}

/// Temperature, clock, latency and power of a (model, strategy, device, scenario) over a sustained run, with its
/// throttling events, budget lines, latency distribution, energy and battery life.
///
/// Everything here is simulated: the thermal model's inputs are the device's published or estimated R, C, trips
/// and DVFS states, and the per-state latency is the strategy's composed estimate (``MixedEstimate``) scaled by
/// each state's clock as the simulator scales the dominant precision's run.
public struct SustainedRun: Sendable {
    public var deviceID: String
    public var strategy: String
    public var scenario: Scenario
    public var trace: ThermalTrace
    public var samples: [SustainedSample]
    public var events: [ThrottleEvent]
    public var budgets: [BudgetLine]
    public var verdict: RealTimeVerdict?
    /// Joules per inference (nominal state, back to back).
    public var energyPerInference: Double
    /// Average power at the scenario's frame rate (W), before throttling.
    public var averagePower: Double
    /// Hours on the scenario's battery at its frame rate and duty cycle; nil when mains powered.
    public var batteryHours: Double?
    public var trips: [Double]
    public var shutdownTemperature: Double

    /// Latency values in milliseconds (for the jitter histogram).
    public var latencyMilliseconds: [Double] { trace.latencies.map { Double($0) * 1000 } }

    /// Simulates `strategy` on `device` through `scenario`.
    /// - Throws: ``WorkbenchError/simulation(device:reason:)`` when the device cannot run it or the scenario is
    ///   impossible (fps ≤ 0, ambient above shutdown).
    public static func simulate(cache: inout EstimationCache, strategy: Strategy, device: Device, scenario: Scenario,
                                simulator: Simulator) throws -> SustainedRun {
        let estimate: MixedEstimate
        switch cache.estimate(strategy, on: device, simulator: simulator) {
        case .success(let e): estimate = e
        case .failure(let e): throw e
        }
        let base = cache.states(estimate.dominant, on: device, simulator: simulator)
        guard let nominal = base.first, nominal.latency > 0 else {
            throw WorkbenchError.simulation(device: device.id, reason: "no DVFS states to run a sustained workload")
        }
        let idle = estimate.idlePower
        // Scale every state like the nominal one: time by the composed/dominant ratio, dynamic power alike.
        let timeRatio = estimate.latency.value / nominal.latency
        let baseDynamic = max(nominal.busyPower - idle, 0)
        let powerRatio = baseDynamic > 0 ? (estimate.busyPower - idle) / baseDynamic : 1
        let states = base.map {
            ThermalStateModel(state: $0.name, secondsPerFrame: $0.latency * timeRatio, busyWatts: idle + ($0.busyPower - idle) * powerRatio)
        }
        let thermalScenario = ThermalScenario(fps: scenario.fps, duration: scenario.durationS, ambient: scenario.ambientC)
        let trace: ThermalTrace
        do {
            trace = try ThermalSimulation.run(thermalScenario, states: states, idlePower: idle, thermal: device.thermal)
        } catch {
            throw WorkbenchError.simulation(device: device.id, reason: "\(error)")
        }
        var samples: [SustainedSample] = []
        samples.reserveCapacity(trace.samples.count)
        var events: [ThrottleEvent] = []
        var last = 0
        for s in trace.samples {
            let k = min(max(0, s.state), states.count - 1)
            let clock = k < device.dvfs.count ? device.dvfs[k].clockScale : 1
            let duty = min(1, states[k].latency * scenario.fps)
            samples.append(SustainedSample(time: s.time, temperature: s.temperature, clock: clock, latency: states[k].latency,
                                           power: idle + duty * (states[k].busyPower - idle)))
            if k != last {
                events.append(ThrottleEvent(time: s.time, from: states[last].name, to: states[k].name, isThrottle: k > last))
                last = k
            }
        }
        var budgets = [BudgetLine(seconds: scenario.latencyBudgetMs / 1000,
                                  label: "budget \(format(scenario.latencyBudgetMs)) ms (\(format(scenario.fps)) fps, \(scenario.deadline.rawValue))")]
        if abs(scenario.latencyBudgetMs - 10) > 0.05 {
            budgets.append(BudgetLine(seconds: 0.010, label: "10 ms hard real-time"))
        }
        let mode: RealTimeBudget.Mode = scenario.deadline == .hard ? .hard : .soft
        var verdict: RealTimeVerdict?
        if var result = cache.profiles[device.id]?.run(estimate.dominant)?.result {
            // The dominant run stands in for the mixed strategy with the composed latency and throughput.
            result.latency = estimate.latency
            result.throughput = estimate.throughput
            verdict = try? RealTimeVerdict.check(result, trace: trace,
                                                 budget: RealTimeBudget(budget: scenario.latencyBudgetMs / 1000, mode: mode, fps: scenario.fps))
        }
        let rate = min(scenario.fps, estimate.fps)
        let average = idle + rate * estimate.dynamicEnergy
        var battery: Double?
        if let wh = scenario.batteryWh {
            let p = scenario.dutyCycle * average + (1 - scenario.dutyCycle) * idle
            battery = p > 0 ? wh / p : nil
        }
        return SustainedRun(deviceID: device.id, strategy: strategy.name, scenario: scenario, trace: trace, samples: samples,
                            events: events, budgets: budgets, verdict: verdict,
                            energyPerInference: estimate.energyPerInference, averagePower: average, batteryHours: battery,
                            trips: device.thermal.trips, shutdownTemperature: device.thermal.shutdown.value)
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String((v * 10).rounded() / 10)
    }
}
