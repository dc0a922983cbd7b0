import EdgeIR

/// Int8 weights for a whole graph: every float32 constant that a Conv, Gemm or MatMul reads as its
/// weight becomes int8 codes with per-channel (or per-tensor) scales, the representation importers
/// give quantized TFLite weights and the ONNX exporter writes as `DequantizeLinear` (QDQ).
///
/// The channel axis is the output-feature axis of each op, as onnxruntime's `quantize_static` picks
/// it: 0 for Conv's `[O, I, kh, kw]` and for Gemm's `[N, K]` with `transB = 1`; the last axis for
/// MatMul's `[…, K, N]` and for Gemm without `transB`. Codes come from ``AffineQuantizer`` (bit-exact
/// with onnxruntime's weight quantization). The input graph is not modified; a weight read by several
/// nodes is quantized once (on the first reader's axis).
public enum GraphWeightQuantizer {
    public struct Layer: Sendable, Equatable {
        public var node: String
        public var op: OpType
        public var weight: String
        public var elements: Int
        public var bytesBefore: Int
        public var bytesAfter: Int
        /// SQNR of the weight itself, dB.
        public var sqnr: Double
    }

    public struct Report: Sendable {
        public var layers: [Layer] = []
        /// Weights left in float, with the reason (excluded, not float32, absent bytes …).
        public var skipped: [(weight: String, reason: String)] = []
        public var bytesBefore: Int { layers.reduce(0) { $0 + $1.bytesBefore } }
        public var bytesAfter: Int { layers.reduce(0) { $0 + $1.bytesAfter } }
    }

    /// - Parameters:
    ///   - exclude: node names or op types (`Conv`, `MatMul` …) to leave in float.
    /// - Throws: ``OptimizeError`` when a weight holds NaN or infinity.
    public static func quantize(_ graph: Graph, perChannel: Bool = true, symmetric: Bool = true,
                                exclude: [String] = []) throws -> (Graph, Report) {
        var out = graph
        var report = Report()
        var done = Set<String>()
        let format: IntegerFormat = symmetric ? .int8Symmetric : .uint8
        for node in graph.nodes where [.conv, .gemm, .matMul].contains(node.op) {
            guard let weight = node.input(1), !done.contains(weight), let t = graph.constants[weight] else { continue }
            done.insert(weight)
            if exclude.contains(node.name) || exclude.contains(node.op.rawValue) {
                report.skipped.append((weight, "excluded (\(node.name))"))
                continue
            }
            guard t.dtype == .float32, t.quantization == nil else {
                report.skipped.append((weight, "stored as \(t.dtype.rawValue)\(t.quantization == nil ? "" : ", already quantized")"))
                continue
            }
            guard let dims = t.shape.values, dims.count >= 1, t.storage.isPresent else {
                report.skipped.append((weight, "no static shape or no stored values"))
                continue
            }
            let values: [Float] = t.storage.withBytes { raw in
                (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            guard values.count == dims.reduce(1, *) else {
                report.skipped.append((weight, "\(values.count) stored values for shape \(dims)"))
                continue
            }
            let axis: Int
            switch node.op {
            case .conv: axis = node.string("weight_layout") == "1HWO" ? 3 : 0     // TFLite depthwise: [1, kh, kw, C]
            case .gemm: axis = (node.attributes["transB"].flatMap { if case .int(let v) = $0 { return v } else { return nil } } ?? 0) == 1 ? 0 : dims.count - 1
            default: axis = dims.count - 1
            }
            let q = try AffineQuantizer.quantize(values, shape: dims, axis: perChannel ? axis : nil, format: format,
                                                 symmetric: symmetric, name: weight)
            let e = ErrorMetrics.energies(reference: values, test: q.dequantized())
            out.setConstant(Tensor(name: weight, type: TensorType(format.signed ? .int8 : .uint8, t.shape),
                                   quantization: q.quantization, storage: .memory(q.codes)))
            report.layers.append(Layer(node: node.name, op: node.op, weight: weight, elements: values.count,
                                       bytesBefore: 4 * values.count,
                                       bytesAfter: values.count + q.quantization.overheadBytes(elements: values.count),
                                       sqnr: e.noise == 0 ? .infinity : 10 * Foundation.log10(e.signal / e.noise)))
        }
        return (out, report)
    }
}

import Foundation
