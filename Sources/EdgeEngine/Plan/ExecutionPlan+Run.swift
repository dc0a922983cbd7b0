import EdgeIR
#if canImport(Glibc)
import Glibc
#endif

/// Per-step wall time of runs, for `edgewise bench`'s table of the slowest layers.
public final class StepProfile {
    /// Nanoseconds per step, summed over the profiled runs.
    public private(set) var nanoseconds: [UInt64]
    public private(set) var runs = 0

    public init(steps: Int) { nanoseconds = Array(repeating: 0, count: steps) }

    func add(_ step: Int, _ ns: UInt64) { nanoseconds[step] &+= ns }
    func finishRun() { runs += 1 }
}

@inline(__always) func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

extension ExecutionPlan {
    /// The plan a run with `feeds` executes, and the feeds it takes: the plan specialised for the
    /// feeds' scalar control inputs (``InputSpecialiser``) without those inputs, or this plan and
    /// `feeds`. Profile that plan's steps (a profiled ``run(_:profile:)`` stays on the plan it is called on).
    public func executing(_ feeds: [String: HostTensor]) -> (plan: ExecutionPlan, feeds: [String: HostTensor]) {
        guard let s = specialiser, inputs.allSatisfy({ i in feeds[i.name].map { (try? check($0, against: i)) != nil } == true }),
              let plan = s.plan(for: feeds) else { return (self, feeds) }
        return (plan, feeds.filter { !s.names.contains($0.key) })
    }

    /// Runs the plan once.
    ///
    /// - Parameter profile: if given, each step's wall time is added to it.
    /// - Throws: ``EngineError`` for missing, extra or mismatched inputs (checked before any work), or a
    ///   kernel's runtime error naming its node.
    public func run(_ feeds: [String: HostTensor], profile: StepProfile? = nil) throws -> [String: HostTensor] {
        for name in feeds.keys where !inputs.contains(where: { $0.name == name }) {
            throw EngineError.unexpectedInput(name)
        }
        for i in inputs {
            guard let t = feeds[i.name] else { throw EngineError.missingInput(i.name) }
            try check(t, against: i)
        }
        // A profile is per step of this plan, so profiled runs stay on it.
        if profile == nil, let s = specialiser, let plan = s.plan(for: feeds) {
            return try plan.run(feeds.filter { !s.names.contains($0.key) })
        }
        var slots = [HostTensor?](repeating: nil, count: slotCount)
        for i in inputs {
            guard let t = feeds[i.name] else { throw EngineError.missingInput(i.name) }
            switch inputSources[i.name] {
            case .arena(let o, _)?: if t.byteCount > 0 { (arena.pointer + o).copyMemory(from: t.storage.pointer, byteCount: t.byteCount) }
            case .slot(let s)?: slots[s] = t
            default: break
            }
        }
        // With several threads, the plan decides per run whether its kernels may split (ThreadingChooser);
        // a plan run inside another plan's run (an If branch) keeps the outer run's mode.
        if let t = threading, IntraOp.currentMode == .unset {
            try t.measure(clock: monotonicNanoseconds) { split in
                try IntraOp.withMode(split ? .split : .single) { try runSteps(&slots, profile: profile) }
            }
        } else {
            try runSteps(&slots, profile: profile)
        }
        profile?.finishRun()
        var result: [String: HostTensor] = [:]
        for (name, s) in zip(outputNames, outputSources) {
            switch s {
            case .arena(let o, let t):
                let out = HostTensor(dtype: t.dtype, shape: t.shape.values ?? [])
                if out.byteCount > 0 { out.storage.pointer.copyMemory(from: arena.pointer + o, byteCount: out.byteCount) }
                result[name] = out
            case .constant(let c): result[name] = HostTensor(copying: c.ref)
            case .slot(let k):
                guard let t = slots[k] else { throw EngineError.runtime(node: name, detail: "output was not produced") }
                result[name] = t
            case .absent: break
            }
        }
        return result
    }

    /// Runs every step once, adding step times to `profile`.
    private func runSteps(_ slots: inout [HostTensor?], profile: StepProfile?) throws {
        // By index, not `for step in steps`: copying a Step (its Node and arrays) retained a dozen
        // references per step, about 1 % of a small int8 model's run.
        for index in steps.indices {
            let start = profile == nil ? 0 : monotonicNanoseconds()
            do {
                if let kernel = steps[index].kernel {
                    try kernel.run(inputs: steps[index].ins, outputs: steps[index].outs)
                } else if let d = steps[index].dynamic {
                    try runDynamic(steps[index], d, &slots)
                }
            } catch let e as KernelFailure {
                throw EngineError.runtime(node: steps[index].node.name, detail: e.message)
            } catch EngineError.runtime(let node, let detail) where node == "?" {
                throw EngineError.runtime(node: steps[index].node.name, detail: detail)
            }
            for s in steps[index].release { slots[s] = nil }
            if let p = profile { p.add(index, monotonicNanoseconds() &- start) }
        }
    }

    func check(_ t: HostTensor, against i: ValueInfo) throws {
        let expected = i.type.shape
        let shapeOK = expected.rank == t.shape.count && zip(expected.dims, t.shape).allSatisfy { d, v in d.value == nil || d.value == v }
        guard t.dtype == i.type.dtype, shapeOK else {
            let e = expected.values.map { "\($0)" } ?? expected.description
            throw EngineError.inputMismatch(name: i.name, expected: "\(i.type.dtype.rawValue)\(e)", got: "\(t.dtype.rawValue)\(t.shape)")
        }
    }

    private func runDynamic(_ step: Step, _ d: DynamicNode, _ slots: inout [HostTensor?]) throws {
        var ins: [TensorRef] = []
        ins.reserveCapacity(step.inputs.count)
        for s in step.inputs {
            switch s {
            case .arena(let o, let t): ins.append(TensorRef(dtype: t.dtype, shape: t.shape.values ?? [], data: arena.pointer + o))
            case .constant(let c): ins.append(c.ref)
            case .slot(let k):
                guard let t = slots[k] else { throw EngineError.runtime(node: step.node.name, detail: "an input was not produced") }
                ins.append(t.ref)
            case .absent: ins.append(ExecutionPlan.absentRef)
            }
        }
        let results = try withExtendedLifetime(slots) { try d.run(ins) }
        for (k, s) in step.outputs.enumerated() where k < results.count {
            switch s {
            case .arena(let o, let t):
                let r = results[k]
                guard r.shape == t.shape.values, r.dtype == t.dtype else {
                    throw EngineError.runtime(node: step.node.name, detail: "output \(k) is \(r.dtype.rawValue)\(r.shape), the plan expected \(t)")
                }
                if r.byteCount > 0 { (arena.pointer + o).copyMemory(from: r.storage.pointer, byteCount: r.byteCount) }
            case .slot(let i): slots[i] = results[k]
            case .constant, .absent: break
            }
        }
    }
}
