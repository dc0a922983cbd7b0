import EdgeIR
import Foundation

/// The multi-node lowerings (formulas in `ONNXGraphWriter+Lowering.swift`).
extension ONNXGraphWriter {
    /// `Unsqueeze` with its axes as an attribute (before opset 13) or an input.
    mutating func unsqueeze(_ x: String, _ axes: [Int], _ out: String, name: String, depth: Int) throws {
        if opset >= 13 {
            try node("Unsqueeze", [x, try ints(name + "/axes", axes.map(Int64.init))], [out], name: name, depth: depth)
        } else {
            try node("Unsqueeze", [x], [out], name: name, ["axes": .ints(axes)], depth: depth)
        }
    }

    /// `ReduceMean(keepdims = 1)` with its axes as an attribute (before opset 18) or an input.
    mutating func reduceMean(_ x: String, _ axes: [Int], _ out: String, name: String, depth: Int) throws {
        if opset >= 18 {
            try node("ReduceMean", [x, try ints(name + "/axes", axes.map(Int64.init))], [out], name: name,
                     ["keepdims": .int(1)], depth: depth)
        } else {
            try node("ReduceMean", [x], [out], name: name, ["axes": .ints(axes), "keepdims": .int(1)], depth: depth)
        }
    }

    /// Appends `op(inputs)` with a fresh output and returns that output.
    mutating func step(_ op: String, _ inputs: [String], _ base: String, _ attributes: [String: Attribute] = [:],
                       depth: Int) throws -> String {
        let out = fresh(base)
        try node(op, inputs, [out], name: fresh(base + "/" + op), attributes, depth: depth)
        return out
    }

    func scalar(_ v: Float) -> Tensor { .float32("c", [v], shape: .scalar) }

    mutating func gelu(_ n: Node, tanh: Bool, depth: Int) throws {
        let x = n.inputs[0], p = n.name
        let half = try constant(p + "/half", scalar(0.5)), one = try constant(p + "/one", scalar(1))
        let inner: String
        if tanh {
            let x2 = try step("Mul", [x, x], p + "/x2", depth: depth)
            let x3 = try step("Mul", [x2, x], p + "/x3", depth: depth)
            let c = try constant(p + "/c", scalar(0.044715))
            let cx3 = try step("Mul", [x3, c], p + "/cx3", depth: depth)
            let sum = try step("Add", [x, cx3], p + "/sum", depth: depth)
            let k = try constant(p + "/k", scalar(Float((2 / Double.pi).squareRoot())))
            let arg = try step("Mul", [sum, k], p + "/arg", depth: depth)
            inner = try step("Tanh", [arg], p + "/tanh", depth: depth)
        } else {
            let r = try constant(p + "/sqrt2", scalar(Float(2.0.squareRoot())))
            let d = try step("Div", [x, r], p + "/scaled", depth: depth)
            inner = try step("Erf", [d], p + "/erf", depth: depth)
        }
        let plus = try step("Add", [inner, one], p + "/plus1", depth: depth)
        let xm = try step("Mul", [x, plus], p + "/xmul", depth: depth)
        try node("Mul", [xm, half], n.outputs, name: p, depth: depth)
    }

    mutating func rmsNorm(_ n: Node, rank: Int, depth: Int) throws {
        let x = n.inputs[0], p = n.name
        let a = n.int("axis", default: -1)
        guard let axis = Shape(Array(repeating: Dim.value(1), count: rank)).axis(a) else {
            throw ONNXExportError(field: "node '\(p)'", reason: "axis \(a) out of range for rank \(rank)")
        }
        let eps = try constant(p + "/epsilon", scalar(Float(n.float("epsilon", default: 1e-5))))
        let sq = try step("Mul", [x, x], p + "/square", depth: depth)
        let mean = fresh(p + "/mean")
        try reduceMean(sq, Array(axis..<rank), mean, name: fresh(p + "/ReduceMean"), depth: depth)
        let shifted = try step("Add", [mean, eps], p + "/plus_eps", depth: depth)
        let rms = try step("Sqrt", [shifted], p + "/rms", depth: depth)
        if let scale = n.input(1) {
            let normed = try step("Div", [x, rms], p + "/normed", depth: depth)
            try node("Mul", [normed, scale], n.outputs, name: p, depth: depth)
        } else {
            try node("Div", [x, rms], n.outputs, name: p, depth: depth)
        }
    }

    mutating func fullyConnected(_ n: Node, x: TensorType, w: TensorType, depth: Int) throws {
        let p = n.name
        guard w.shape.rank == 2, let k = w.shape[1].value else {
            throw ONNXExportError(field: "node '\(p)'", reason: "weight \(w.shape) must be [N, K] with K known")
        }
        var input = n.inputs[0], rank = x.shape.rank
        if n.int("keep_num_dims", default: 1) == 0 && rank != 2 {
            input = try step("Reshape", [input, try ints(p + "/rows", [-1, Int64(k)])], p + "/rows", depth: depth)
            rank = 2
        }
        if rank == 2 {
            try node("Gemm", [input, n.inputs[1]] + (n.input(2).map { [$0] } ?? []), n.outputs, name: p,
                     ["transB": .int(1)], depth: depth)
            return
        }
        let wt = try step("Transpose", [n.inputs[1]], p + "/weight_t", ["perm": .ints([1, 0])], depth: depth)
        if let b = n.input(2) {
            let mm = try step("MatMul", [input, wt], p + "/matmul", depth: depth)
            try node("Add", [mm, b], n.outputs, name: p, depth: depth)
        } else {
            try node("MatMul", [input, wt], n.outputs, name: p, depth: depth)
        }
    }

    mutating func rope(_ n: Node, x: TensorType, depth: Int) throws {
        let p = n.name, rank = x.shape.rank
        guard rank >= 2, let t = x.shape[rank - 2].value, let d = x.shape[rank - 1].value, d % 2 == 0, t > 0 else {
            throw ONNXExportError(field: "node '\(p)'", reason: "RoPE needs known sequence and even head sizes, got \(x.shape)")
        }
        let half = d / 2, start = n.int("position", default: 0), theta = n.float("theta", default: 10_000)
        var cos = [Float](repeating: 0, count: t * half), sin = cos
        for row in 0..<t {
            for i in 0..<half {
                let angle = Double(start + row) * pow(theta, -2 * Double(i) / Double(d))
                cos[row * half + i] = Float(Foundation.cos(angle))
                sin[row * half + i] = Float(Foundation.sin(angle))
            }
        }
        let c = try floats(p + "/cos", cos, shape: Shape([t, half]))
        let s = try floats(p + "/sin", sin, shape: Shape([t, half]))
        let keep = Array(repeating: Int64(0), count: rank - 1)  // Reshape's 0 copies the input's size
        let pairs = try step("Reshape", [n.inputs[0], try ints(p + "/pairs_shape", keep + [Int64(half), 2])], p + "/pairs", depth: depth)
        let i0 = try constant(p + "/even", .int64("i", [0], shape: .scalar)), i1 = try constant(p + "/odd", .int64("i", [1], shape: .scalar))
        let x0 = try step("Gather", [pairs, i0], p + "/x0", ["axis": .int(-1)], depth: depth)
        let x1 = try step("Gather", [pairs, i1], p + "/x1", ["axis": .int(-1)], depth: depth)
        let a = try step("Mul", [x0, c], p + "/x0cos", depth: depth), b = try step("Mul", [x1, s], p + "/x1sin", depth: depth)
        let e = try step("Mul", [x0, s], p + "/x0sin", depth: depth), f = try step("Mul", [x1, c], p + "/x1cos", depth: depth)
        let y0 = try step("Sub", [a, b], p + "/y0", depth: depth), y1 = try step("Add", [e, f], p + "/y1", depth: depth)
        let u0 = fresh(p + "/y0u"), u1 = fresh(p + "/y1u")
        try unsqueeze(y0, [rank], u0, name: fresh(p + "/Unsqueeze"), depth: depth)
        try unsqueeze(y1, [rank], u1, name: fresh(p + "/Unsqueeze"), depth: depth)
        let joined = try step("Concat", [u0, u1], p + "/joined", ["axis": .int(rank)], depth: depth)
        try node("Reshape", [joined, try ints(p + "/shape", keep + [Int64(d)])], n.outputs, name: p, depth: depth)
    }

    mutating func attention(_ n: Node, q: TensorType, k: TensorType, v: TensorType, mask maskType: TensorType?,
                            depth: Int) throws {
        let p = n.name, field = "node '\(p)'"
        if q.shape.rank == 3, k.shape.rank == 3, v.shape.rank == 3 {
            return try attention3D(n, q: q, k: k, v: v, mask: maskType, depth: depth)
        }
        guard q.shape.rank == 4, k.shape.rank == 4, v.shape.rank == 4 else {
            throw ONNXExportError(field: field, reason: "Attention needs 4-D [B, H, S, D] or 3-D [B, S, H·D] operands")
        }
        guard let hq = q.shape[1].value, let hk = k.shape[1].value, let dk = q.shape[3].value, let dv = v.shape[3].value,
              hk > 0, hq % hk == 0 else {
            throw ONNXExportError(field: field, reason: "head counts and sizes must be known: Q \(q.shape), K \(k.shape)")
        }
        if n.outputs.dropFirst().contains(where: { !$0.isEmpty }) {
            throw ONNXExportError(field: field, reason: "present_key/present_value outputs need opset 23")
        }
        if n.int("softcap", default: 0) != 0 || n.float("softcap", default: 0) != 0 {
            throw ONNXExportError(field: field, reason: "softcap needs opset 23")
        }
        var key = n.inputs[1], value = n.inputs[2]
        if hq != hk {  // grouped-query: each K/V head serves hq/hk query heads
            let g = Int64(hq / hk)
            func repeatHeads(_ x: String, _ size: Int, _ tag: String) throws -> String {
                let u = fresh(p + "/" + tag + "_u")
                try unsqueeze(x, [2], u, name: fresh(p + "/Unsqueeze"), depth: depth)
                let e = try step("Expand", [u, try ints(p + "/" + tag + "_expand", [1, 1, g, 1, 1])], p + "/" + tag + "_e", depth: depth)
                return try step("Reshape", [e, try ints(p + "/" + tag + "_heads", [0, Int64(hq), -1, Int64(size)])],
                                p + "/" + tag + "_rep", depth: depth)
            }
            key = try repeatHeads(key, dk, "k")
            value = try repeatHeads(value, dv, "v")
        }
        let kt = try step("Transpose", [key], p + "/kt", ["perm": .ints([0, 1, 3, 2])], depth: depth)
        var scores = try step("MatMul", [n.inputs[0], kt], p + "/scores", depth: depth)
        let scaleValue = n.attributes["scale"].flatMap(Self.double) ?? 1 / Double(dk).squareRoot()
        scores = try step("Mul", [scores, try constant(p + "/scale", scalar(Float(scaleValue)))], p + "/scaled", depth: depth)
        if let mask = n.input(3) {
            if maskType?.dtype == .bool {
                let ninf = try constant(p + "/neg_inf", scalar(-.infinity))
                scores = try step("Where", [mask, scores, ninf], p + "/masked", depth: depth)
            } else {
                scores = try step("Add", [scores, mask], p + "/masked", depth: depth)
            }
        }
        if n.int("is_causal", default: 0) != 0 {
            guard let sq = q.shape[2].value, let sk = k.shape[2].value else {
                throw ONNXExportError(field: field, reason: "causal attention needs known sequence lengths: Q \(q.shape), K \(k.shape)")
            }
            var m = [Float](repeating: 0, count: sq * sk)
            for i in 0..<sq { for j in 0..<sk where j > i + sk - sq { m[i * sk + j] = -.infinity } }
            let causal = try floats(p + "/causal_mask", m, shape: Shape([sq, sk]))
            scores = try step("Add", [scores, causal], p + "/causal", depth: depth)
        }
        let probs = try step("Softmax", [scores], p + "/probs", ["axis": .int(-1)], depth: depth)
        try node("MatMul", [probs, value], [n.outputs[0]], name: p, depth: depth)
    }

    /// 3-D attention (`[B, S, H·D]` with `q_num_heads` / `kv_num_heads`): split the heads
    /// (`Reshape [0, 0, H, −1]`, `Transpose [0, 2, 1, 3]`), attend in 4-D, and merge them back.
    private mutating func attention3D(_ n: Node, q: TensorType, k: TensorType, v: TensorType, mask: TensorType?,
                                      depth: Int) throws {
        let p = n.name
        guard let hq = n.int("q_num_heads"), let hk = n.int("kv_num_heads"), hq > 0, hk > 0,
              let qw = q.shape[2].value, let kw = k.shape[2].value, let vw = v.shape[2].value,
              qw % hq == 0, kw % hk == 0, vw % hk == 0 else {
            throw ONNXExportError(field: "node '\(p)'", reason: "3-D Attention needs known widths divisible by q_num_heads/kv_num_heads")
        }
        func heads(_ x: String, _ h: Int, _ tag: String) throws -> String {
            let r = try step("Reshape", [x, try ints(p + "/" + tag + "_split", [0, 0, Int64(h), -1])], p + "/" + tag + "_split", depth: depth)
            return try step("Transpose", [r], p + "/" + tag + "_heads", ["perm": .ints([0, 2, 1, 3])], depth: depth)
        }
        var inner = n
        inner.name = fresh(p + "/heads")
        inner.inputs = [try heads(n.inputs[0], hq, "q"), try heads(n.inputs[1], hk, "k"), try heads(n.inputs[2], hk, "v")]
            + Array(n.inputs.dropFirst(3))
        inner.outputs = [fresh(p + "/heads_out")]
        inner.attributes["q_num_heads"] = nil
        inner.attributes["kv_num_heads"] = nil
        func four(_ t: TensorType, _ h: Int, _ width: Int) -> TensorType {
            TensorType(t.dtype, Shape([t.shape[0], .value(h), t.shape[1], .value(width / h)]))
        }
        try attention(inner, q: four(q, hq, qw), k: four(k, hk, kw), v: four(v, hk, vw), mask: mask, depth: depth)
        let merged = try step("Transpose", [inner.outputs[0]], p + "/merge", ["perm": .ints([0, 2, 1, 3])], depth: depth)
        try node("Reshape", [merged, try ints(p + "/merge_shape", [0, 0, -1])], [n.outputs[0]], name: p, depth: depth)
    }
}
