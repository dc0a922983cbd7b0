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
        // Each distinct op is checked once; per layer only views and size limits differ.
        // CPUs and microcontrollers run any precision (emulated on their widest datapath).
        var precisionProblem: String?
        if unit.datapath(for: precision.compute) == nil, unit.kind != .cpu, unit.kind != .mcu {
            let have = unit.peak.keys.sorted().map(\.rawValue).joined(separator: "/")
            precisionProblem = "\(unitLabel) has no \(precision.compute.rawValue) datapath (runs \(have))"
        }
        let opProblems: [String?] = workload.supportOps.map { op in
            unit.ops.supports(op) ? precisionProblem : "\(unitLabel) does not support \(op)"
        }
        var decisions = [Decision](repeating: Decision(unit: main, reason: ""), count: workload.layers.count)
        var problems = [String?](repeating: nil, count: workload.layers.count)
        workload.layers.withUnsafeBufferPointer { layers in
            for i in layers.indices where layers[i].kind != .view {
                problems[i] = opProblems[layers[i].supportOpID]
                if problems[i] == nil, !unit.opLimits.isEmpty, let limit = unit.opLimits[layers[i].op], layers[i].outputElements > limit {
                    problems[i] = "\(unitLabel) leaves \(layers[i].op) with \(Int(layers[i].outputElements)) outputs to the CPU (limit \(Int(limit)))"
                }
            }
        }
        guard let firstBad = problems.firstIndex(where: { $0 != nil }) else {
            return Placement(decisions: decisions, mainUnit: main, fallbackUnit: fallback)
        }
        guard let fb = fallback else {
            let l = workload.layers[firstBad]
            throw SimError.unsupportedModel("\(device.id): layer '\(l.name)' cannot run: \(problems[firstBad]!), and runtime '\(runtime.id)' has no fallback unit")
        }
        let fbLabel = device.units[fb].name.isEmpty ? device.units[fb].id : device.units[fb].name
        switch runtime.partition {
        case .perLayer:
            for (i, p) in problems.enumerated() where p != nil {
                decisions[i] = Decision(unit: fb, reason: "\(p!); falls back to \(fbLabel)")
            }
        case .firstUnsupported:
            let cutName = workload.layers[firstBad].name
            for i in firstBad..<decisions.count {
                if let p = problems[i] {
                    decisions[i] = Decision(unit: fb, reason: i == firstBad ? "\(p); graph cut here, rest on \(fbLabel)" : "\(p); on \(fbLabel)")
                } else {
                    decisions[i] = Decision(unit: fb, reason: "after the first unsupported op ('\(cutName)'); \(runtime.partition.rawValue) rule")
                }
            }
        case .wholeGraph:
            for i in decisions.indices {
                decisions[i] = Decision(unit: fb, reason: problems[i] ?? "whole graph on \(fbLabel): '\(workload.layers[firstBad].name)' is unsupported")
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
