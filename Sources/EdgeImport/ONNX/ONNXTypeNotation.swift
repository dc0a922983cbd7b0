/// ONNX value types the IR cannot hold, kept as text so an export can write them back.
///
/// IR values are tensors of a known rank. An ONNX graph boundary can also be a sequence, a map, an
/// optional, a tensor of unknown rank, or untyped (a subgraph's inputs often are). The importer
/// records such a type in ``ModelMetadata/properties`` under `onnx.type.<value name>`, in the notation
/// onnxruntime uses in its messages — `seq(map(int64,tensor(float)))`, `tensor(float)` (no shape:
/// unknown rank), `none` (no type) — and the exporter writes that type instead of the IR's stand-in.
enum ONNXTypeNotation {
    static let propertyPrefix = "onnx.type."

    static let elementNames: [Int: String] = [
        1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 8: "string", 9: "bool",
        10: "float16", 11: "double", 12: "uint32", 13: "uint64", 14: "complex64", 15: "complex128", 16: "bfloat16",
        17: "float8e4m3fn", 18: "float8e4m3fnuz", 19: "float8e5m2", 20: "float8e5m2fnuz", 21: "uint4", 22: "int4",
        23: "float4e2m1", 24: "float8e8m0", 25: "uint2", 26: "int2",
    ]

    /// The notation of `t`, or nil when the IR's `TensorType` says everything (a tensor with a shape).
    static func notation(_ t: Onnx_TypeProto?, top: Bool = true, depth: Int = 0) -> String? {
        guard let t, let value = t.value else { return "none" }
        guard depth < 32 else { return "none" }
        func elem(_ code: Int32) -> String { elementNames[Int(code)] ?? "undefined" }
        switch value {
        case .tensorType(let tt):
            if top && tt.hasShape { return nil }
            return "tensor(\(elem(tt.elemType)))"
        case .sparseTensorType(let st): return "sparse_tensor(\(elem(st.elemType)))"
        case .sequenceType(let s): return "seq(\(notation(s.elemType, top: false, depth: depth + 1) ?? "none"))"
        case .optionalType(let o): return "optional(\(notation(o.elemType, top: false, depth: depth + 1) ?? "none"))"
        case .mapType(let m): return "map(\(elem(m.keyType)),\(notation(m.valueType, top: false, depth: depth + 1) ?? "none"))"
        }
    }

    /// Parses a notation back into a `TypeProto`; nil for `none` or text it does not understand.
    static func parse(_ text: String) -> Onnx_TypeProto? {
        var s = Substring(text)
        guard let t = parseType(&s, depth: 0), s.isEmpty else { return nil }
        return t
    }

    private static func parseType(_ s: inout Substring, depth: Int) -> Onnx_TypeProto? {
        guard depth < 32, let open = s.firstIndex(of: "(") else { return nil }
        let head = s[..<open]
        s = s[s.index(after: open)...]
        var t = Onnx_TypeProto()
        switch head {
        case "tensor", "sparse_tensor":
            guard let close = s.firstIndex(of: ")"), let code = code(of: s[..<close]) else { return nil }
            s = s[s.index(after: close)...]
            if head == "tensor" { t.tensorType.elemType = code } else { t.sparseTensorType.elemType = code }
            return t
        case "seq", "optional":
            guard let inner = parseType(&s, depth: depth + 1), s.first == ")" else { return nil }
            s = s.dropFirst()
            if head == "seq" { t.sequenceType.elemType = inner } else { t.optionalType.elemType = inner }
            return t
        case "map":
            guard let comma = s.firstIndex(of: ","), let key = code(of: s[..<comma]) else { return nil }
            s = s[s.index(after: comma)...]
            guard let inner = parseType(&s, depth: depth + 1), s.first == ")" else { return nil }
            s = s.dropFirst()
            t.mapType.keyType = key
            t.mapType.valueType = inner
            return t
        default:
            return nil
        }
    }

    private static func code(of name: Substring) -> Int32? {
        elementNames.first { $0.value == name }.map { Int32($0.key) }
    }
}
