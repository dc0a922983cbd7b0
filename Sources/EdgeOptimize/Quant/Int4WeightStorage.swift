import EdgeIR

/// Symmetric int4 group-wise weights (``GroupQuantizedTensor``, groups along the reduction axis) stored
/// for real in a graph that ONNX can hold, in one of two forms chosen by the opset the export will use.
///
/// - ``Form/blockedDequantize`` (ai.onnx ≥ 21): an `int4` initializer — two values a byte, the first in
///   the low nibble — and `DequantizeLinear` with `axis` on the reduction axis and `block_size` = the
///   group size, float32 scales shaped like the data with `⌈len / block⌉` on that axis and no zero
///   point (symmetric codes `q − 8` lie in −8…7). A `[K, N]` MatMul/Gemm weight is stored as it is
///   (axis 0); a `[N, K]` Gemm weight too (axis 1); a Conv weight `[O, I, k…]` as `[O, I·k…]` (axis 1),
///   reshaped back after dequantization, because ONNX blocks run along one axis.
/// - ``Form/packedDecode`` (older opsets, which have neither `int4` nor `block_size`): the same codes
///   as unsigned nibbles (`q`, zero point 8) in a `uint8` initializer of `⌈rows·cols / 2⌉` bytes,
///   row-major, first value in the low nibble, decoded by a small subgraph any opset ≥ 13 runs: `Cast`
///   to int32, low nibble `Mod 16` and high nibble `Div 16`, interleaved by `Concat` of two `[n, 1]`
///   columns, `Cast` to float, `− 8`, reshaped to `[rows, cols]`, `Pad`ded to whole groups,
///   `× scale` per group (`[rows, groups, 1]` broadcast over `[rows, groups, g]`), the padding
///   `Slice`d off, and `Transpose`/`Reshape` into the weight's layout.
///
/// Both decode to exactly `scale · (q − 8)` in float32 — the values ``GroupQuantizedTensor/dequantized()``
/// gives, which the sensitivity analysis and the mixed-precision search measured — and both keep half
/// a byte per weight plus 4 bytes per group in the file.
enum Int4WeightStorage {
    enum Form: Equatable {
        case blockedDequantize
        case packedDecode
    }

    /// Blocked int4 `DequantizeLinear` when the exporter will write ai.onnx ≥ 21: a model not imported
    /// from ONNX (the exporter raises its opset as needed) or one imported at 21 or later.
    static func form(for model: Model) -> Form {
        guard model.metadata.format == "onnx" else { return .blockedDequantize }
        let opset = model.metadata.properties["onnx.opset.ai.onnx"].flatMap { Int($0) } ?? 17
        return opset >= 21 ? .blockedDequantize : .packedDecode
    }

    /// Replaces `layer`'s float32 weight in `g` by `q` in `form`; returns the nodes (to run before any
    /// reader) that produce the weight under its old name.
    static func store(_ layer: QuantizableLayer, _ q: GroupQuantizedTensor, form: Form, in g: inout Graph) -> [Node] {
        precondition(q.bits == 4 && q.symmetric && q.rows == layer.rows && q.columns == layer.columns)
        let w = layer.weight
        g.removeConstant(named: w)
        switch form {
        case .blockedDequantize: return blocked(layer, q, in: &g)
        case .packedDecode: return packed(layer, q, in: &g)
        }
    }

    private static func blocked(_ layer: QuantizableLayer, _ q: GroupQuantizedTensor, in g: inout Graph) -> [Node] {
        let w = layer.weight, (rows, cols, gpr) = (layer.rows, layer.columns, q.groupsPerRow)
        // Stored layout: [cols, rows] (axis 0) for a transposed weight, else [rows, cols] (axis 1).
        let dataShape = layer.transposed ? [cols, rows] : [rows, cols]
        var bytes = [UInt8](repeating: 0, count: (rows * cols + 1) / 2)
        var scales = [Float](repeating: 0, count: rows * gpr)
        for r in 0..<rows {
            for c in 0..<cols {
                let code = UInt8(truncatingIfNeeded: Int(q.codes[r * cols + c]) - 8) & 0x0F
                let i = layer.transposed ? c * rows + r : r * cols + c
                bytes[i / 2] |= i % 2 == 0 ? code : code << 4
            }
            for b in 0..<gpr { scales[layer.transposed ? b * rows + r : r * gpr + b] = q.scales[r * gpr + b] }
        }
        let data = w + "_int4", scale = w + "_int4_scale"
        g.setConstant(Tensor(name: data, type: TensorType(.int4, Shape(dataShape)), storage: .memory(bytes)))
        g.setConstant(.float32(scale, scales, shape: Shape(layer.transposed ? [gpr, rows] : [rows, gpr])))
        let flat = layer.shape.count == 2
        let dq = Node(name: w + "/DequantizeLinear", op: "DequantizeLinear", inputs: [data, scale], outputs: [flat ? w : w + "_int4_matrix"],
                      attributes: ["axis": .int(layer.transposed ? 0 : 1), "block_size": .int(q.groupSize)])
        if flat { return [dq] }
        g.setConstant(.int64(w + "_int4_shape", layer.shape.map(Int64.init)))
        return [dq, Node(name: w + "/Reshape", op: .reshape, inputs: [w + "_int4_matrix", w + "_int4_shape"], outputs: [w])]
    }

    private static func packed(_ layer: QuantizableLayer, _ q: GroupQuantizedTensor, in g: inout Graph) -> [Node] {
        let w = layer.weight, (rows, cols, gpr, gs) = (layer.rows, layer.columns, q.groupsPerRow, q.groupSize)
        let n = rows * cols, half = (n + 1) / 2, padded = gpr * gs
        func name(_ s: String) -> String { w + "_int4_" + s }
        var bytes = [UInt8](repeating: 0, count: half)
        for (i, code) in q.codes.enumerated() { bytes[i / 2] |= i % 2 == 0 ? code & 0x0F : code << 4 }
        g.setConstant(Tensor(name: name("packed"), type: TensorType(.uint8, Shape([half])), storage: .memory(bytes)))
        g.setConstant(.float32(name("scale"), q.scales, shape: Shape([rows, gpr, 1])))
        g.setConstant(Tensor(name: name("sixteen"), type: TensorType(.int32, .scalar), storage: .memory([16, 0, 0, 0])))
        g.setConstant(.float32(name("eight"), [8], shape: .scalar))
        g.setConstant(.int64(name("column"), [Int64(half), 1]))
        g.setConstant(.int64(name("flat"), [Int64(2 * half)]))
        g.setConstant(.int64(name("matrix_shape"), [Int64(rows), Int64(cols)]))
        g.setConstant(.int64(name("groups"), [Int64(rows), Int64(gpr), Int64(gs)]))
        g.setConstant(.int64(name("rows"), [Int64(rows), Int64(padded)]))
        var nodes: [Node] = []
        var last = name("packed")
        func add(_ op: OpType, _ extra: [String], _ out: String, _ attrs: [String: Attribute] = [:]) {
            nodes.append(Node(name: w + "/int4_" + out, op: op, inputs: [last] + extra, outputs: [name(out)], attributes: attrs))
            last = name(out)
        }
        add("Cast", [], "bytes", ["to": .int(6)])                                            // int32
        nodes.append(Node(name: w + "/int4_low", op: "Mod", inputs: [name("bytes"), name("sixteen")], outputs: [name("low")]))
        nodes.append(Node(name: w + "/int4_high", op: "Div", inputs: [name("bytes"), name("sixteen")], outputs: [name("high")]))
        nodes.append(Node(name: w + "/int4_low_column", op: .reshape, inputs: [name("low"), name("column")], outputs: [name("low_column")]))
        nodes.append(Node(name: w + "/int4_high_column", op: .reshape, inputs: [name("high"), name("column")], outputs: [name("high_column")]))
        nodes.append(Node(name: w + "/int4_pairs", op: .concat, inputs: [name("low_column"), name("high_column")], outputs: [name("pairs")],
                          attributes: ["axis": .int(1)]))
        last = name("pairs")
        add("Cast", [], "codes", ["to": .int(1)])                                           // float
        add(.sub, [name("eight")], "centred")
        add(.reshape, [name("flat")], "sequence")
        if 2 * half != n {
            g.setConstant(.int64(name("zero"), [0]))
            g.setConstant(.int64(name("count"), [Int64(n)]))
            add(.slice, [name("zero"), name("count")], "values")
        }
        add(.reshape, [name("matrix_shape")], "matrix")
        if padded != cols {
            g.setConstant(.int64(name("pads"), [0, 0, 0, Int64(padded - cols)]))
            add("Pad", [name("pads")], "padded")
        }
        add(.reshape, [name("groups")], "grouped")
        add(.mul, [name("scale")], "scaled")
        add(.reshape, [name("rows")], "rows_out")
        if padded != cols {
            g.setConstant(.int64(name("starts"), [0]))
            g.setConstant(.int64(name("ends"), [Int64(cols)]))
            g.setConstant(.int64(name("axes"), [1]))
            add(.slice, [name("starts"), name("ends"), name("axes")], "sliced")
        }
        // Into the weight's own layout, under its name.
        let output: Node
        if layer.transposed {
            output = Node(name: w + "/int4_weight", op: .transpose, inputs: [last], outputs: [w], attributes: ["perm": .ints([1, 0])])
        } else if layer.shape.count != 2 {
            g.setConstant(.int64(name("shape"), layer.shape.map(Int64.init)))
            output = Node(name: w + "/int4_weight", op: .reshape, inputs: [last, name("shape")], outputs: [w])
        } else {
            output = Node(name: w + "/int4_weight", op: "Identity", inputs: [last], outputs: [w])
        }
        return nodes + [output]
    }
}
