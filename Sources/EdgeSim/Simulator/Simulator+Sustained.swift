/// Sustained operation: per-DVFS-state behaviour for the thermal model, and LLM token rates.
extension Simulator {
    /// Latency and busy power of `workload` in every DVFS state of the device, fastest first.
    public func thermalStates(_ workload: Workload, device: Device, options: SimulationOptions = .init()) throws -> [ThermalStateModel] {
        let (runtime, precision, _) = try resolve(workload, device, options)
        let w = try workload.batched(options.batch)
        var index = ParameterIndex()
        let plan = try Plan(workload: w, device: device, runtime: runtime, precision: precision, parameters: &index)
        let values = index.values(from: parameters)
        let idle = device.power.idle.value
        return device.dvfs.map { state in
            let t = plan.evaluate(values, clock: state.clockScale, detail: true)
            var dynamic = 0.0
            for (k, s) in plan.steps.enumerated() {
                let r = t.steps[k]
                dynamic += (max(r.compute, r.memory) + r.overhead) * device.units[s.unit].activePower.value * state.powerScale
            }
            return ThermalStateModel(name: state.name, latency: t.latency, busyPower: idle + dynamic / t.latency)
        }
    }

    /// Steps the device's thermal model through `scenario` running `workload` frame after frame.
    public func sustained(_ workload: Workload, device: Device, scenario: ThermalScenario,
                          options: SimulationOptions = .init()) throws -> ThermalTrace {
        guard scenario.fps.isFinite, scenario.fps > 0 else { throw SimError.invalidScenario("fps must be positive (got \(scenario.fps))") }
        let states = try thermalStates(workload, device: device, options: options)
        return try ThermalSimulation.run(scenario, states: states, idlePower: device.power.idle.value, thermal: device.thermal)
    }
}

/// Token rates of a decoder on a device.
public struct LLMResult: Sendable, Codable {
    public var deviceID: String
    public var precision: String
    public var promptTokens: Int
    public var context: Int
    /// Prompt tokens per second (compute-bound: the prompt's tokens share each weight read).
    public var prefillTokensPerSecond: Figure
    /// Generated tokens per second at `context` cached positions (bandwidth-bound: every token reads
    /// all weights plus the KV cache).
    public var decodeTokensPerSecond: Figure
    /// Prefill time of the prompt.
    public var timeToFirstToken: Double
    /// Bytes one decode step reads: weights plus KV cache.
    public var bytesPerToken: Double
    /// Weights, KV cache at `context`, activations and runtime against the device's memory.
    public var memory: MemoryFit
}

extension Simulator {
    /// Simulates a decoder: the prefill graph over `promptTokens` and one decode step at its context.
    public func simulateLLM(prefill: Workload, decode: Workload, promptTokens: Int, context: Int, device: Device,
                            options: SimulationOptions = .init()) throws -> LLMResult {
        guard promptTokens >= 1 else { throw SimError.invalidScenario("prompt must have at least one token") }
        let p = try simulate(prefill, device: device, options: options)
        let d = try simulate(decode, device: device, options: options)
        // The precision the decode pass ran at, resolved as `simulate` resolves it: re-parsing the
        // result's name would turn a file's own ("native") types into fp32 activations.
        let precision = try resolve(decode, device, options).1
        var bytes = 0.0
        for l in decode.layers where l.kind != .view {
            bytes += l.weightTraffic(precision)
            if l.kind == .attention { bytes += l.inputElements * precision.activationBytes }
        }
        let band = parameters.band(family: device.family)
        let prefillRate = Double(promptTokens) / p.latency.value
        let decodeRate = 1 / d.latency.value
        return LLMResult(deviceID: device.id, precision: p.precision, promptTokens: promptTokens, context: context,
                         prefillTokensPerSecond: .estimate(prefillRate, "tokens/s", band: band, family: device.family, inverse: true),
                         decodeTokensPerSecond: .estimate(decodeRate, "tokens/s", band: band, family: device.family, inverse: true),
                         timeToFirstToken: p.latency.value, bytesPerToken: bytes, memory: d.memory)
    }
}
