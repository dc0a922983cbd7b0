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

    public init(model: WorkbenchModel) { self.model = model }

    /// The assignment of `strategy` (cost-reported once per distinct strategy; the cache keeps the last 64).
    public mutating func assignment(_ strategy: Strategy) -> PrecisionAssignment {
        if let a = assignments[strategy] { return a }
        let a = PrecisionAssignment(model: model, strategy: strategy)
        if assignments.count >= 64 { assignments.removeAll(keepingCapacity: true) }
        assignments[strategy] = a
        return a
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
        let a = assignment(strategy)
        return MixedEstimate.compose(a, on: profile(device, for: a, simulator: simulator))
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
