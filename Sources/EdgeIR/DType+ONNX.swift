extension DType {
    /// The ONNX `TensorProto.DataType` code of this type, if ONNX has one.
    ///
    /// The IR's op vocabulary follows ONNX, so `Cast(to:)` and `ConstantOfShape` carry ONNX codes;
    /// these numbers are facts of onnx.proto.
    public var onnxDataType: Int? {
        DType.onnxCodes.first(where: { $0.value == self })?.key
    }

    public init?(onnxDataType code: Int) {
        guard let t = DType.onnxCodes[code] else { return nil }
        self = t
    }

    static let onnxCodes: [Int: DType] = [
        1: .float32, 2: .uint8, 3: .int8, 4: .uint16, 5: .int16, 6: .int32, 7: .int64, 8: .string,
        9: .bool, 10: .float16, 11: .float64, 12: .uint32, 13: .uint64, 16: .bfloat16,
        17: .float8e4m3fn, 18: .float8e4m3fnuz, 19: .float8e5m2, 20: .float8e5m2fnuz, 21: .uint4, 22: .int4,
        23: .float4e2m1, 24: .float8e8m0, 25: .uint2, 26: .int2,
    ]
}
