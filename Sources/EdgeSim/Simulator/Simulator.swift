import EdgeIR
import Foundation

/// The simulator: a device catalog and fitted parameters, turning a workload into latency,
/// throughput, the fallback map, memory fit and energy for any device.
///
/// Pure computation: no clock, no I/O after construction (the host device is measured once when
/// the standard simulator is built and cached on disk).
public struct Simulator: Sendable {
    public var catalog: DeviceCatalog
    public var parameters: FittedParameters

    public init(catalog: DeviceCatalog, parameters: FittedParameters = .builtIn) {
        self.catalog = catalog
        self.parameters = parameters
    }

    /// The built-in catalog plus user device files, the fitted parameters and, optionally, the
    /// measured host.
    /// - Parameter parametersFile: fitted parameters written by `edgewise calibrate --write` to use
    ///   instead of the built-in ones.
    public static func standard(userFiles: [URL] = [], includeHost: Bool = true, parametersFile: URL? = nil) throws -> Simulator {
        var catalog = try DeviceCatalog.load(userFiles: userFiles)
        if includeHost { catalog.upsert(HostProbe.cachedOrMeasured().device()) }
        var parameters = FittedParameters.builtIn
        if let url = parametersFile {
            guard let data = try? Data(contentsOf: url), let p = try? JSONDecoder().decode(FittedParameters.self, from: data) else {
                throw SimError.calibration("\(url.path): not a fitted-parameters file")
            }
            parameters = p
        }
        return Simulator(catalog: catalog, parameters: parameters)
    }

    /// Resolves options against a device: runtime, precision, DVFS state.
    func resolve(_ workload: Workload, _ device: Device, _ options: SimulationOptions) throws -> (Runtime, Precision, DVFSState) {
        guard options.batch >= 1 else { throw SimError.invalidScenario("batch must be at least 1 (got \(options.batch))") }
        guard options.streams >= 1 else { throw SimError.invalidScenario("streams must be at least 1 (got \(options.streams))") }
        let runtime: Runtime
        if let r = options.runtime {
            guard let rt = device.runtime(r) else {
                throw SimError.unknownRuntime(device: device.id, runtime: r, valid: device.runtimes.map(\.id))
            }
            runtime = rt
        } else {
            runtime = device.defaultRuntime
        }
        let precision: Precision
        if let p = options.precision {
            precision = p
        } else if workload.impliedPrecision.isNative {
            precision = workload.impliedPrecision
        } else if let first = runtime.precisions.first, let p = Precision.parse(first) {
            precision = p
        } else {
            precision = .fp32
        }
        var state = device.dvfs[0]
        if let s = options.powerState {
            guard let st = device.dvfs.first(where: { $0.name.lowercased() == s.lowercased() }) else {
                throw SimError.unknownDVFSState(device: device.id, state: s, valid: device.dvfs.map(\.name))
            }
            state = st
        }
        return (runtime, precision, state)
    }

    /// Simulates `workload` on the device with id `deviceID`.
    public func simulate(_ workload: Workload, on deviceID: String, options: SimulationOptions = .init()) throws -> SimulationResult {
        try simulate(workload, device: catalog.require(deviceID), options: options)
    }

    /// Simulates `workload` on `device`.
    /// - Complexity: O(layers).
    public func simulate(_ workload: Workload, device: Device, options: SimulationOptions = .init()) throws -> SimulationResult {
        let (runtime, precision, state) = try resolve(workload, device, options)
        let w = try workload.batched(options.batch)
        var index = ParameterIndex()
        let plan = try Plan(workload: w, device: device, runtime: runtime, precision: precision, parameters: &index)
        let values = index.values(from: parameters)
        let timing = plan.evaluate(values, clock: state.clockScale, detail: true)
        let band = parameters.band(family: device.family)

        var layers: [LayerReport] = []
        layers.reserveCapacity(w.layers.count)
        var stepOf = [Int](repeating: -1, count: w.layers.count)
        for (k, s) in plan.steps.enumerated() { stepOf[s.layer] = k }
        var unitTime = [Double](repeating: 0, count: device.units.count)
        var unitLayers = [Int](repeating: 0, count: device.units.count)
        var dynamicEnergy = 0.0
        let unitIDs = device.units.map(\.id)
        let unitPower = device.units.map { $0.activePower.value * state.powerScale }
        let decisions = plan.placement.decisions
        var totalFlops = 0.0
        for i in w.layers.indices {
            let d = decisions[i]
            var c = 0.0, m = 0.0, o = 0.0
            var bound = LayerReport.Bound.free
            if stepOf[i] >= 0 {
                let r = timing.steps[stepOf[i]]
                (c, m, o) = (r.compute, r.memory, r.overhead)
                if plan.steps[stepOf[i]].overheadIdx < 0 {
                    bound = .fused
                } else if o > max(c, m) {
                    bound = .overhead
                } else {
                    bound = c >= m ? .compute : .memory
                }
                unitLayers[d.unit] += 1
            }
            let t = max(c, m) + o
            unitTime[d.unit] += t
            dynamicEnergy += t * unitPower[d.unit]
            totalFlops += w.layers[i].flops
            let weights = w.layers[i].weightBytes(precision)
            layers.append(LayerReport(name: w.layers[i].name, op: w.layers[i].op.rawValue, kind: w.layers[i].kind, unit: unitIDs[d.unit],
                                      reason: d.reason, time: t, compute: c, memory: m, overhead: o, bound: bound,
                                      macs: w.layers[i].macs, weightBytes: weights))
        }
        let latency = timing.latency
        let samples = Double(w.batch)
        let throughput = plan.dataflow ? samples / timing.busy : samples / max(timing.busy, latency / Double(options.streams))
        let mainUnit = device.units[plan.placement.mainUnit]
        var usable: Double?
        if let wm = mainUnit.weightMemory {
            usable = wm.value * parameters.value(ParameterKey.cache(mainUnit.unitClass), unitKind: mainUnit.kind, unitClass: mainUnit.unitClass)
        }
        let memory = MemoryFit.compute(workload: w, device: device, precision: precision, usableOnChip: usable)
        let idle = device.power.idle.value
        let energy = EnergyEstimate(
            joulesPerInference: (idle * latency + dynamicEnergy) / samples,
            dynamicJoulesPerInference: dynamicEnergy / samples,
            idlePower: idle, busyPower: idle + dynamicEnergy / latency,
            opsPerInference: totalFlops / samples,
            maxRate: throughput)
        var notes: [String] = []
        if device.lifecycle.status != .available { notes.append("\(device.lifecycle.status.rawValue): \(device.lifecycle.note)") }
        if !memory.fits { notes.append(memory.summary) }
        if memory.streamedWeights > 0, mainUnit.weightOverflow == .stream {
            notes.append("\(Units.bytes(memory.streamedWeights)) of weights exceed the on-chip memory and are streamed over the link on every inference")
        }
        if let c = plan.contexts, c.count(values) > 1 {
            let n = c.count(values)
            notes.append("compiled into \(n) contexts; weights are reloaded over the link once per batch")
        }
        let fallbackCount = w.layers.indices.filter {
            plan.placement.decisions[$0].unit != plan.placement.mainUnit && w.layers[$0].kind != .view
        }.count
        if fallbackCount > 0 {
            notes.append("\(fallbackCount) layer(s) fall back from \(mainUnit.id) to \(plan.placement.fallbackUnit.map { device.units[$0].id } ?? "?")")
        }
        var result = SimulationResult(
            deviceID: device.id, deviceName: device.name, family: device.family, runtimeID: runtime.id,
            runtimeName: runtime.name, partitionRule: runtime.note.isEmpty ? runtime.partition.rawValue : runtime.note,
            precision: precision.name, batch: w.batch, streams: options.streams, powerState: state.name,
            latency: .estimate(latency, "s", band: band, family: device.family),
            throughput: .estimate(throughput, "inferences/s", band: band, family: device.family, inverse: true),
            busy: timing.busy, fixedOverhead: timing.fixed, transferTime: timing.transfer, syncTime: timing.sync,
            contextSwitchTime: timing.contextSwitch, layers: layers,
            unitTimes: device.units.indices.filter { unitLayers[$0] > 0 }.map { .init(unit: device.units[$0].id, time: unitTime[$0], layers: unitLayers[$0]) },
            fallbackLayers: fallbackCount, memory: memory, energy: energy, lifecycle: device.lifecycle, notes: notes)
        result.published = PublishedFigures.matching(model: workload.name, device: device.id, runtime: runtime.id,
                                                     precision: precision.name, batch: w.batch)
        return result
    }

    /// Simulates on every device; devices where the scenario is impossible report their error.
    public func simulateAll(_ workload: Workload, options: SimulationOptions = .init()) -> [(device: Device, result: Result<SimulationResult, Error>)] {
        catalog.devices.map { d in (d, Result { try simulate(workload, device: d, options: options) }) }
    }
}
