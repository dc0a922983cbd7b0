import EdgeOptimize
import EdgeSim
import Workbench

/// Device simulations moved off the keypress.
///
/// A keypress on Tune or Compare computes what its frame needs now: the selected device (simulated in place if
/// it must be) and every other cell whose uniform-precision runs are already cached (a composition, no
/// simulation). A device still lacking a run shows "simulating…" and gets one background job, which runs
/// ``DeviceProfile/simulate(_:model:device:simulator:)`` — the very function the in-place path runs — and
/// reports back as ``Message/simulationFinished(job:_:)``; the screens then fill in the pending cells.
extension WorkbenchApp {
    static func runKey(_ model: Int, _ device: String, _ precision: LayerPrecision) -> String {
        "\(model)|\(device)|\(precision.rawValue)"
    }

    /// One `.simulate` effect per device in `devices` lacking a run `assignment` needs (runs already being
    /// simulated are not asked for twice).
    static func requestRuns(_ state: inout AppState, assignment: PrecisionAssignment, devices: [Device]) -> [Effect] {
        guard let cache = state.cache else { return [] }
        let m = state.modelIndex
        var effects: [Effect] = []
        for d in devices {
            let needed = cache.missing(assignment, on: d.id).filter { !state.pendingRuns.contains(runKey(m, d.id, $0)) }
            guard !needed.isEmpty else { continue }
            for p in needed { state.pendingRuns.insert(runKey(m, d.id, p)) }
            effects.append(.simulate(job: state.newJob(), SimulationRequest(modelIndex: m, model: cache.model, device: d,
                                                                           precisions: needed, simulator: state.simulator)))
        }
        return effects
    }

    /// A background simulation arrived: store it in its model's cache (if that model is still there).
    static func simulationFinished(_ report: SimulationReport, _ state: inout AppState) {
        for o in report.outcomes { state.pendingRuns.remove(runKey(report.modelIndex, report.device.id, o.precision)) }
        let i = report.modelIndex
        guard state.models.indices.contains(i), case .ready(var cache) = state.models[i],
              cache.model.slot.reference == report.reference else { return }
        state.models[i] = .failed(slot: cache.model.slot, reason: "")  // release the reference while mutating
        for o in report.outcomes { cache.record(o.precision, on: report.device, o.result) }
        state.models[i] = .ready(cache)
    }
}
