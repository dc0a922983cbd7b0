import EdgeIR
import EdgeOptimize
import EdgeSim

extension LatencyObjectiveProvider {
    /// The objective of `mixed_precision` steps with `objective: latency`: a device's simulated latency of a
    /// per-layer precision assignment, as the Tune screen composes it.
    ///
    /// Each assignment is the pipeline-free strategy whose per-layer overrides are the search's choices, so the
    /// figure is exactly the one the workbench shows for that tuning: the simulator's run at the dominant
    /// precision with each layer's time replaced by its time at its own precision (``MixedEstimate``), including
    /// fallback of precisions a device's runtime cannot run (int4 and fp16 leave a Coral or Hailo NPU for the
    /// host CPU). The figure is an estimate; its band is the simulator's for the device's family, as every
    /// simulated latency shows it. Seconds per inference.
    ///
    /// The profile runs per precision are cached for the step, so the search costs at most four simulations
    /// per device plus a composition (O(layers)) per objective call. An assignment whose runs cannot be
    /// simulated scores +∞ (never chosen); the all-fp32 model must simulate, or the step fails before searching.
    public static func simulated(_ simulator: Simulator) -> LatencyObjectiveProvider {
        LatencyObjectiveProvider(label: "simulated latency (estimated)", band: { id in
            (try? simulator.catalog.require(id)).map { simulator.parameters.band(family: $0.family) }
        }, checkDevice: { id in
            _ = try simulator.catalog.require(id)
        }, objective: { id, model in
            let device = try simulator.catalog.require(id)
            let box = CacheBox(try EstimationCache(model: WorkbenchModel(slot: ModelSlot(reference: model.metadata.source), model: model)))
            let empty = PipelineSpec(name: "mixed-precision", steps: [])
            func latency(_ a: MixedPrecisionSearch.Assignment) -> Result<Double, WorkbenchError> {
                box.cache.estimate(Strategy(pipeline: empty, overrides: a), on: device, simulator: simulator).map(\.latency.value)
            }
            if case .failure(let e) = latency([:]) { throw e }
            return { a in (try? latency(a).get()) ?? .infinity }
        })
    }
}

/// The estimation cache a search's objective fills as it asks (one per step; the closure is not shared).
private final class CacheBox {
    var cache: EstimationCache
    init(_ cache: EstimationCache) { self.cache = cache }
}
