import EdgeOptimize
import EdgeSim

/// How one model runs on one device at each uniform precision, layer by layer.
///
/// The simulator takes one precision per run; a strategy mixes precisions per layer. Rather than re-simulating on
/// every keypress, the workbench simulates each precision a strategy uses once per device and composes any mix
/// from the per-layer times (``MixedEstimate``). Runs are filled lazily (``ensure(_:model:simulator:)``), so a
/// precision nobody uses is never simulated.
public struct DeviceProfile: Sendable {
    /// One uniform-precision simulation, with the power each layer's unit draws while busy.
    public struct Run: Sendable {
        public var result: SimulationResult
        /// Active (above-idle) power of the unit each layer ran on, at the nominal DVFS state (W).
        public var layerPower: [Double]
        /// Weight bytes the simulator counted at this precision (what the memory fit's weight share is).
        public var weightBytes: Double
        /// Latency and busy power per DVFS state, fastest first (for sustained runs), when computed.
        public var states: [ThermalStateModel]?
    }

    public let device: Device
    public private(set) var runs: [LayerPrecision: Run] = [:]
    /// Precisions the device cannot run this model at, with the simulator's reason.
    public private(set) var failures: [LayerPrecision: String] = [:]

    public init(device: Device) { self.device = device }

    public var deviceID: String { device.id }

    /// Simulates `precision` if not done yet. Errors are kept in ``failures``, not thrown: a device that cannot
    /// run a model at some precision is a result the screens show.
    /// - Complexity: one simulation (O(layers)) the first time; O(1) after.
    public mutating func ensure(_ precision: LayerPrecision, model: WorkbenchModel, simulator: Simulator) {
        guard !has(precision) else { return }
        record(precision, DeviceProfile.simulate(precision, model: model, device: device, simulator: simulator))
    }

    /// True once `precision` was simulated (successfully or not): nothing left to compute for it.
    public func has(_ precision: LayerPrecision) -> Bool { runs[precision] != nil || failures[precision] != nil }

    /// One uniform-precision simulation, without touching any profile: what ``ensure(_:model:simulator:)`` stores.
    /// Pure, so the UI runs it on a background thread and ``record(_:_:)``s the outcome when it arrives; the
    /// profile ends up exactly as if it had been simulated in place.
    public static func simulate(_ precision: LayerPrecision, model: WorkbenchModel, device: Device,
                                simulator: Simulator) -> Result<Run, SimulationFailure> {
        let p = precision == .skip ? model.storedPrecision.simulatorPrecision : precision.simulatorPrecision
        do {
            let r = try simulator.simulate(model.workload, device: device, options: SimulationOptions(precision: p))
            let scale = device.dvfs.first?.powerScale ?? 1
            var unitPower: [String: Double] = [:]
            for u in device.units { unitPower[u.id] = u.activePower.value * scale }
            let power = r.layers.map { unitPower[$0.unit] ?? 0 }
            return .success(Run(result: r, layerPower: power, weightBytes: model.workload.weightBytes(at: p), states: nil))
        } catch {
            return .failure(SimulationFailure(reason: "\(error)"))
        }
    }

    /// Stores an outcome of ``simulate(_:model:device:simulator:)`` (a later duplicate is ignored).
    public mutating func record(_ precision: LayerPrecision, _ outcome: Result<Run, SimulationFailure>) {
        guard !has(precision) else { return }
        switch outcome {
        case .success(let run): runs[precision] = run
        case .failure(let f): failures[precision] = f.reason
        }
    }

    /// Computes the per-DVFS-state behaviour of `precision`'s run (for the dashboard's sustained run).
    public mutating func ensureStates(_ precision: LayerPrecision, model: WorkbenchModel, simulator: Simulator) {
        ensure(precision, model: model, simulator: simulator)
        guard var run = runs[precision], run.states == nil else { return }
        let p = precision == .skip ? model.storedPrecision.simulatorPrecision : precision.simulatorPrecision
        run.states = (try? simulator.thermalStates(model.workload, device: device, options: SimulationOptions(precision: p))) ?? []
        runs[precision] = run
    }

    /// The run at `precision`, if it succeeded.
    public func run(_ precision: LayerPrecision) -> Run? { runs[precision] }
}

/// Why a device could not simulate a model at some precision (the simulator's message).
public struct SimulationFailure: Error, Sendable, Equatable {
    public var reason: String
    public init(reason: String) { self.reason = reason }
}
