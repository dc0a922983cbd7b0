import EdgeIR
import Foundation

/// Quantized constants as QDQ, the form onnxruntime's quantization tools write and its optimizer fuses.
///
/// - An integer tensor (`int8`, `uint8`, `int16`, `uint16`, `int4`, `uint4`, `int32`) with
///   `.perTensor(scale, zeroPoint)` or `.perAxis(axis, scales, zeroPoints)` is stored as is, under
///   `<name>_quantized`, with `<name>_scale` (float32, scalar or `[C]`) and `<name>_zero_point` (the
///   data's type), and `DequantizeLinear` produces `<name>` for its float consumers.
/// - A float tensor with a quantization (a weight marked for quantization but still held in float)
///   gets `QuantizeLinear` → `DequantizeLinear`, so a run sees the rounded values. The integer type
///   is `int8` when every zero point fits −128…127, else `uint8`.
/// Tensors read by integer ops (`QLinearConv`, `MatMulInteger` …) are written raw, as those ops take
/// their scales as inputs. Group-wise and block formats have no QDQ form here and are refused.
extension ONNXGraphWriter {
    mutating func quantized(_ t: Tensor, _ q: Quantization) throws {
        let field = "tensor '\(t.name)'"
        var axis: Int?
        var scales: [Float]
        var zeroPoints: [Int32]
        switch q {
        case .perTensor(let s, let z):
            scales = [s]
            zeroPoints = [z]
        case .perAxis(let a, let s, let z):
            guard let ax = t.shape.axis(a), let c = t.shape[ax].value, s.count == c, z.isEmpty || z.count == c else {
                throw ONNXExportError(field: field, reason: "per-axis quantization on axis \(a) does not fit \(t.shape) (\(s.count) scales)")
            }
            axis = ax
            scales = s
            zeroPoints = z.isEmpty ? Array(repeating: 0, count: c) : z
        case .groupwise, .block:
            throw ONNXExportError(field: field, reason: "\(q.summary) quantization has no QDQ form; dequantize it first")
        }
        let shape = axis == nil ? Shape.scalar : Shape([scales.count])
        let scale = try floats(t.name + "_scale", scales, shape: shape)
        var attrs: [String: Attribute] = [:]
        if let axis { attrs["axis"] = .int(axis) }
        report.quantizedTensors += 1

        if t.dtype.isFloatingPoint {
            let signed = zeroPoints.allSatisfy { $0 >= -128 && $0 <= 127 }
            let zp = try zeroPoint(t.name, zeroPoints, dtype: signed ? .int8 : .uint8, shape: shape)
            let float = fresh(t.name + "_float")
            addedInitializers.append(try tensor(t, name: float))
            let quant = fresh(t.name + "_q")
            try node("QuantizeLinear", [float, scale, zp], [quant], name: fresh(t.name + "/QuantizeLinear"), attrs, depth: 0)
            try node("DequantizeLinear", [quant, scale, zp], [t.name], name: fresh(t.name + "/DequantizeLinear"), attrs, depth: 0)
            return
        }
        guard [.int8, .uint8, .int16, .uint16, .int4, .uint4, .int32].contains(t.dtype) else {
            throw ONNXExportError(field: field, reason: "\(t.dtype.rawValue) cannot be dequantized by DequantizeLinear")
        }
        if t.dtype == .int32, zeroPoints.contains(where: { $0 != 0 }) {
            throw ONNXExportError(field: field, reason: "int32 quantized data must have zero point 0")
        }
        let zp = try zeroPoint(t.name, zeroPoints, dtype: t.dtype, shape: shape)
        let data = fresh(t.name + "_quantized")
        var stored = t
        stored.quantization = nil
        addedInitializers.append(try tensor(stored, name: data))
        try node("DequantizeLinear", [data, scale, zp], [t.name], name: fresh(t.name + "/DequantizeLinear"), attrs, depth: 0)
    }

    /// A zero-point tensor of `dtype` (values must fit it; 4-bit types are packed two per byte).
    private mutating func zeroPoint(_ base: String, _ values: [Int32], dtype: DType, shape: Shape) throws -> String {
        let range: ClosedRange<Int32>
        switch dtype {
        case .int8: range = -128...127
        case .uint8: range = 0...255
        case .int16: range = -32768...32767
        case .uint16: range = 0...65535
        case .int4: range = -8...7
        case .uint4: range = 0...15
        default: range = Int32.min...Int32.max
        }
        guard values.allSatisfy(range.contains) else {
            throw ONNXExportError(field: "tensor '\(base)'", reason: "zero points \(values.prefix(4)) do not fit \(dtype.rawValue)")
        }
        let width = dtype.blockSize == 2 ? 0 : dtype.bytesPerBlock
        var bytes = [UInt8](repeating: 0, count: dtype.byteCount(elements: values.count) ?? 0)
        for (i, v) in values.enumerated() {
            if width == 0 {
                let nibble = UInt8(truncatingIfNeeded: v) & 0x0F
                bytes[i / 2] |= i % 2 == 0 ? nibble : nibble << 4
            } else {
                for b in 0..<width { bytes[i * width + b] = UInt8(truncatingIfNeeded: v >> (8 * Int32(b))) }
            }
        }
        return try constant(base + "_zero_point", Tensor(name: base, type: TensorType(dtype, shape), storage: .memory(bytes)))
    }
}
