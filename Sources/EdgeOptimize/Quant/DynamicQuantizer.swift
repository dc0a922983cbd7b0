import EdgeIR

/// Dynamic int8 quantization of MatMul and Gemm: weights stored as int8, activations quantized at run
/// time from their own range, products accumulated in int32.
///
/// Each MatMul `A · W` with a constant 2-D float weight becomes onnxruntime's `quantize_dynamic` form:
///
///     A ─ DynamicQuantizeLinear ─┬─ A_q (uint8) ─┐
///                                ├─ A_zp ────────┤
///                                └─ A_scale ─┐   MatMulInteger(A_q, W_q, A_zp, W_zp) ─ Cast(float) ─┐
///                       W_scale ─ Mul ───────┴──────────────────────────────────────────────────── Mul ─ Y
///
/// `W_q` is symmetric int8 on −127…127 (zero point 0), per tensor or per output column (the last axis),
/// with onnxruntime's scale arithmetic (``AffineQuantizer``). A Gemm (`transA = 0`) is handled the same way
/// with `W = B` or `Bᵀ`, then `α` and `β·C` applied in float (onnxruntime's `quantize_dynamic` leaves Gemm
/// in float; Edgewise quantizes it too, since it is the same product). The graph keeps every other node
/// as it is; the input graph is not modified.
public enum DynamicQuantizer {
    public struct Layer: Sendable, Equatable, Codable {
        public var node: String
        public var op: String
        public var k: Int
        public var n: Int
        /// SQNR of the weight itself, dB.
        public var weightSQNR: Double
    }

    public struct Report: Sendable, Equatable, Codable {
        public var layers: [Layer] = []
        public var skipped: [LowRankFactorizer.Skip] = []
    }

    /// - Parameters:
    ///   - perChannel: one scale per output column instead of one per tensor.
    ///   - exclude: node names or op types left in float.
    /// - Throws: ``OptimizeError`` for a weight with NaN or infinity (before any change), or when no
    ///   MatMul/Gemm weight can be quantized.
    public static func quantize(_ graph: Graph, perChannel: Bool = false, exclude: [String] = []) throws -> (Graph, Report) {
        var report = Report()
        var readers: [String: Int] = [:]
        for n in graph.nodes { for i in n.inputs { readers[i, default: 0] += 1 } }
        var plans: [(index: Int, node: Node, w: [Float], k: Int, n: Int)] = []
        for (index, node) in graph.nodes.enumerated() where node.op == .matMul || node.op == .gemm {
            func skip(_ r: String) { report.skipped.append(LowRankFactorizer.Skip(node: node.name, reason: r)) }
            if exclude.contains(node.name) || exclude.contains(node.op.rawValue) { skip("excluded"); continue }
            guard let wName = node.input(1), let t = graph.constants[wName], let dims = t.shape.values, dims.count == 2 else {
                skip("weight is not a constant 2-D tensor"); continue
            }
            guard t.dtype == .float32, t.quantization == nil, t.storage.isPresent else { skip("weight stored as \(t.dtype.rawValue)"); continue }
            guard readers[wName, default: 0] == 1 else { skip("weight shared by several nodes"); continue }
            if node.op == .gemm && node.int("transA", default: 0) != 0 { skip("Gemm with transA"); continue }
            var w = WeightValues.floats(t)
            guard w.count == dims[0] * dims[1] else { throw OptimizeError.badTensor(name: wName, reason: "\(w.count) values for shape \(dims)") }
            if let bad = w.first(where: { !$0.isFinite }) { throw OptimizeError.badTensor(name: wName, reason: "holds \(bad)") }
            var (k, n) = (dims[0], dims[1])
            if node.op == .gemm && node.int("transB", default: 0) == 1 {
                w = LowRankFactorizer.transpose(w.map(Double.init), dims[0], dims[1]).map(Float.init)
                (k, n) = (dims[1], dims[0])
            }
            plans.append((index, node, w, k, n))
        }
        guard !plans.isEmpty else { throw OptimizeError.unsupported("no float32 MatMul/Gemm weight to quantize dynamically") }
        var g = graph
        var replacements: [Int: [Node]] = [:]
        for p in plans {
            let q = try AffineQuantizer.quantize(p.w, shape: [p.k, p.n], axis: perChannel ? 1 : nil, format: .int8Symmetric,
                                                 symmetric: true, name: p.node.inputs[1])
            let e = ErrorMetrics.energies(reference: p.w, test: q.dequantized())
            report.layers.append(Layer(node: p.node.name, op: p.node.op.rawValue, k: p.k, n: p.n,
                                       weightSQNR: e.noise == 0 ? .infinity : 10 * Foundation.log10(e.signal / e.noise)))
            let base = p.node.inputs[1]
            g.removeConstant(named: base)
            let wq = base + "_quantized", ws = base + "_scale", wz = base + "_zero_point"
            let scales = q.parameters.map(\.scale)
            let pshape = perChannel ? Shape([p.n]) : Shape.scalar
            g.setConstant(Tensor(name: wq, type: TensorType(.int8, Shape([p.k, p.n])), storage: .memory(q.codes)))
            g.setConstant(.float32(ws, scales, shape: pshape))
            g.setConstant(Tensor(name: wz, type: TensorType(.int8, pshape), storage: .memory([UInt8](repeating: 0, count: scales.count))))
            let a = p.node.inputs[0], name = p.node.name
            let aq = a + "_quantized", asc = a + "_scale", az = a + "_zero_point"
            // Several layers may read the same activation: quantize it once.
            if !replacements.values.contains(where: { $0.contains { $0.outputs.first == aq } }) {
                replacements[p.index, default: []].append(Node(name: a + "/DynamicQuantizeLinear", op: "DynamicQuantizeLinear",
                                                              inputs: [a], outputs: [aq, asc, az]))
            }
            let y = p.node.outputs[0]
            let integer = name + "/MatMulInteger", prod = y + "_int32", cast = y + "_cast", scale = y + "_scales"
            var nodes = [
                Node(name: integer, op: "MatMulInteger", inputs: [aq, wq, az, wz], outputs: [prod]),
                Node(name: name + "/Cast", op: "Cast", inputs: [prod], outputs: [cast], attributes: ["to": .int(1)]),
                Node(name: name + "/scales", op: .mul, inputs: [asc, ws], outputs: [scale]),
            ]
            if p.node.op == .matMul {
                nodes.append(Node(name: name + "/Mul", op: .mul, inputs: [cast, scale], outputs: [y]))
            } else {
                // Gemm: α·(A·W) + β·C, with α folded into the scales and β into a copy of C.
                let alpha = Float(p.node.float("alpha", default: 1)), beta = Float(p.node.float("beta", default: 1))
                var scaled = scale
                if alpha != 1 {
                    g.setConstant(.float32(name + "_alpha", [alpha], shape: .scalar))
                    nodes.append(Node(name: name + "/alpha", op: .mul, inputs: [scale, name + "_alpha"], outputs: [scale + "_alpha"]))
                    scaled = scale + "_alpha"
                }
                if let c = p.node.input(2) {
                    var cName = c
                    if beta != 1, let ct = g.constants[c], ct.dtype == .float32 {
                        cName = c + "_beta"
                        g.setConstant(.float32(cName, WeightValues.floats(ct).map { $0 * beta }, shape: ct.shape))
                    } else if beta != 1 {
                        g.setConstant(.float32(name + "_beta", [beta], shape: .scalar))
                        nodes.append(Node(name: name + "/beta", op: .mul, inputs: [c, name + "_beta"], outputs: [c + "_beta"]))
                        cName = c + "_beta"
                    }
                    nodes.append(Node(name: name + "/Mul", op: .mul, inputs: [cast, scaled], outputs: [y + "_product"]))
                    nodes.append(Node(name: name + "/Add", op: .add, inputs: [y + "_product", cName], outputs: [y]))
                } else {
                    nodes.append(Node(name: name + "/Mul", op: .mul, inputs: [cast, scaled], outputs: [y]))
                }
            }
            replacements[p.index, default: []] += nodes
        }
        var nodes: [Node] = []
        for (i, n) in graph.nodes.enumerated() { nodes += replacements[i] ?? [n] }
        g.nodes = nodes
        // Drop constants nothing reads any more (a Gemm's C replaced by β·C).
        let used = Set(nodes.flatMap(\.inputs) + graph.outputs.map(\.name))
        let planned = Set(plans.flatMap { $0.node.inputs })
        for name in g.constantOrder where !used.contains(name) && planned.contains(name) { g.removeConstant(named: name) }
        _ = try g.inferShapes(strict: false)
        return (g, report)
    }
}

import Foundation
