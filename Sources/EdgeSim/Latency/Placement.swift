import EdgeIR

/// Where each layer runs and why: the fallback map.
///
/// The runtime names a main unit and a fallback unit; a layer runs on the main unit when the unit
/// supports its op and has a datapath for the precision. What happens to the others follows the
/// vendor compiler's rule (``PartitionRule``).
public struct Placement: Sendable {
    public struct Decision: Sendable, Hashable {
        /// Index into the device's units.
        public var unit: Int
        /// Why the layer is there (empty when it simply runs on the main unit).
        public var reason: String
    }

    public var decisions: [Decision]
    public var mainUnit: Int
    public var fallbackUnit: Int?

    /// Places every layer of `workload` for `runtime` on `device` at `precision`.
    /// - Throws: ``SimError/unsupportedModel(_:)`` when a layer can run nowhere (no fallback unit).
    public static func place(_ workload: Workload, device: Device, runtime: Runtime, precision: Precision) throws -> Placement {
        guard let main = device.units.firstIndex(where: { $0.id == runtime.unit }) else {
            throw SimError.unsupportedModel("runtime '\(runtime.id)' names no unit of '\(device.id)'")
        }
        let fallback = runtime.fallback.flatMap { f in device.units.firstIndex { $0.id == f } }
        let unit = device.units[main]
        let unitLabel = unit.name.isEmpty ? unit.id : unit.name
        // Each distinct op is checked once (``Workload/supportOps``); per layer only views and size
        // limits differ. The order of the checks — op, size limit, precision — decides the reason shown.
        // Problems are numbered (texts kept once) so that the reasons, which repeat across layers, are
        // built once per distinct problem rather than once per layer: this runs for every device on
        // every keypress.
        var texts: [String] = []
        // CPUs and microcontrollers run any precision (emulated on their widest datapath).
        var precisionProblem = -1
        if unit.datapath(for: precision.compute) == nil, unit.kind != .cpu, unit.kind != .mcu {
            let have = unit.peak.keys.sorted().map(\.rawValue).joined(separator: "/")
            precisionProblem = texts.count
            texts.append("\(unitLabel) has no \(precision.compute.rawValue) datapath (runs \(have))")
        }
        let opProblems: [Int] = workload.supportOps.map { op in
            if unit.ops.supports(op) { return -1 }
            texts.append("\(unitLabel) does not support \(op)")
            return texts.count - 1
        }
        var problems = [Int](repeating: -1, count: workload.layers.count)
        workload.layers.withUnsafeBufferPointer { layers in
            for i in layers.indices where layers[i].kind != .view {
                let id = layers[i].supportOpID
                if id >= 0, id < opProblems.count {
                    problems[i] = opProblems[id]
                } else if case let op = layers[i].supportOp, !unit.ops.supports(op) {
                    // A layer appended without registering its op: ask the unit directly.
                    problems[i] = texts.count
                    texts.append("\(unitLabel) does not support \(op)")
                }
                if problems[i] < 0, !unit.opLimits.isEmpty, let limit = unit.opLimits[layers[i].op], layers[i].outputElements > limit {
                    problems[i] = texts.count
                    texts.append("\(unitLabel) leaves \(layers[i].op) with \(Int(layers[i].outputElements)) outputs to the CPU (limit \(Int(limit)))")
                }
                if problems[i] < 0 { problems[i] = precisionProblem }
            }
        }
        var decisions = [Decision](repeating: Decision(unit: main, reason: ""), count: workload.layers.count)
        guard let firstBad = problems.firstIndex(where: { $0 >= 0 }) else {
            return Placement(decisions: decisions, mainUnit: main, fallbackUnit: fallback)
        }
        guard let fb = fallback else {
            let l = workload.layers[firstBad]
            throw SimError.unsupportedModel("\(device.id): layer '\(l.name)' cannot run: \(texts[problems[firstBad]]), and runtime '\(runtime.id)' has no fallback unit")
        }
        let fbLabel = device.units[fb].name.isEmpty ? device.units[fb].id : device.units[fb].name
        // One reason per distinct problem, built on first use.
        var cache = [String?](repeating: nil, count: texts.count)
        func reason(_ k: Int, _ suffix: String) -> String {
            if let r = cache[k] { return r }
            let r = texts[k] + suffix
            cache[k] = r
            return r
        }
        switch runtime.partition {
        case .perLayer:
            let suffix = "; falls back to \(fbLabel)"
            for i in problems.indices where problems[i] >= 0 {
                decisions[i] = Decision(unit: fb, reason: reason(problems[i], suffix))
            }
        case .firstUnsupported:
            let after = "after the first unsupported op ('\(workload.layers[firstBad].name)'); \(runtime.partition.rawValue) rule"
            let suffix = "; on \(fbLabel)"
            decisions[firstBad] = Decision(unit: fb, reason: texts[problems[firstBad]] + "; graph cut here, rest on \(fbLabel)")
            for i in (firstBad + 1)..<decisions.count {
                decisions[i] = Decision(unit: fb, reason: problems[i] >= 0 ? reason(problems[i], suffix) : after)
            }
        case .wholeGraph:
            let whole = "whole graph on \(fbLabel): '\(workload.layers[firstBad].name)' is unsupported"
            for i in decisions.indices {
                decisions[i] = Decision(unit: fb, reason: problems[i] >= 0 ? texts[problems[i]] : whole)
            }
        }
        return Placement(decisions: decisions, mainUnit: main, fallbackUnit: fallback)
    }

    /// Layers per unit index.
    public func counts() -> [Int: Int] {
        var c: [Int: Int] = [:]
        for d in decisions { c[d.unit, default: 0] += 1 }
        return c
    }
}
