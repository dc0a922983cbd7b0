import EdgeIR
import Foundation

/// Rewrites the convolutions of a ``StaticQuantizer`` QDQ graph as `QLinearConv` (ONNX's QOperator
/// form), so the engine runs them on its integer kernels: int8 activations in, int8 out, int32
/// accumulation, requantized with the calibrated output scale.
///
/// A Conv is converted when its input is a `QuantizeLinear → DequantizeLinear` pair, its weight an
/// int8 `DequantizeLinear` of constant codes, its output quantized by a pair too, and its fused
/// activation (TFLite's `activation` attribute) is none, or `RELU` with the output's zero point at
/// −128 (a calibrated range starting at 0, so saturation at −128 *is* the ReLU, as in TFLite's int8
/// kernels). The float bias becomes int32 with scale `x_scale · w_scale[c]` and zero point 0 (the
/// ONNX definition of QLinearConv's B). NHWC convolutions (TFLite imports) get int8 `Transpose`s to
/// NCHW and back around the QLinearConv, and their OHWI / 1HWO weights are transposed to OIHW.
/// Everything else (other ops, the Q/DQ pairs between them) stays as it was; nodes left without
/// readers are removed.
public enum QOperatorConversion {
    public struct Report: Sendable {
        public var converted = 0
        public var skipped: [(node: String, reason: String)] = []
    }

    public static func convert(_ graph: Graph) throws -> (Graph, Report) {
        var g = graph
        var report = Report()
        let producers = Dictionary(graph.nodes.flatMap { n in n.outputs.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
        var replaced: [String: [Node]] = [:]      // conv name → its replacement
        var droppedQuantize = Set<String>()        // output Q nodes now produced by QLinearConv
        var candidates = Set<String>()             // constants the replaced nodes read
        for n in graph.nodes where n.op == .conv {
            func skip(_ why: String) { report.skipped.append((n.name, why)) }
            guard n.inputs.count >= 2, let y = n.outputs.first,
                  let xdq = producers[n.inputs[0]], xdq.op.rawValue == "DequantizeLinear",
                  let xq = producers[xdq.inputs[0]], xq.op.rawValue == "QuantizeLinear",
                  let wdq = producers[n.inputs[1]], wdq.op.rawValue == "DequantizeLinear",
                  let codes = graph.constants[wdq.inputs[0]], codes.dtype == .int8,
                  let wScale = graph.constants[wdq.inputs[1]], let yq = graph.nodes.first(where: { $0.op.rawValue == "QuantizeLinear" && $0.inputs.first == y }),
                  let xScale = floats(graph.constants[xdq.inputs[1]]).first, floats(graph.constants[yq.inputs[1]]).first != nil,
                  let yZero = graph.constants[yq.inputs[2]].flatMap(int8s)?.first
            else { skip("not a quantized input, weight and output"); continue }
            let activation = n.string("activation")
            guard activation == nil || (activation?.uppercased() == "RELU" && yZero == -128) else {
                skip("fused activation \(activation ?? "") not representable by saturation"); continue
            }
            guard let dims = codes.shape.values, dims.count == 4 else { skip("weight is not 4-D"); continue }
            let layout = n.string("layout") ?? "NCHW", wLayout = n.string("weight_layout") ?? (layout == "NHWC" ? "OHWI" : "OIHW")
            // Weight codes to OIHW.
            let perm: [Int]
            switch wLayout {
            case "OIHW": perm = [0, 1, 2, 3]
            case "OHWI": perm = [0, 3, 1, 2]
            case "1HWO": perm = [3, 0, 1, 2]
            default: skip("weight layout \(wLayout)"); continue
            }
            let outChannels = dims[perm[0]]
            let ws = floats(wScale)
            guard ws.count == 1 || ws.count == outChannels else { skip("\(ws.count) weight scales for \(outChannels) channels"); continue }
            if n.int("depth_multiplier", default: 1) != 1 { skip("depth multiplier"); continue }
            let src = codes.storage.withBytes { raw in raw.map { Int8(bitPattern: $0) } }
            let newDims = perm.map { dims[$0] }
            var strides = [Int](repeating: 1, count: 4)
            for i in stride(from: 2, through: 0, by: -1) { strides[i] = strides[i + 1] * dims[i + 1] }
            var oihw = [Int8](repeating: 0, count: src.count)
            var k = 0
            for a in 0..<newDims[0] { for b in 0..<newDims[1] { for c in 0..<newDims[2] { for d in 0..<newDims[3] {
                let idx = [a, b, c, d]
                var s = 0
                for j in 0..<4 { s += idx[j] * strides[perm[j]] }
                oihw[k] = src[s]; k += 1
            } } } }
            let p = n.name + "/qlinear"
            g.setConstant(Tensor(name: p + "_w", type: TensorType(.int8, Shape(newDims)), storage: .memory(oihw.map { UInt8(bitPattern: $0) })))
            g.setConstant(.float32(p + "_w_scale", ws, shape: Shape([ws.count])))
            g.setConstant(Tensor(name: p + "_w_zero_point", type: TensorType(.int8, Shape([ws.count])), storage: .memory([UInt8](repeating: 0, count: ws.count))))
            var inputs = [xq.outputs[0], xdq.inputs[1], xdq.inputs[2], p + "_w", p + "_w_scale", p + "_w_zero_point", yq.inputs[1], yq.inputs[2]]
            if n.inputs.count > 2, !n.inputs[2].isEmpty {
                guard let b = graph.constants[n.inputs[2]], b.dtype == .float32 else { skip("bias is not a float constant"); continue }
                let bias = floats(b)
                let q = bias.indices.map { c -> Int32 in
                    let s = Double(xScale) * Double(ws.count == 1 ? ws[0] : ws[c])
                    return Int32(clamping: Int64((Double(bias[c]) / s).rounded(.toNearestOrEven)))
                }
                g.setConstant(Tensor(name: p + "_bias", type: TensorType(.int32, Shape([q.count])),
                                     storage: .memory(q.withUnsafeBytes { Array($0) })))
                inputs.append(p + "_bias")
            }
            var attrs = n.attributes
            for key in ["layout", "weight_layout", "activation", "depth_multiplier"] { attrs[key] = nil }
            attrs["kernel_shape"] = .ints([newDims[2], newDims[3]])
            var nodes: [Node] = []
            let yOut = yq.outputs[0]
            if layout == "NHWC" {
                nodes.append(Node(name: p + "/to_nchw", op: "Transpose", inputs: [inputs[0]], outputs: [p + "_x_nchw"], attributes: ["perm": .ints([0, 3, 1, 2])]))
                inputs[0] = p + "_x_nchw"
                nodes.append(Node(name: p, op: "QLinearConv", inputs: inputs, outputs: [p + "_y_nchw"], attributes: attrs))
                nodes.append(Node(name: p + "/to_nhwc", op: "Transpose", inputs: [p + "_y_nchw"], outputs: [yOut], attributes: ["perm": .ints([0, 2, 3, 1])]))
            } else {
                nodes.append(Node(name: p, op: "QLinearConv", inputs: inputs, outputs: [yOut], attributes: attrs))
            }
            replaced[n.name] = nodes
            candidates.formUnion(wdq.inputs + n.inputs)
            droppedQuantize.insert(yq.name)
            report.converted += 1
        }
        var out: [Node] = []
        for n in graph.nodes where !droppedQuantize.contains(n.name) {
            if let r = replaced[n.name] { out += r } else { out.append(n) }
        }
        // Remove the Q/DQ nodes nothing reads any more (the converted weights' DequantizeLinear, input
        // pairs only the converted convolutions read) and the constants only they read.
        let graphOutputs = Set(graph.outputs.map(\.name))
        while true {
            let read = Set(out.flatMap(\.inputs)).union(graphOutputs)
            let live = out.filter { n in !["QuantizeLinear", "DequantizeLinear"].contains(n.op.rawValue) || n.outputs.contains { read.contains($0) } }
            if live.count == out.count { break }
            out = live
        }
        g.nodes = out
        let read = Set(out.flatMap(\.inputs)).union(graphOutputs)
        for name in candidates where !read.contains(name) { g.removeConstant(named: name) }
        _ = try g.inferShapes(strict: false)
        return (g, report)
    }

    static func floats(_ t: Tensor?) -> [Float] {
        guard let t, t.dtype == .float32 else { return [] }
        return t.storage.withBytes { raw in (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
    }

    static func int8s(_ t: Tensor) -> [Int8]? {
        t.dtype == .int8 ? t.storage.withBytes { raw in raw.map { Int8(bitPattern: $0) } } : nil
    }
}
