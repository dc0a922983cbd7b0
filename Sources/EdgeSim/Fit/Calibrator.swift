import EdgeIR
import EdgeZoo
import Foundation

/// Fits the simulator's physical parameters to the published measurements and reports how well the
/// fitted simulator predicts them, in sample and cross-validated.
public struct Calibrator: Sendable {
    struct Prepared: Sendable {
        var plan: Plan
        var clock: Double
        var family: String
        var used: [Int]
    }

    public let cases: [CalibrationCase]
    let prepared: [Prepared]
    public let index: ParameterIndex

    /// Builds a plan for every row: the row's model (from the catalog), device, runtime and precision.
    /// - Throws: ``SimError/calibration(_:)`` naming the row when a model, device or runtime is missing.
    public init(cases: [CalibrationCase], catalog: DeviceCatalog) throws {
        var index = ParameterIndex()
        var workloads: [String: Workload] = [:]
        var prepared: [Prepared] = []
        for c in cases {
            guard let device = catalog.device(c.deviceID) else { throw SimError.calibration("row \(c.id): unknown device '\(c.deviceID)'") }
            guard let runtime = device.runtime(c.runtimeID) else {
                throw SimError.calibration("row \(c.id): device '\(c.deviceID)' has no runtime '\(c.runtimeID)'")
            }
            let w: Workload
            if let cached = workloads[c.modelRef] {
                w = cached
            } else {
                do {
                    let m = try Zoo.model(c.modelRef)
                    w = try Workload(graph: m.graph, name: c.modelRef)
                } catch {
                    throw SimError.calibration("row \(c.id): model \(c.modelRef): \(error)")
                }
                workloads[c.modelRef] = w
            }
            var deployed = try w.batched(c.batch)
            if c.postprocess { deployed = deployed.appendingDetectionPostProcess() }
            let plan = try Plan(workload: deployed, device: device, runtime: runtime, precision: c.precision,
                                parameters: &index)
            var clock = 1.0
            if let s = c.powerState {
                guard let st = device.dvfs.first(where: { $0.name == s }) else {
                    throw SimError.calibration("row \(c.id): device '\(c.deviceID)' has no power state '\(s)'")
                }
                clock = st.clockScale
            }
            prepared.append(Prepared(plan: plan, clock: clock, family: device.family, used: plan.parameterIndices))
        }
        self.cases = cases
        self.prepared = prepared
        self.index = index
    }

    /// The prediction for row `i` in the row's own unit (s, 1/s, tokens/s).
    public func predict(_ i: Int, _ values: [Double]) -> Double {
        let p = prepared[i]
        let t = p.plan.evaluate(values, clock: p.clock)
        let c = cases[i]
        switch c.metric {
        case .latency: return t.latency
        case .throughput: return Double(c.batch) / (p.plan.dataflow ? t.busy : t.latency)
        case .decode: return 1 / t.latency
        case .prefill: return Double(c.tokens) / t.latency
        }
    }

    var fitter: LogSpaceFitter {
        LogSpaceFitter(rows: cases.indices.map { LogSpaceFitter.Row(observed: cases[$0].value, weight: cases[$0].weight, used: prepared[$0].used) },
                       priors: index.priors(), couplings: index.couplings, predict: { [self] i, v in self.predict(i, v) })
    }

    /// Prior centres for every parameter (the starting point of a fit).
    public var priorValues: [Double] { index.priors().map(\.center) }

    /// Fits on `rows` (default: all), starting from `start` (default: prior centres).
    public func fit(rows: [Int]? = nil, start: [Double]? = nil, maxIterations: Int = 200) -> [Double] {
        fitter.fit(rowSubset: rows ?? Array(cases.indices), start: start ?? priorValues, maxIterations: maxIterations)
    }

    public func family(of i: Int) -> String { prepared[i].family }

    /// Cross-validated predictions: each fold is fitted without its rows (warm-started from `full`)
    /// and predicts them. `folds` = nil is leave-one-out.
    public func crossValidate(full: [Double], folds: Int? = nil, seed: UInt64 = 1, maxIterations: Int = 60) -> [Double] {
        let n = cases.count
        var assignment = Array(0..<n)
        if let k = folds {
            // Deterministic shuffle (SplitMix64) then round-robin into k folds.
            var state = seed
            func next() -> UInt64 {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return z ^ (z >> 31)
            }
            var order = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, Int(next() % UInt64(i + 1))) }
            for (pos, row) in order.enumerated() { assignment[row] = pos % k }
        }
        let foldIDs = Set(assignment).sorted()
        var out = [Double](repeating: 0, count: n)
        let f = fitter
        for fold in foldIDs {
            let held = (0..<n).filter { assignment[$0] == fold }
            let train = (0..<n).filter { assignment[$0] != fold }
            // Parameters only the held-out rows inform fall back to their prior, as for an unseen device.
            var start = full
            let trainUsed = Set(train.flatMap { prepared[$0].used })
            let priors = index.priors()
            for r in held { for p in prepared[r].used where !trainUsed.contains(p) { start[p] = priors[p].center } }
            let theta = f.fit(rowSubset: train, start: start, maxIterations: maxIterations)
            for r in held { out[r] = predict(r, theta) }
        }
        return out
    }

    /// Leave-one-group-out: rows sharing a model reference (without query) are held out together.
    public func crossValidateByModel(full: [Double], maxIterations: Int = 60) -> [Double] {
        var groups: [String: [Int]] = [:]
        for (i, c) in cases.enumerated() {
            let base = String(c.modelRef.split(separator: "?").first ?? Substring(c.modelRef))
            groups[base, default: []].append(i)
        }
        var out = [Double](repeating: 0, count: cases.count)
        let f = fitter
        let priors = index.priors()
        for (_, held) in groups.sorted(by: { $0.key < $1.key }) {
            let heldSet = Set(held)
            let train = cases.indices.filter { !heldSet.contains($0) }
            var start = full
            let trainUsed = Set(train.flatMap { prepared[$0].used })
            for r in held { for p in prepared[r].used where !trainUsed.contains(p) { start[p] = priors[p].center } }
            let theta = f.fit(rowSubset: train, start: start, maxIterations: maxIterations)
            for r in held { out[r] = predict(r, theta) }
        }
        return out
    }
}

extension Plan {
    /// Every parameter index this plan's evaluation reads.
    var parameterIndices: [Int] {
        var s = Set<Int>()
        for st in steps {
            s.insert(st.effIdx)
            if st.kindIdx >= 0 { s.insert(st.kindIdx) }
            if st.rtIdx >= 0 { s.insert(st.rtIdx) }
            if st.activationBytes > 0 || (st.weightBytes > 0 && st.weightPath == .memory) { s.insert(st.bwIdx) }
            if st.weightPath == .onChip, st.weightBytes > 0, !st.capacity.isInfinite {
                s.insert(st.cacheIdx)
                if st.linkIdx >= 0 { s.insert(st.linkIdx) }
            }
            if st.overheadIdx >= 0 { s.insert(st.overheadIdx) }
        }
        for t in transfers { s.insert(t.linkIdx) }
        if syncs > 0 { s.insert(syncIdx) }
        s.insert(fixedIdx)
        if let c = contexts { s.formUnion([c.cacheIdx, c.ctxIdx, c.linkIdx, c.slotsIdx]) }
        return s.sorted()
    }
}
