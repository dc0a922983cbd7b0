import EdgeIR
import Foundation

/// Nodes as ONNX nodes: IR-only ops lowered to ONNX ops, and (for graphs not read from ONNX)
/// attributes moved to the inputs later opsets expect.
///
/// Lowerings (exact, not approximations):
/// - `SiLU(x)` = `x · Sigmoid(x)`, `Swish(x; alpha)` = `x · Sigmoid(alpha·x)` (native `Swish` from opset 24);
/// - `Gelu` before opset 20: `0.5·x·(1 + Erf(x/√2))`, or with `approximate = "tanh"`
///   `0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³)))`; `HardSwish` before 14: `x · HardSigmoid(x; 1/6, 1/2)`;
///   `Mish` before 18: `x · Tanh(Softplus(x))`;
/// - `RMSNorm(x, scale; epsilon, axis = −1)` = `x / Sqrt(ReduceMean(x·x, axes axis…) + epsilon) · scale`
///   (native `RMSNormalization` from opset 23);
/// - `Embedding(ids, table)` = `Gather(table, ids, axis 0)`; `KVCacheUpdate(cache, new)` = `Concat(axis 2)`;
/// - `FullyConnected(x, W[N,K], b)` = `MatMul(x, Wᵀ) + b` (`keep_num_dims = 0` flattens x to `[−1, K]`
///   first), then its fused `activation`;
/// - `RoPE(x[…, T, D]; theta, position)` rotates adjacent pairs `(x₂ᵢ, x₂ᵢ₊₁)` of the last axis by
///   `(position + t) · theta^(−2i/D)` for row `t`, with the cos/sin tables as constants (T and D known);
/// - `Attention(Q, K, V [, mask])` before opset 23, 4-D `[B, H, S, D]` (3-D `[B, S, H·D]` is split into
///   heads and merged back around it): `Softmax(Q·Kᵀ·scale + mask) · V`,
///   `scale = 1/√D` unless given, K/V heads repeated for grouped-query attention, `is_causal` as a
///   lower-right-aligned mask (query `i` sees keys `≤ i + S_k − S_q`, the KV-cache convention).
extension ONNXGraphWriter {
    mutating func emit(_ n: Node, in g: Graph, depth: Int) throws {
        var n = n
        if n.domain == "edgewise" { usesEdgewiseDomain = true }
        if !n.domain.isEmpty, n.domain != "ai.onnx" { customDomains.insert(n.domain) }
        n.attributes["tflite_op"] = nil  // the TFLite importer's note of the original builtin, not an ONNX attribute
        var activation: (raw: String, output: String, name: String)?
        if legalize {
            activation = try detachFusedActivation(&n)
            if n.string("layout") == "NHWC" {
                guard try emitNHWC(n, depth: depth) else {
                    throw ONNXExportError(field: "node '\(n.name)'", reason: "\(n.op) in NHWC layout has no ONNX form yet")
                }
                report.lowered[n.op, default: 0] += 1
                if let activation { try fusedActivation(activation.name, activation.raw, activation.output, node: n.name, depth: depth) }
                return
            }
            try moveAttributesToInputs(&n)
            // TFLite gives reduction axes as an input; before opset 18 ONNX's reductions other than
            // ReduceSum (13) take them as an attribute, so constant axes move back.
            let reductions: Set<String> = ["ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                                           "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"]
            if opset < 18, reductions.contains(n.op.rawValue), n.inputs.count > 1, !n.inputs[1].isEmpty,
               let axes = g.constants[n.inputs[1]]?.integerValues(limit: 64) {
                n.attributes["axes"] = .ints(axes.map { Int($0) })
                n.inputs.removeLast(n.inputs.count - 1)
            }
            // TFLite gives RESHAPE's target shape as int32; ONNX's Reshape takes int64.
            if n.op.rawValue == "Reshape", n.inputs.count > 1, !n.inputs[1].isEmpty,
               (g.valueTypes[n.inputs[1]] ?? g.constants[n.inputs[1]]?.type)?.dtype == .int32 {
                let c = fresh(n.name + "/shape_int64")
                try node("Cast", [n.inputs[1]], [c], name: fresh(n.name + "/Cast_shape"), ["to": .int(7)], depth: depth)
                n.inputs[1] = c
            }
        }
        if try lower(n, in: g, depth: depth) {
            report.lowered[n.op, default: 0] += 1
        } else {
            try node(n.op.rawValue, n.inputs, n.outputs, name: n.name, domain: n.domain == "ai.onnx" ? "" : n.domain,
                     n.attributes, depth: depth)
        }
        if let activation { try fusedActivation(activation.name, activation.raw, activation.output, node: n.name, depth: depth) }
    }

    /// Writes the ONNX form of an IR-only op; false when the op is written as is.
    private mutating func lower(_ n: Node, in g: Graph, depth: Int) throws -> Bool {
        guard n.domain.isEmpty || n.domain == "ai.onnx" else { return false }
        let field = "node '\(n.name)'"
        func type(_ v: String) throws -> TensorType {
            guard let t = g.valueTypes[v] ?? g.declaredTypes[v] else {
                throw ONNXExportError(field: field, reason: "type of '\(v)' is unknown; cannot lower \(n.op)")
            }
            return t
        }
        let p = n.name
        switch n.op.rawValue {
        case "SiLU" where opset >= 24:
            try node("Swish", [n.inputs[0]], n.outputs, name: p, depth: depth)
        case "RMSNorm" where opset >= 23 && n.input(1) != nil:
            var attrs: [String: Attribute] = ["axis": .int(n.int("axis", default: -1))]
            attrs["epsilon"] = .float(n.float("epsilon", default: 1e-5))
            try node("RMSNormalization", Array(n.inputs.prefix(2)), n.outputs, name: p, attrs, depth: depth)
        case "Swish" where opset >= 24:
            return false
        case "SiLU", "Swish":
            var x = n.inputs[0]
            if n.op.rawValue == "Swish", let a = n.floats("alpha")?.first, a != 1 {
                let alpha = try floats(p + "/alpha", [Float(a)], shape: .scalar)
                let scaled = fresh(p + "/scaled")
                try node("Mul", [x, alpha], [scaled], name: fresh(p + "/Mul_alpha"), depth: depth)
                x = scaled
            }
            let s = fresh(p + "/sigmoid")
            try node("Sigmoid", [x], [s], name: fresh(p + "/Sigmoid"), depth: depth)
            try node("Mul", [n.inputs[0], s], n.outputs, name: p, depth: depth)
        case "Gelu" where opset < 20:
            try gelu(n, tanh: n.string("approximate") == "tanh", depth: depth)
        case "HardSwish" where opset < 14:
            let h = fresh(p + "/hardsigmoid")
            try node("HardSigmoid", [n.inputs[0]], [h], name: fresh(p + "/HardSigmoid"),
                     ["alpha": .float(1.0 / 6), "beta": .float(0.5)], depth: depth)
            try node("Mul", [n.inputs[0], h], n.outputs, name: p, depth: depth)
        case "Mish" where opset < 18:
            let sp = fresh(p + "/softplus"), th = fresh(p + "/tanh")
            try node("Softplus", [n.inputs[0]], [sp], name: fresh(p + "/Softplus"), depth: depth)
            try node("Tanh", [sp], [th], name: fresh(p + "/Tanh"), depth: depth)
            try node("Mul", [n.inputs[0], th], n.outputs, name: p, depth: depth)
        case "RMSNorm":
            try rmsNorm(n, rank: try type(n.inputs[0]).shape.rank, depth: depth)
        case "Embedding":
            try node("Gather", [n.inputs[1], n.inputs[0]], n.outputs, name: p, ["axis": .int(0)], depth: depth)
        case "KVCacheUpdate":
            try node("Concat", Array(n.inputs.prefix(2)), n.outputs, name: p, ["axis": .int(2)], depth: depth)
        case "FullyConnected":
            try fullyConnected(n, x: try type(n.inputs[0]), w: try type(n.inputs[1]), depth: depth)
        case "RoPE":
            try rope(n, x: try type(n.inputs[0]), depth: depth)
        case "Attention" where opset < 23:
            let mask = n.input(3).flatMap { g.valueTypes[$0] ?? g.declaredTypes[$0] }
            try attention(n, q: try type(n.inputs[0]), k: try type(n.inputs[1]), v: try type(n.inputs[2]), mask: mask, depth: depth)
        default:
            return false
        }
        return true
    }

    // MARK: attribute → input moves

    /// Moves attributes that became inputs in later opsets (for graphs built in the IR, which accepts
    /// either form): Reshape shape (5), Clip min/max (11), Pad pads/value (11), Slice starts/ends/axes/steps (10),
    /// Split split and Squeeze/Unsqueeze/ReduceSum axes (13), other reductions' axes (18).
    private mutating func moveAttributesToInputs(_ n: inout Node) throws {
        let p = n.name
        func take(_ key: String) -> Attribute? { n.attributes.removeValue(forKey: key) }
        func setInput(_ i: Int, _ name: String) {
            while n.inputs.count <= i { n.inputs.append("") }
            n.inputs[i] = name
        }
        switch n.op.rawValue {
        case "Clip" where opset >= 11:
            let lo = take("min"), hi = take("max")
            if let lo { setInput(1, try floats(p + "/min", [Float(Self.double(lo) ?? 0)], shape: .scalar)) }
            if let hi { setInput(2, try floats(p + "/max", [Float(Self.double(hi) ?? 0)], shape: .scalar)) }
        case "Pad" where opset >= 11:
            if let pads = n.ints("pads") {
                _ = take("pads")
                setInput(1, try ints(p + "/pads", pads.map(Int64.init)))
            }
            if let v = take("value") { setInput(2, try floats(p + "/value", [Float(Self.double(v) ?? 0)], shape: .scalar)) }
        case "Slice" where opset >= 10:
            for (i, key) in ["starts", "ends", "axes", "steps"].enumerated() {
                if let v = n.ints(key) {
                    _ = take(key)
                    setInput(i + 1, try ints(p + "/" + key, v.map(Int64.init)))
                }
            }
        case "Reshape":
            // TFLite's RESHAPE may carry its target in options (`new_shape`); ONNX takes it as input 1
            // (opset 5 on), and `allowzero` exists from opset 14.
            if let v = n.ints("shape") {
                _ = take("shape")
                setInput(1, try ints(p + "/shape", v.map(Int64.init)))
            }
            if opset < 14 { _ = take("allowzero") }
        case "Split" where opset >= 13:
            if let v = n.ints("split") {
                _ = take("split")
                setInput(1, try ints(p + "/split", v.map(Int64.init)))
            }
        case "Squeeze" where opset >= 13, "Unsqueeze" where opset >= 13, "ReduceSum" where opset >= 13:
            if let v = n.ints("axes") {
                _ = take("axes")
                setInput(1, try ints(p + "/axes", v.map(Int64.init)))
            }
        case "ReduceMean" where opset >= 18, "ReduceMax" where opset >= 18, "ReduceMin" where opset >= 18,
             "ReduceProd" where opset >= 18, "ReduceL1" where opset >= 18, "ReduceL2" where opset >= 18,
             "ReduceLogSum" where opset >= 18, "ReduceLogSumExp" where opset >= 18, "ReduceSumSquare" where opset >= 18:
            if let v = n.ints("axes") {
                _ = take("axes")
                setInput(1, try ints(p + "/axes", v.map(Int64.init)))
            }
        default:
            break
        }
    }

    static func double(_ a: Attribute) -> Double? {
        switch a {
        case .float(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }

    /// A fused `activation` attribute (TFLite's convention) becomes its own node after the op: the op
    /// writes to a new value that the activation reads.
    private mutating func detachFusedActivation(_ n: inout Node) throws -> (raw: String, output: String, name: String)? {
        guard let act = n.string("activation"), !n.outputs.isEmpty else { return nil }
        n.attributes["activation"] = nil
        if act.isEmpty || act.lowercased() == "none" { return nil }
        let output = n.outputs[0]
        let raw = fresh(n.name + "/pre_activation")
        n.outputs[0] = raw
        return (raw, output, act)
    }

    private mutating func fusedActivation(_ act: String, _ raw: String, _ output: String, node owner: String, depth: Int) throws {
        let p = owner + "/" + act
        switch act.lowercased() {
        case "relu": try node("Relu", [raw], [output], name: fresh(p), depth: depth)
        case "relu6", "relu_n1_to_1", "relu_0_to_1":
            let key = act.lowercased()
            let (lo, hi): (Float, Float) = key == "relu6" ? (0, 6) : key == "relu_n1_to_1" ? (-1, 1) : (0, 1)
            let a = try floats(p + "/min", [lo], shape: .scalar), b = try floats(p + "/max", [hi], shape: .scalar)
            try node("Clip", [raw, a, b], [output], name: fresh(p), depth: depth)
        case "tanh": try node("Tanh", [raw], [output], name: fresh(p), depth: depth)
        case "sigmoid": try node("Sigmoid", [raw], [output], name: fresh(p), depth: depth)
        default:
            throw ONNXExportError(field: "node '\(owner)'", reason: "fused activation '\(act)' has no ONNX form")
        }
    }
}
