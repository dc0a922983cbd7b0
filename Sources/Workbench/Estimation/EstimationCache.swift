import EdgeOptimize
import EdgeSim

/// Device profiles and precision assignments for one model, kept between keypresses.
///
/// A value (copy-on-write): the UI's pure update function owns it inside the application state and fills it
/// as screens ask for figures; the same inputs always give the same figures.
public struct EstimationCache: Sendable {
    public let model: WorkbenchModel
    public private(set) var profiles: [String: DeviceProfile] = [:]
    private var assignments: [Strategy: PrecisionAssignment] = [:]
    /// Each pipeline's estimate (without overrides), which a strategy's overrides are applied on.
    private var pipelineEstimates: [Strategy: StrategyEstimate] = [:]  // keyed by the pipeline alone

    public init(model: WorkbenchModel) { self.model = model }

    /// The assignment of `strategy`. A pipeline alone is cost-reported once; a strategy with per-layer overrides
    /// is derived from its pipeline's assignment (see ``PrecisionAssignment/init(model:strategy:over:baseEstimate:)``),
    /// so a Tune keypress costs no cost report. The cache keeps up to 64 assignments (pipelines kept first).
    public mutating func assignment(_ strategy: Strategy) -> PrecisionAssignment {
        if let a = assignments[strategy] { return a }
        let a: PrecisionAssignment
        if strategy.overrides.isEmpty {
            a = PrecisionAssignment(model: model, strategy: strategy, estimate: pipelineEstimate(strategy.pipeline))
        } else {
            let base = assignment(Strategy(pipeline: strategy.pipeline))
            a = PrecisionAssignment(model: model, strategy: strategy, over: base, baseEstimate: pipelineEstimate(strategy.pipeline))
        }
        // Full: drop the tuned strategies, keep the pipelines' (the base every tuned one is derived from).
        if assignments.count >= 64 { assignments = assignments.filter { $0.key.overrides.isEmpty } }
        if assignments.count >= 64 { assignments.removeAll(keepingCapacity: true) }
        assignments[strategy] = a
        return a
    }

    private mutating func pipelineEstimate(_ pipeline: PipelineSpec) -> StrategyEstimate {
        let key = Strategy(pipeline: pipeline)
        if let e = pipelineEstimates[key] { return e }
        let e = StrategyEstimate(graph: model.graph, pipeline: pipeline)
        if pipelineEstimates.count >= 16 { pipelineEstimates.removeAll(keepingCapacity: true) }
        pipelineEstimates[key] = e
        return e
    }

    /// The profile of `device` with every precision `assignment` uses simulated.
    public mutating func profile(_ device: Device, for assignment: PrecisionAssignment, simulator: Simulator) -> DeviceProfile {
        var p = profiles[device.id] ?? DeviceProfile(device: device)
        for precision in assignment.used { p.ensure(precision, model: model, simulator: simulator) }
        profiles[device.id] = p
        return p
    }

    /// `strategy` on `device`: the composed estimate, or why there is none.
    public mutating func estimate(_ strategy: Strategy, on device: Device, simulator: Simulator) -> Result<MixedEstimate, WorkbenchError> {
        estimate(assignment(strategy), on: device, simulator: simulator)
    }

    /// An already made assignment on `device` (saves looking the strategy up once per device).
    public mutating func estimate(_ assignment: PrecisionAssignment, on device: Device, simulator: Simulator) -> Result<MixedEstimate, WorkbenchError> {
        MixedEstimate.compose(assignment, on: profile(device, for: assignment, simulator: simulator))
    }

    /// Precisions `assignment` uses that `deviceID` has not simulated yet (empty: ``readyEstimate(_:on:)`` answers).
    public func missing(_ assignment: PrecisionAssignment, on deviceID: String) -> [LayerPrecision] {
        guard let p = profiles[deviceID] else { return assignment.used }
        return assignment.used.filter { !p.has($0) }
    }

    /// `assignment` on `device` from the runs already simulated, or nil when one is missing — never simulates,
    /// so a keypress can fill every ready cell and leave the rest to background jobs.
    public func readyEstimate(_ assignment: PrecisionAssignment, on device: Device) -> Result<MixedEstimate, WorkbenchError>? {
        guard let p = profiles[device.id], assignment.used.allSatisfy({ p.has($0) }) else { return nil }
        return MixedEstimate.compose(assignment, on: p)
    }

    /// Stores a simulation done elsewhere (a background job running ``DeviceProfile/simulate(_:model:device:simulator:)``).
    public mutating func record(_ precision: LayerPrecision, on device: Device, _ outcome: Result<DeviceProfile.Run, SimulationFailure>) {
        var p = profiles[device.id] ?? DeviceProfile(device: device)
        profiles[device.id] = nil  // keep the profile uniquely referenced while it changes
        p.record(precision, outcome)
        profiles[device.id] = p
    }

    /// The uniform run of `precision` on `device` (for the Models and Devices screens' per-layer latency).
    public mutating func run(_ precision: LayerPrecision, on device: Device, simulator: Simulator) -> DeviceProfile.Run? {
        var p = profiles[device.id] ?? DeviceProfile(device: device)
        p.ensure(precision, model: model, simulator: simulator)
        profiles[device.id] = p
        return p.run(precision)
    }

    /// The per-DVFS-state models of `precision` on `device` (for sustained runs).
    public mutating func states(_ precision: LayerPrecision, on device: Device, simulator: Simulator) -> [ThermalStateModel] {
        var p = profiles[device.id] ?? DeviceProfile(device: device)
        p.ensureStates(precision, model: model, simulator: simulator)
        profiles[device.id] = p
        return p.run(precision)?.states ?? []
    }
}
