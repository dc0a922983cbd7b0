/// The element type of a tensor: a scalar type, a packed sub-byte integer, or a GGUF block format.
///
/// Block formats are first-class element types rather than "int4 plus side tables" because that is how
/// deployed runtimes (ggml, llama.cpp) store them: a tensor of `q4_0` is a sequence of 18-byte blocks,
/// each holding 32 weights and their scale. Every size computation in Edgewise goes through
/// ``DType/byteCount(elements:)`` so a tensor's bytes are exact for every type.
///
/// The raw value is the name shown to users and written in JSON (`float32`, `q4_K`, …).
public enum DType: String, CaseIterable, Sendable, Codable, Hashable {
    // Floating point
    case float64, float32, float16, bfloat16
    case float8e4m3fn, float8e5m2
    /// ONNX's FNUZ float8 variants (no negative zero, no infinities), the E8M0 power-of-two scale type
    /// (microscaling formats) and E2M1 4-bit floats packed two per byte, low nibble first.
    case float8e4m3fnuz, float8e5m2fnuz, float8e8m0, float4e2m1
    // Integers
    case int64, int32, int16, int8
    case uint64, uint32, uint16, uint8
    /// Two signed 4-bit values per byte, low nibble first (ONNX INT4, TFLite INT4).
    case int4
    /// Two unsigned 4-bit values per byte, low nibble first.
    case uint4
    /// Four signed (`int2`) or unsigned (`uint2`) 2-bit values per byte, lowest bits first (ONNX INT2/UINT2).
    case int2, uint2
    case bool
    case string

    // GGUF / ggml block formats (field layout from ggml's `ggml-common.h`).
    case q4_0 = "q4_0", q4_1 = "q4_1", q5_0 = "q5_0", q5_1 = "q5_1", q8_0 = "q8_0", q8_1 = "q8_1"
    case q2_K = "q2_K", q3_K = "q3_K", q4_K = "q4_K", q5_K = "q5_K", q6_K = "q6_K", q8_K = "q8_K"
    case iq2_xxs, iq2_xs, iq3_xxs, iq1_s, iq4_nl, iq3_s, iq2_s, iq4_xs, iq1_m
    case tq1_0 = "tq1_0", tq2_0 = "tq2_0", mxfp4
    /// NVIDIA FP4: 64 E2M1 values with four E4M3 scales; 1-bit `q1_0`: 128 signs with one f16 scale.
    case nvfp4, q1_0 = "q1_0"

    /// How many elements one block holds (1 for scalar types, 2 for packed 4-bit).
    public var blockSize: Int { DType.traits[self]!.blockSize }
    /// Bytes one block occupies.
    public var bytesPerBlock: Int { DType.traits[self]!.bytesPerBlock }
    /// True for the ggml block formats (`q4_0`, `q6_K`, `iq2_xs`, …).
    public var isBlockFormat: Bool { DType.traits[self]!.kind == .block }
    public var isFloatingPoint: Bool { DType.traits[self]!.kind == .float }
    public var isInteger: Bool { DType.traits[self]!.kind == .integer }
    /// Nominal bits per element including block scales (e.g. 4.5 for `q4_0`).
    public var bitsPerElement: Double { Double(bytesPerBlock * 8) / Double(blockSize) }

    /// Exact storage size of `elements` values of this type, or nil when `elements` is not a whole
    /// number of blocks, is negative, or the byte count overflows.
    ///
    /// Packed 4- and 2-bit types round up to a whole byte, as ONNX and TFLite store them.
    public func byteCount(elements: Int) -> Int? {
        guard elements >= 0 else { return nil }
        if self == .string { return nil }
        let b = blockSize
        let blocks: Int
        if isBlockFormat {
            guard elements % b == 0 else { return nil }
            blocks = elements / b
        } else {
            blocks = elements / b + (elements % b == 0 ? 0 : 1)
        }
        let (bytes, overflow) = blocks.multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }

    /// Storage size for an element count that is known to be valid; rounds partial blocks up.
    public func approximateBytes(elements: Int) -> Int {
        if let exact = byteCount(elements: elements) { return exact }
        let blocks = (max(0, elements) + blockSize - 1) / blockSize
        return blocks &* bytesPerBlock
    }
}

extension DType {
    enum Kind: Sendable { case float, integer, boolean, string, block }

    struct Traits: Sendable {
        let blockSize: Int
        let bytesPerBlock: Int
        let kind: Kind
    }

    /// One table holds every per-type fact (ggml keeps the same shape of table, `type_traits[]`).
    ///
    /// Block sizes and bytes per block of the ggml formats are facts of the format: e.g. `q4_0` is
    /// an fp16 scale plus 16 bytes of nibbles for 32 weights = 18 bytes; the K-quants use 256-weight
    /// super-blocks.
    static let traits: [DType: Traits] = [
        .float64: .init(blockSize: 1, bytesPerBlock: 8, kind: .float),
        .float32: .init(blockSize: 1, bytesPerBlock: 4, kind: .float),
        .float16: .init(blockSize: 1, bytesPerBlock: 2, kind: .float),
        .bfloat16: .init(blockSize: 1, bytesPerBlock: 2, kind: .float),
        .float8e4m3fn: .init(blockSize: 1, bytesPerBlock: 1, kind: .float),
        .float8e5m2: .init(blockSize: 1, bytesPerBlock: 1, kind: .float),
        .float8e4m3fnuz: .init(blockSize: 1, bytesPerBlock: 1, kind: .float),
        .float8e5m2fnuz: .init(blockSize: 1, bytesPerBlock: 1, kind: .float),
        .float8e8m0: .init(blockSize: 1, bytesPerBlock: 1, kind: .float),
        .float4e2m1: .init(blockSize: 2, bytesPerBlock: 1, kind: .float),
        .int64: .init(blockSize: 1, bytesPerBlock: 8, kind: .integer),
        .int32: .init(blockSize: 1, bytesPerBlock: 4, kind: .integer),
        .int16: .init(blockSize: 1, bytesPerBlock: 2, kind: .integer),
        .int8: .init(blockSize: 1, bytesPerBlock: 1, kind: .integer),
        .uint64: .init(blockSize: 1, bytesPerBlock: 8, kind: .integer),
        .uint32: .init(blockSize: 1, bytesPerBlock: 4, kind: .integer),
        .uint16: .init(blockSize: 1, bytesPerBlock: 2, kind: .integer),
        .uint8: .init(blockSize: 1, bytesPerBlock: 1, kind: .integer),
        .int4: .init(blockSize: 2, bytesPerBlock: 1, kind: .integer),
        .uint4: .init(blockSize: 2, bytesPerBlock: 1, kind: .integer),
        .int2: .init(blockSize: 4, bytesPerBlock: 1, kind: .integer),
        .uint2: .init(blockSize: 4, bytesPerBlock: 1, kind: .integer),
        .bool: .init(blockSize: 1, bytesPerBlock: 1, kind: .boolean),
        .string: .init(blockSize: 1, bytesPerBlock: 0, kind: .string),
        // ggml block formats: (weights per block, bytes per block)
        .q4_0: .init(blockSize: 32, bytesPerBlock: 18, kind: .block),   // f16 d + 16 B nibbles
        .q4_1: .init(blockSize: 32, bytesPerBlock: 20, kind: .block),   // f16 d, f16 m + 16 B
        .q5_0: .init(blockSize: 32, bytesPerBlock: 22, kind: .block),   // f16 d + 4 B high bits + 16 B
        .q5_1: .init(blockSize: 32, bytesPerBlock: 24, kind: .block),   // f16 d, m + 4 B + 16 B
        .q8_0: .init(blockSize: 32, bytesPerBlock: 34, kind: .block),   // f16 d + 32 B
        .q8_1: .init(blockSize: 32, bytesPerBlock: 36, kind: .block),   // f16 d, s + 32 B
        .q2_K: .init(blockSize: 256, bytesPerBlock: 84, kind: .block),  // 16 B scales + 64 B q + 2 f16
        .q3_K: .init(blockSize: 256, bytesPerBlock: 110, kind: .block), // 32 B hmask + 64 B q + 12 B scales + f16
        .q4_K: .init(blockSize: 256, bytesPerBlock: 144, kind: .block), // 2 f16 + 12 B scales + 128 B q
        .q5_K: .init(blockSize: 256, bytesPerBlock: 176, kind: .block), // 2 f16 + 12 B + 32 B qh + 128 B q
        .q6_K: .init(blockSize: 256, bytesPerBlock: 210, kind: .block), // 128 B ql + 64 B qh + 16 B scales + f16
        .q8_K: .init(blockSize: 256, bytesPerBlock: 292, kind: .block), // f32 d + 256 B q + 32 B bsums
        .iq2_xxs: .init(blockSize: 256, bytesPerBlock: 66, kind: .block),
        .iq2_xs: .init(blockSize: 256, bytesPerBlock: 74, kind: .block),
        .iq3_xxs: .init(blockSize: 256, bytesPerBlock: 98, kind: .block),
        .iq1_s: .init(blockSize: 256, bytesPerBlock: 50, kind: .block),
        .iq4_nl: .init(blockSize: 32, bytesPerBlock: 18, kind: .block),
        .iq3_s: .init(blockSize: 256, bytesPerBlock: 110, kind: .block),
        .iq2_s: .init(blockSize: 256, bytesPerBlock: 82, kind: .block),
        .iq4_xs: .init(blockSize: 256, bytesPerBlock: 136, kind: .block),
        .iq1_m: .init(blockSize: 256, bytesPerBlock: 56, kind: .block),
        .tq1_0: .init(blockSize: 256, bytesPerBlock: 54, kind: .block),
        .tq2_0: .init(blockSize: 256, bytesPerBlock: 66, kind: .block),
        .mxfp4: .init(blockSize: 32, bytesPerBlock: 17, kind: .block),
        .nvfp4: .init(blockSize: 64, bytesPerBlock: 36, kind: .block),   // 4 B scales + 32 B nibbles
        .q1_0: .init(blockSize: 128, bytesPerBlock: 18, kind: .block),   // f16 d + 16 B sign bits
    ]
}

extension DType {
    /// The ggml type id (`enum ggml_type`) of this type, if ggml has one.
    public var ggmlTypeID: UInt32? {
        DType.ggmlIDs.first(where: { $0.value == self })?.key
    }

    /// The element type for a ggml type id, or nil for ids ggml has retired or never assigned.
    public init?(ggmlTypeID id: UInt32) {
        guard let t = DType.ggmlIDs[id] else { return nil }
        self = t
    }

    /// ggml's type ids. Gaps (4, 5: the removed Q4_2/Q4_3; 31–33: removed Q4_0_4_4 …) are facts of
    /// the format and stay unassigned.
    static let ggmlIDs: [UInt32: DType] = [
        0: .float32, 1: .float16, 2: .q4_0, 3: .q4_1, 6: .q5_0, 7: .q5_1, 8: .q8_0, 9: .q8_1,
        10: .q2_K, 11: .q3_K, 12: .q4_K, 13: .q5_K, 14: .q6_K, 15: .q8_K,
        16: .iq2_xxs, 17: .iq2_xs, 18: .iq3_xxs, 19: .iq1_s, 20: .iq4_nl, 21: .iq3_s, 22: .iq2_s,
        23: .iq4_xs, 24: .int8, 25: .int16, 26: .int32, 27: .int64, 28: .float64, 29: .iq1_m,
        30: .bfloat16, 34: .tq1_0, 35: .tq2_0, 39: .mxfp4, 40: .nvfp4, 41: .q1_0,
    ]
}
