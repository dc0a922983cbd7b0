import EdgeOptimize
import EdgeSim

/// A strategy's latency, energy and memory fit on one device, composed per layer from uniform-precision runs.
///
/// Composition rule (documented in docs/DECISIONS.md): start from the run at the dominant precision D, whose
/// fixed overheads, transfers and synchronisation are the model's; replace each layer's time by its time in the
/// run at the layer's own precision: `L = L_D + Σᵢ (t_{pᵢ}[i] − t_D[i])`. With one precision this is exactly the
/// simulator's answer. Energy follows the simulator's model: `idle × L + Σᵢ tᵢ × P_unit(i)`. The error band is
/// the dominant run's, scaled by `L / L_D`.
public struct MixedEstimate: Sendable {
    public var deviceID: String
    public var deviceName: String
    /// Seconds per inference.
    public var latency: Figure
    /// Inferences per second.
    public var throughput: Figure
    /// Joules per inference at back-to-back operation, idle share included.
    public var energyPerInference: Double
    /// Joules above idle per inference.
    public var dynamicEnergy: Double
    public var idlePower: Double
    /// Average board power while running back to back (W).
    public var busyPower: Double
    public var memory: MemoryFit
    /// Per layer: seconds, unit id, and the precision it was taken at.
    public var layerTimes: [Double]
    public var layerUnits: [String]
    public var fallbackLayers: Int
    public var dominant: LayerPrecision
    /// True when more than one precision was composed (the figure is not a single simulator run).
    public var isComposed: Bool
    public var notes: [String]

    /// Frames per second the device sustains back to back.
    public var fps: Double { throughput.value }

    /// Composes `assignment` on `profile`; nil (with the reason) when a needed run failed.
    public static func compose(_ assignment: PrecisionAssignment, on profile: DeviceProfile) -> Result<MixedEstimate, WorkbenchError> {
        guard let base = profile.run(assignment.dominant) else {
            let why = profile.failures[assignment.dominant] ?? "not simulated"
            return .failure(.simulation(device: profile.deviceID, reason: why))
        }
        var others: [LayerPrecision: DeviceProfile.Run] = [:]
        for p in assignment.used where p != assignment.dominant {
            guard let r = profile.run(p) else {
                return .failure(.simulation(device: profile.deviceID, reason: profile.failures[p] ?? "\(p.rawValue) not simulated"))
            }
            others[p] = r
        }
        let r = base.result
        let n = min(assignment.layers.count, r.layers.count)
        var latency = r.latency.value
        var dynamic = 0.0
        var times = [Double](repeating: 0, count: n)
        var units = [String](repeating: "", count: n)
        var fallback = 0
        let mainUnit = r.unitTimes.max { $0.layers < $1.layers }?.unit
        // The runs by a small index (dominant first), so the per-layer loop copies no Run (a Run copy is a
        // dozen retains; per layer and per device that was most of a keypress).
        let order = [assignment.dominant] + assignment.used.filter { $0 != assignment.dominant }
        let layerLists = order.map { $0 == assignment.dominant ? r.layers : others[$0]!.result.layers }
        let powerLists = order.map { $0 == assignment.dominant ? base.layerPower : others[$0]!.layerPower }
        let baseLayers = r.layers
        for i in 0..<n {
            let p = assignment.layers[i]
            let k = p == assignment.dominant ? 0 : (order.firstIndex(of: p) ?? 0)
            let t = layerLists[k][i].time
            latency += t - baseLayers[i].time
            dynamic += t * powerLists[k][i]
            times[i] = t
            units[i] = layerLists[k][i].unit
            if let m = mainUnit, units[i] != m, layerLists[k][i].kind != .view { fallback += 1 }
        }
        latency = max(latency, r.latency.value * 1e-3)
        let ratio = r.latency.value > 0 ? latency / r.latency.value : 1
        let idle = r.energy.idlePower
        let energy = idle * latency + dynamic
        var memory = r.memory
        let weightDelta = Double(assignment.weightBytes) - base.weightBytes
        for k in memory.regions.indices where memory.regions[k].contents.hasPrefix("weights") {
            memory.regions[k].required += weightDelta
        }
        var notes = r.notes
        if !others.isEmpty {
            notes.append("mixed precision: composed per layer from the \(assignment.used.map(\.rawValue).joined(separator: ", ")) runs")
        }
        return .success(MixedEstimate(
            deviceID: r.deviceID, deviceName: r.deviceName,
            latency: scaled(r.latency, by: ratio, composed: !others.isEmpty),
            throughput: scaled(r.throughput, by: 1 / ratio, composed: !others.isEmpty),
            energyPerInference: energy, dynamicEnergy: dynamic, idlePower: idle,
            busyPower: latency > 0 ? idle + dynamic / latency : idle, memory: memory, layerTimes: times,
            layerUnits: units, fallbackLayers: fallback, dominant: assignment.dominant, isComposed: !others.isEmpty,
            notes: notes))
    }

    /// `figure` times `factor`, its band scaled alike. A published figure stays published only if unchanged.
    static func scaled(_ figure: Figure, by factor: Double, composed: Bool) -> Figure {
        switch figure.provenance {
        case .estimated(let lo, let hi, let family, let rows):
            return Figure(figure.value * factor, figure.unit,
                          .estimated(low: lo * factor, high: hi * factor, family: family, calibrationRows: rows))
        case .published where composed || factor != 1:
            return Figure(figure.value * factor, figure.unit,
                          .estimated(low: figure.value * factor, high: figure.value * factor, family: "composed from a published figure", calibrationRows: 0))
        default:
            return Figure(figure.value * factor, figure.unit, figure.provenance)
        }
    }
}

extension Figure {
    /// The error band as a relative half-width (±%) around the value, for compact labels; nil if not estimated.
    public var relativeBand: Double? {
        guard case .estimated(let lo, let hi, _, _) = provenance, value > 0 else { return nil }
        return max(hi - value, value - lo) / value
    }

    /// "estimated", "published", "measured" or "computed" — the word every figure on screen carries.
    public var provenanceWord: String {
        switch provenance {
        case .estimated: return "estimated"
        case .published: return "published"
        case .measured: return "measured"
        case .exact: return "computed"
        }
    }
}
