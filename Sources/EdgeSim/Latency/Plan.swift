import Foundation

import EdgeIR

/// A workload placed on a device and resolved into numbers and parameter indices: everything the
/// latency model needs except the fitted parameter values.
///
/// The simulator and the calibrator evaluate the same plan (``evaluate(_:clock:)``), so what is
/// fitted is exactly what is predicted.
public struct Plan: Sendable {
    enum WeightPath: Sendable { case memory, onChip }

    struct Step: Sendable {
        var layer: Int
        var unit: Int
        var flops: Double
        var peak: Double
        var effIdx: Int
        var kindIdx: Int      // -1: dense convolution, factor 1
        var rtIdx: Int        // -1: no runtime factor (fallback unit)
        var weightBytes: Double
        var weightPath: WeightPath
        /// Weights of earlier layers on the same on-chip unit (what fills the cache first).
        var weightsBefore: Double
        var activationBytes: Double
        var memoryBandwidth: Double
        var bwIdx: Int
        var linkBandwidth: Double
        var linkIdx: Int      // -1: unit has no link
        var capacity: Double  // on-chip weight bytes, 0 when none
        var cacheIdx: Int
        var overheadIdx: Int  // -1: fused or free
        var isMain: Bool
        /// Weights may load while the previous layer computes (accelerators with DMA double-buffering).
        var prefetch: Bool
    }

    struct Transfer: Sendable {
        var bytes: Double
        var bandwidth: Double
        var linkIdx: Int
        var latency: Double
    }

    struct Contexts: Sendable {
        var weightBytes: Double
        /// Layers the unit executes (fused ones excluded): each needs its own compute resources.
        var layers: Double
        /// Peak in TOPS: resources (layer slots) scale with the array size.
        var tops: Double
        var slotsIdx: Int
        var capacity: Double
        var cacheIdx: Int
        var ctxIdx: Int
        var linkBandwidth: Double
        var linkIdx: Int
    }

    var steps: [Step]
    var transfers: [Transfer]
    var syncs: Int
    var syncIdx: Int
    var fixedIdx: Int
    var contexts: Contexts?
    var dataflow: Bool

    public let placement: Placement
    public let precision: Precision
    public let batch: Int
    public let deviceID: String
    public let runtimeID: String

    /// Places and resolves `workload` on `device` with `runtime` at `precision`.
    public init(workload: Workload, device: Device, runtime: Runtime, precision: Precision,
                parameters index: inout ParameterIndex) throws {
        let placement = try Placement.place(workload, device: device, runtime: runtime, precision: precision)
        self.placement = placement
        self.precision = precision
        self.batch = workload.batch
        self.deviceID = device.id
        self.runtimeID = runtime.id
        let main = placement.mainUnit
        let rtClass = runtime.runtimeClass
        var steps: [Step] = []
        steps.reserveCapacity(workload.layers.count)
        var weightsOnUnit = [Double](repeating: 0, count: device.units.count)
        let actBytes = precision.activationBytes
        // Per-unit constants and parameter indices, resolved once per unit rather than per layer.
        struct UnitInfo {
            var peak = 0.0, memoryBandwidth = 0.0, linkBandwidth = 0.0, capacity = 0.0, local = 0.0
            var effIdx = -1, rtIdx = -1, bwIdx = -1, linkIdx = -1, cacheIdx = -1, overheadIdx = -1
            var onChip = false, prefetch = false
        }
        var infos = [UnitInfo?](repeating: nil, count: device.units.count)
        // Kind-factor index per (unit, op kind); −2 = not yet resolved. Kept apart so UnitInfo stays
        // a plain value that copies without reference counting.
        var kindIdx = [Int](repeating: -2, count: device.units.count * OpKind.count)
        func info(_ u: Int) -> UnitInfo {
            if let i = infos[u] { return i }
            let unit = device.units[u]
            let dp = unit.datapath(for: precision.compute) ?? unit.datapath(for: .fp32) ?? unit.peak.keys.max()!
            let link = unit.link.flatMap { device.link($0) }
            var i = UnitInfo()
            i.peak = unit.peak[dp]!.value
            i.memoryBandwidth = unit.memoryBandwidth?.value ?? device.memory.bandwidth.value
            i.linkBandwidth = link?.bandwidth.value ?? 0
            i.capacity = unit.weightMemory?.value ?? 0
            i.local = unit.localMemory?.value ?? 0
            i.onChip = unit.weightMemory != nil
            i.prefetch = Plan.prefetches(unit.kind)
            i.effIdx = index.unitParameter({ ParameterKey.eff($0, dp) }, unit: unit, priorCenter: unit.efficiencyPrior?.value)
            i.rtIdx = u == main ? index.id(ParameterKey.runtime(rtClass), priorCenter: runtime.speedPrior?.value) : -1
            i.bwIdx = index.unitParameter({ ParameterKey.bandwidth($0) }, unit: unit)
            i.linkIdx = link.map { index.id(ParameterKey.link($0.id)) } ?? -1
            i.cacheIdx = i.onChip ? index.id(ParameterKey.cache(unit.unitClass), unitKind: unit.kind, unitClass: unit.unitClass) : -1
            i.overheadIdx = index.id(ParameterKey.opOverhead(rtClass, unit.kind), unitKind: unit.kind)
            infos[u] = i
            return i
        }
        func kindIndex(_ u: Int, _ k: OpKind) -> Int {
            if k == .conv { return -1 }
            let slot = u * OpKind.count + k.ordinal
            if kindIdx[slot] == -2 {
                kindIdx[slot] = index.unitParameter({ ParameterKey.kind($0, k) }, unit: device.units[u])
            }
            return kindIdx[slot]
        }
        let layers = workload.layers
        let decisions = placement.decisions
        for i in layers.indices where layers[i].kind != .view {
            let u = decisions[i].unit
            let ui = info(u)
            let first = layers[i].producers.first?.layer ?? -1
            let fused = runtime.fusesActivations && layers[i].fusible && first >= 0 && decisions[first].unit == u
            let w = layers[i].weightTraffic(precision)
            let activations = (layers[i].inputElements + layers[i].outputElements) * actBytes
            let step = Step(
                layer: i, unit: u, flops: layers[i].flops, peak: ui.peak,
                effIdx: ui.effIdx, kindIdx: kindIndex(u, layers[i].kind), rtIdx: ui.rtIdx,
                weightBytes: w, weightPath: ui.onChip ? .onChip : .memory, weightsBefore: weightsOnUnit[u],
                activationBytes: (fused || ui.onChip) ? 0 : Plan.spilled(activations, local: ui.local),
                memoryBandwidth: ui.memoryBandwidth, bwIdx: ui.bwIdx,
                linkBandwidth: ui.linkBandwidth, linkIdx: ui.linkIdx,
                capacity: ui.capacity, cacheIdx: ui.cacheIdx,
                overheadIdx: fused ? -1 : ui.overheadIdx,
                isMain: u == main, prefetch: ui.prefetch)
            weightsOnUnit[u] += w
            steps.append(step)
        }
        // Transfers across host links and synchronisations between units sharing memory.
        var transfers: [Transfer] = []
        var syncs = 0
        func linkOf(_ u: Int) -> Link? { device.units[u].link.flatMap { device.link($0) } }
        func cross(from a: Int, to b: Int, elements: Double) {
            guard a != b else { return }
            if let l = linkOf(a) ?? linkOf(b) {
                transfers.append(Transfer(bytes: elements * actBytes, bandwidth: l.bandwidth.value,
                                          linkIdx: index.id(ParameterKey.link(l.id)), latency: l.latency.value))
            } else {
                syncs += 1
            }
        }
        let host = placement.fallbackUnit ?? device.units.firstIndex { $0.kind == .cpu } ?? main
        for i in layers.indices {
            let u = decisions[i].unit
            for (p, e) in layers[i].producers {
                let from = p >= 0 ? decisions[p].unit : host
                if from != u { cross(from: from, to: u, elements: e) }
            }
        }
        for (p, e) in workload.outputProducers where p >= 0 {
            cross(from: placement.decisions[p].unit, to: host, elements: e)
        }
        // Merge transfers per link direction is not modelled: each tensor is one transfer.
        self.steps = steps
        self.transfers = transfers
        self.syncs = syncs
        self.syncIdx = index.id(ParameterKey.sync(rtClass))
        self.fixedIdx = index.id(ParameterKey.fixed(rtClass))
        let mainUnit = device.units[main]
        self.dataflow = mainUnit.dataflow
        if mainUnit.weightOverflow == .contexts, let cap = mainUnit.weightMemory, let l = linkOf(main) {
            let mainLayers = Double(steps.filter { $0.unit == main && $0.overheadIdx >= 0 }.count)
            contexts = Contexts(weightBytes: weightsOnUnit[main], layers: mainLayers,
                                tops: (mainUnit.peak.values.map(\.value).max() ?? 1) / 1e12,
                                slotsIdx: index.id(ParameterKey.slots(mainUnit.unitClass), unitKind: mainUnit.kind, unitClass: mainUnit.unitClass),
                                capacity: cap.value,
                                cacheIdx: index.id(ParameterKey.cache(mainUnit.unitClass), unitKind: mainUnit.kind, unitClass: mainUnit.unitClass),
                                ctxIdx: index.id(ParameterKey.context(mainUnit.unitClass), unitKind: mainUnit.kind, unitClass: mainUnit.unitClass),
                                linkBandwidth: l.bandwidth.value, linkIdx: index.id(ParameterKey.link(l.id)))
            // Multi-context weights are loaded per batch, not streamed per layer.
            for k in steps.indices where steps[k].unit == main { self.steps[k].capacity = .infinity }
        } else {
            contexts = nil
        }
    }
}

extension Plan.Contexts {
    /// How many contexts the compiler needs: enough for the weights to fit on-chip memory and for
    /// the layers to fit the array's layer slots (each layer of a dataflow design occupies its own
    /// compute resources).
    func demand(_ values: [Double]) -> Double {
        max(weightBytes / (capacity * values[cacheIdx]), layers / (values[slotsIdx] * tops))
    }

    func count(_ values: [Double]) -> Int { max(1, Int(demand(values).rounded(.up))) }

    /// Time per batch spent switching contexts and reloading their weights over the link.
    ///
    /// A compiled network has a whole number of contexts, but the fit needs a cost that moves with
    /// the parameters: the step at one context is smoothed over ±2 % of demand (logistic), and the
    /// number of switches is the demand rounded up to at least two once there is more than one.
    func switchCost(_ values: [Double]) -> Double {
        let x = demand(values)
        let step = 1 / (1 + exp(-(x - 1) / 0.02))
        guard step > 1e-6 else { return 0 }
        let switches = max(2, x.rounded(.up))
        return step * (switches * values[ctxIdx] + weightBytes / (linkBandwidth * values[linkIdx]))
    }
}

extension Plan {
    /// Accelerators (NPU, TPU, DLA, DSP, VPU) load the next layer's weights by DMA while the current
    /// layer computes; CPUs, GPUs and microcontrollers run layer after layer.
    static func prefetches(_ kind: UnitKind) -> Bool {
        switch kind {
        case .npu, .tpu, .dla, .dsp, .vpu: return true
        case .cpu, .gpu, .mcu: return false
        }
    }

    /// Activation bytes that travel to device memory when `bytes` pass through a unit with `local`
    /// bytes of cache: nothing while they fit, the excess beyond.
    static func spilled(_ bytes: Double, local: Double) -> Double {
        max(0, bytes - local)
    }
}

/// Times of one batch through a plan.
public struct PlanTiming: Sendable {
    /// End-to-end time of one batch (one inference at batch 1).
    public var latency: Double
    /// Time the bottleneck resource is occupied per batch; throughput is `batch / busy` when other
    /// streams (or, on dataflow units, other frames in the pipeline) fill the rest.
    public var busy: Double
    /// Per step: (compute time, memory time, overhead) in seconds, when requested.
    public var steps: [(compute: Double, memory: Double, overhead: Double)]
    public var fixed: Double
    public var transfer: Double
    public var sync: Double
    public var contextSwitch: Double
}

extension Plan {
    /// Evaluates the plan with parameter `values` at a clock scale (DVFS state).
    ///
    /// Per layer: `max(flops / (peak·clock·η), weight bytes / weight-path rate + activation bytes /
    /// memory rate) + overhead / clock`, with η = min(1, eff · kind · runtime). On accelerators that
    /// prefetch, weight loading overlaps the previous layer's spare compute time (double buffering).
    /// Then fixed overhead, link transfers, synchronisations and multi-context loads are added.
    /// - Complexity: O(layers).
    public func evaluate(_ values: [Double], clock: Double = 1, detail: Bool = false) -> PlanTiming {
        var total = 0.0
        var mainBusy = 0.0
        var otherBusy = 0.0
        var rows: [(compute: Double, memory: Double, overhead: Double)] = []
        if detail { rows.reserveCapacity(steps.count) }
        var slack = 0.0
        var slackUnit = -1
        for s in steps {
            var eta = values[s.effIdx]
            if s.kindIdx >= 0 { eta *= values[s.kindIdx] }
            if s.rtIdx >= 0 { eta *= values[s.rtIdx] }
            eta = min(1, eta)
            let compute = s.flops / (s.peak * clock * eta)
            var memory = s.activationBytes / (s.memoryBandwidth * values[s.bwIdx])
            var weightTime = 0.0
            if s.weightBytes > 0 {
                switch s.weightPath {
                case .memory:
                    weightTime = s.weightBytes / (s.memoryBandwidth * values[s.bwIdx])
                case .onChip:
                    let usable = s.capacity.isInfinite ? .infinity : s.capacity * values[s.cacheIdx]
                    let cached = max(0, min(s.weightBytes, usable - s.weightsBefore))
                    let streamed = s.weightBytes - cached
                    if streamed > 0, s.linkIdx >= 0 {
                        weightTime = streamed / (s.linkBandwidth * values[s.linkIdx])
                    }
                }
            }
            if s.prefetch, slackUnit == s.unit {
                let hidden = min(weightTime, slack)
                weightTime -= hidden
            }
            memory += weightTime
            slack = s.prefetch ? max(0, compute - memory) : 0
            slackUnit = s.unit
            let overhead = s.overheadIdx >= 0 ? values[s.overheadIdx] / clock : 0
            let t = max(compute, memory) + overhead
            total += t
            if s.isMain { mainBusy += dataflow ? max(compute, memory) : t } else { otherBusy += t }
            if detail { rows.append((compute, memory, overhead)) }
        }
        var transfer = 0.0, transferFixed = 0.0
        for t in transfers {
            transfer += t.latency + t.bytes / (t.bandwidth * values[t.linkIdx])
            transferFixed += t.latency
        }
        let sync = Double(syncs) * values[syncIdx]
        var ctx = 0.0
        if let c = contexts { ctx = c.switchCost(values) }
        let fixed = values[fixedIdx]
        let latency = total + fixed + transfer + sync + ctx
        let busy: Double
        if dataflow {
            // Pipelined: the accelerator, the host part and the link each limit throughput on their own.
            busy = max(mainBusy + ctx, otherBusy, transfer - transferFixed)
        } else {
            busy = latency - fixed - transferFixed
        }
        return PlanTiming(latency: latency, busy: busy, steps: rows, fixed: fixed, transfer: transfer, sync: sync, contextSwitch: ctx)
    }
}
