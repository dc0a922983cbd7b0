import EdgeEngine
import EdgeIR
import Foundation

/// Layer-by-layer differences between two models of the same network (say fp32 and its int8 export):
/// op type, output shape, parameters and their stored type, MACs, and how far each layer's output in B
/// is from the same-named output in A on the same inputs.
///
/// Layers are matched by node name (what every Edgewise transformation keeps); nodes only in one model
/// (the `DequantizeLinear` a QDQ export adds) are listed with the other side empty. A quantized weight
/// read through a `DequantizeLinear` counts as the consuming layer's parameters, in its stored type.
public struct ModelDiff: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var layer: String
        public var opA: String?
        public var opB: String?
        public var shapeA: [Int]?
        public var shapeB: [Int]?
        public var paramsA: Int?
        public var paramsB: Int?
        /// Stored element type of the layer's weight (input 1), if it has one.
        public var weightTypeA: String?
        public var weightTypeB: String?
        public var macsA: Int?
        public var macsB: Int?
        /// SQNR (dB) of B's output 0 against A's over all inputs; nil when not comparable (absent,
        /// not float, different sizes); +∞ when identical.
        public var outputSQNR: Double?

        /// Whether anything but the numbers differs, or the numbers differ.
        public var differs: Bool {
            opA != opB || shapeA != shapeB || paramsA != paramsB || weightTypeA != weightTypeB || macsA != macsB
                || (outputSQNR.map { $0 != .infinity } ?? false)
        }
    }

    public var rows: [Row]
    public var evaluationInputs: Int
    /// SQNR of the models' own outputs (B against A), all float outputs together.
    public var outputSQNR: Double
    public var top1Agreement: Double?

    /// - Parameter evaluation: feeds that fit both models' inputs.
    /// - Throws: ``OptimizeError`` when the feeds do not fit a model; engine errors.
    public static func compare(_ a: Model, _ b: Model, evaluation: [[String: HostTensor]]) throws -> ModelDiff {
        try StaticQuantizer.checkCalibration(a.graph, evaluation)
        try StaticQuantizer.checkCalibration(b.graph, evaluation)
        let bindings = symbolBindings(a.graph, evaluation.first ?? [:])
        let infoA = layerInfo(a.graph, bindings: bindings), infoB = layerInfo(b.graph, bindings: bindings)
        // Values to compare: output 0 of every node whose name is in both, float32 in both.
        var common: [String] = []
        let nodesB = Dictionary(b.graph.nodes.map { ($0.name, $0) }, uniquingKeysWith: { x, _ in x })
        for n in a.graph.nodes {
            guard let m = nodesB[n.name], let o = n.outputs.first, !o.isEmpty, m.outputs.first == o,
                  a.graph.valueTypes[o]?.dtype == .float32, b.graph.valueTypes[o]?.dtype == .float32 else { continue }
            common.append(o)
        }
        let opsetA = PipelineRunner.opset(of: a), opsetB = PipelineRunner.opset(of: b)
        let outsA = try run(a.graph, exposing: common, evaluation, opset: opsetA)
        let outsB = try run(b.graph, exposing: common, evaluation, opset: opsetB)
        var energy: [String: (Double, Double)] = [:]
        for (ra, rb) in zip(outsA, outsB) {
            for v in common {
                guard let x = ra[v], let y = rb[v], x.dtype == .float32, y.dtype == .float32, x.elementCount == y.elementCount else { continue }
                let e = ErrorMetrics.energies(reference: x.floats(), test: y.floats())
                energy[v, default: (0, 0)].0 += e.signal
                energy[v, default: (0, 0)].1 += e.noise
            }
        }
        func db(_ e: (Double, Double)?) -> Double? {
            guard let (s, n) = e else { return nil }
            return n == 0 ? .infinity : s == 0 ? -.infinity : 10 * Foundation.log10(s / n)
        }
        var rows: [Row] = []
        var seen = Set<String>()
        for n in a.graph.nodes + b.graph.nodes where !seen.contains(n.name) {
            seen.insert(n.name)
            let x = infoA[n.name], y = infoB[n.name]
            let out = a.graph.nodes.first { $0.name == n.name }?.outputs.first
            rows.append(Row(layer: n.name, opA: x?.op, opB: y?.op, shapeA: x?.shape, shapeB: y?.shape, paramsA: x?.params, paramsB: y?.params,
                            weightTypeA: x?.weightType, weightTypeB: y?.weightType, macsA: x?.macs, macsB: y?.macs,
                            outputSQNR: out.flatMap { db(energy[$0]) }))
        }
        let names = a.graph.outputs.map(\.name)
        let (sqnr, top1) = PipelineRunner.compare(outsA, outsB, names: names)
        return ModelDiff(rows: rows, evaluationInputs: evaluation.count, outputSQNR: sqnr, top1Agreement: top1)
    }

    struct Info {
        var op: String
        var shape: [Int]?
        var params: Int
        var weightType: String?
        var macs: Int?
    }

    /// Symbolic input dimensions bound to the sizes of a feed.
    static func symbolBindings(_ g: Graph, _ feed: [String: HostTensor]) -> [String: Int] {
        var b: [String: Int] = [:]
        for input in g.inputs {
            guard let t = feed[input.name] else { continue }
            for (d, v) in zip(input.type.shape.dims, t.shape) { if case .symbol(let s) = d { b[s] = v } }
        }
        return b
    }

    static func layerInfo(_ g: Graph, bindings: [String: Int]) -> [String: Info] {
        let macs = (try? g.costReport(bindings: bindings, unresolvedShapes: .skipArithmetic))
            .map { Dictionary($0.nodes.map { ($0.name, $0.cost.macs) }, uniquingKeysWith: { x, _ in x }) } ?? [:]
        let producers = g.producers
        var out: [String: Info] = [:]
        for n in g.nodes {
            var params = 0
            var weightType: String?
            let dq = n.op.rawValue == "DequantizeLinear"
            for (k, v) in n.inputs.enumerated() where !v.isEmpty && (!dq || k == 0) {
                // A float constant, or a constant read through DequantizeLinear / Cast (a weight stored
                // quantized or in half precision); integer constants (shapes, indices) are not parameters.
                var t = g.constants[v].flatMap { $0.dtype.isFloatingPoint || dq ? $0 : nil }
                if t == nil, !dq, let p = producers[v], ["DequantizeLinear", "Cast"].contains(g.nodes[p].op.rawValue),
                   let src = g.nodes[p].input(0) {
                    t = g.constants[src]
                }
                guard let t else { continue }
                params += t.shape.elementCount ?? 0
                if k == 1 || dq { weightType = t.dtype.rawValue }
            }
            let shape = n.outputs.first.flatMap { g.valueTypes[$0]?.shape.dims }.map { dims in
                dims.map { d -> Int in
                    if let v = d.value { return v }
                    if case .symbol(let s) = d { return bindings[s] ?? -1 }
                    return -1
                }
            }
            out[n.name] = Info(op: n.op.rawValue, shape: shape, params: params, weightType: weightType, macs: macs[n.name])
        }
        return out
    }

    static func run(_ graph: Graph, exposing values: [String], _ feeds: [[String: HostTensor]], opset: Int) throws -> [[String: HostTensor]] {
        var probe = graph
        for v in values where !probe.outputs.contains(where: { $0.name == v }) {
            guard let t = graph.valueTypes[v] else { continue }
            probe.outputs.append(ValueInfo(name: v, type: t))
        }
        return try feeds.map { try ExecutionPlan(graph: probe, inputShapes: $0.mapValues(\.shape), opset: opset).run($0) }
    }
}
