import EdgeIR

/// Plan pass: the float "glue" of quantized graphs run on the 8-bit codes, bit-identical to the float path.
///
/// ONNX QOperator models (onnxruntime's `quantize_static`) run everything that is not a QLinearConv /
/// QLinearMatMul in float, between a DequantizeLinear and a QuantizeLinear: HardSwish and HardSigmoid,
/// MaxPool, Concat, Reshape. Each such op costs a pass over a float tensor four times the size of the
/// codes, plus the two conversions. But when a quantized value depends on codes only through
///
/// - elementwise ops with one non-constant operand (activations; Add/Sub/Mul/Div by a one-element constant),
/// - data movement (Concat, Reshape, Flatten, Squeeze, Unsqueeze, Identity),
/// - MaxPool whose every window holds at least one input position,
///
/// it is a function of the codes element by element: every DequantizeLinear's codes go through one
/// 256-entry table (`TableLookup`, the composition DequantizeLinear → elementwise ops → QuantizeLinear
/// on its path), and the movement ops and MaxPool then run on the output codes. The tables are made by
/// running *the plan's own kernels* for those nodes on all 256 codes (``IntegerGlueTables``), so they are
/// exact by construction; the rewrite is refused when the evaluation shows a kernel whose result depends
/// on an element's position, or when the kernel for the short table tensor differs from the real one.
///
/// MaxPool commutes with a function `f` applied after it only when `f` is non-decreasing: then
/// `f(max vᵢ) = max f(vᵢ)`. The pass checks exactly that on the finite set of values that can reach
/// the pool (the elementwise functions of the 256 codes of each DequantizeLinear below it), float
/// ties included (−0 and +0 must map to the same code), and that no window is all padding (the float
/// pool's −∞ there would quantize to the type's minimum, not to the table's value of the smallest code).
///
/// A second rewrite (``floatTables(_:options:)``) covers elementwise chains after a DequantizeLinear
/// whose result stays float (PP-OCR's HardSwish feeding a squeeze-excitation block): one
/// `TableLookup` from codes to float32 replaces the DequantizeLinear and the chain. A third
/// (``tablePools(_:options:)``) lets a GlobalAveragePool of such a table (or of a DequantizeLinear) read the
/// codes: `TableGlobalAveragePool` sums the table's values in the float kernel's order, eight planes at once;
/// and QuantizeLinear(Mul(such a value, per-plane gate)) becomes `TableMulQuantize` (``gatedQuantize(_:options:)``).
/// A QuantizeLinear of such a pool becomes `TablePoolQuantize` (``quantizedPools(_:options:)``).
enum IntegerGlue {
    /// The lookup op the rewrites insert (`edgewise` domain): `y[i] = table[x[i]]`, x int8 or uint8 read as
    /// its byte (int8 −1 is entry 255), table a 256-element constant of y's type.
    static let lookupOp: OpType = "TableLookup"
    /// GlobalAveragePool of `table[byte(x)]` (float table), with the optimized float kernel's arithmetic.
    static let lookupPoolOp: OpType = "TableGlobalAveragePool"
    /// QuantizeLinear(table[byte(x)] · gate[n, c]): a squeeze-excitation gate applied to codes.
    static let lookupMulQuantizeOp: OpType = "TableMulQuantize"
    /// QuantizeLinear(TableGlobalAveragePool(x, table)): a squeeze-excitation block's pooled codes.
    static let lookupPoolQuantizeOp: OpType = "TablePoolQuantize"

    static func run(_ g: inout LoweredGraph, options: EngineOptions) {
        let removedBefore = g.removedNodes, countBefore = g.nodes.count
        let quantized = quantizedRegions(&g, options: options)
        let floats = floatTables(&g, options: options)
        var pools = tablePools(&g, options: options) + gatedQuantize(&g, options: options)
        pools += quantizedPools(&g, options: options)
        let binaries = dequantizedBinaries(&g, options: options)
        g.passLog.append(("int8-lookup", quantized))
        g.passLog.append(("int8-float-table", floats))
        g.passLog.append(("int8-table-pool", pools))
        g.passLog.append(("int8-binary", binaries))
        if quantized + floats + pools + binaries > 0 { g.eliminateDeadNodes() }
        g.removedNodes = removedBefore + (countBefore - g.nodes.count)
    }

    // MARK: Recognising the ops

    static func is8Bit(_ t: DType?) -> Bool { t == .int8 || t == .uint8 }

    /// A per-tensor parameter input: constant with one element (or absent when `optional`).
    static func oneValue(_ g: LoweredGraph, _ n: Node, _ i: Int, optional: Bool) -> Bool {
        guard let v = n.input(i) else { return optional }
        return g.constants[v]?.elementCount == 1
    }

    /// DequantizeLinear of 8-bit codes to float32 with a per-tensor float32 scale.
    static func isDequantize(_ g: LoweredGraph, _ n: Node) -> Bool {
        guard n.op == "DequantizeLinear", n.outputs.count == 1, let x = n.input(0), !g.isConstant(x),
              is8Bit(g.types[x]?.dtype), g.types[n.outputs[0]]?.dtype == .float32,
              g.constants[n.inputs[1]]?.dtype == .float32, oneValue(g, n, 1, optional: false), oneValue(g, n, 2, optional: true)
        else { return false }
        return n.int("block_size", default: 0) == 0
    }

    /// QuantizeLinear of float32 to 8-bit codes with a per-tensor float32 scale.
    static func isQuantize(_ g: LoweredGraph, _ n: Node) -> Bool {
        guard n.op == "QuantizeLinear", n.outputs.count == 1, let x = n.input(0), !g.isConstant(x),
              g.types[x]?.dtype == .float32, is8Bit(g.types[n.outputs[0]]?.dtype),
              g.constants[n.inputs[1]]?.dtype == .float32, oneValue(g, n, 1, optional: false), oneValue(g, n, 2, optional: true)
        else { return false }
        return n.int("block_size", default: 0) == 0 && n.int("saturate", default: 1) != 0
    }

    static let activations: Set<OpType> = [.relu, .clip, .hardSwish, .hardSigmoid, .sigmoid, .tanh, .leakyRelu, .silu]
    static let arithmetic: Set<OpType> = [.add, .sub, .mul, .div]

    /// The input index of the one non-constant operand of an elementwise float32 op, if `n` is one whose
    /// result at each position depends on that operand's element there only.
    static func elementwiseOperand(_ g: LoweredGraph, _ n: Node) -> Int? {
        guard n.outputs.count == 1, let out = g.types[n.outputs[0]], out.dtype == .float32 else { return nil }
        let operand: Int
        if activations.contains(n.op) {
            guard n.string("activation") == nil, n.input(0) != nil,
                  n.inputs.indices.dropFirst().allSatisfy({ n.input($0) == nil || oneValue(g, n, $0, optional: false) })
            else { return nil }
            operand = 0
        } else if arithmetic.contains(n.op) {
            guard n.inputs.count == 2, let a = n.input(0), let b = n.input(1) else { return nil }
            switch (g.isConstant(a), g.isConstant(b)) {
            case (false, true): operand = 0
            case (true, false): operand = 1
            default: return nil
            }
            guard g.constants[n.inputs[1 - operand]]?.dtype == .float32, oneValue(g, n, 1 - operand, optional: false) else { return nil }
        } else {
            return nil
        }
        guard let t = g.types[n.inputs[operand]], t == out else { return nil }
        return operand
    }

    /// The data inputs of a movement op or MaxPool that may run on codes instead (others must be constant).
    static func movementInputs(_ g: LoweredGraph, _ n: Node) -> [Int]? {
        guard n.outputs.count >= 1, g.types[n.outputs[0]]?.dtype == .float32 else { return nil }
        let data: [Int]
        switch n.op {
        case .concat: data = Array(n.inputs.indices)
        case .reshape, .flatten, .squeeze, .unsqueeze, "Identity": data = [0]
        case .maxPool:
            guard n.outputs.count == 1 || n.outputs.dropFirst().allSatisfy(\.isEmpty), n.string("layout") != "NHWC",
                  n.string("activation") == nil, poolWindowsAllHoldInput(g, n) else { return nil }
            data = [0]
        default: return nil
        }
        for (i, v) in n.inputs.enumerated() where !v.isEmpty {
            if data.contains(i) {
                guard !g.isConstant(v), g.types[v]?.dtype == .float32 else { return nil }
            } else {
                guard g.isConstant(v) else { return nil }
            }
        }
        return data
    }

    /// Whether every output window of a MaxPool covers at least one input position (none is all padding).
    static func poolWindowsAllHoldInput(_ g: LoweredGraph, _ n: Node) -> Bool {
        guard let x = n.input(0), let xs = g.types[x]?.shape.values, let ys = g.types[n.outputs[0]]?.shape.values,
              xs.count >= 3, ys.count == xs.count, let ks = n.ints("kernel_shape"), ks.count == xs.count - 2,
              let geo = try? WindowGeometry(n, input: Array(xs[2...]), kernel: ks) else { return false }
        for axis in 0..<ks.count {
            let size = xs[2 + axis], k = ks[axis], s = geo.strides[axis], d = geo.dilations[axis], p = geo.padBegin[axis]
            for o in 0..<ys[2 + axis] where !(0..<k).contains(where: { t in (0..<size).contains(o * s - p + t * d) }) {
                return false
            }
        }
        return true
    }
}
