import EdgeIR

/// Value types: `ValueInfoProto` → `TensorType`, and ONNX data type codes → `DType`.
extension ONNXGraphReader {
    /// The type of a graph input or output. Non-tensor values (sequences, optionals, maps) are typed by
    /// the tensor type they hold, with a note, because the IR's values are tensors.
    ///
    /// A subgraph output may leave its type (or rank) undeclared; it gets a placeholder, is recorded in
    /// ``placeholderOutputs``, and is typed later by ``Graph/refineSubgraphTypes(scope:placeholders:depth:)``.
    mutating func boundaryType(_ v: Onnx_ValueInfoProto, path: String, role: String,
                               inSubgraph: Bool = false) throws(ImportError) -> TensorType {
        guard !v.name.isEmpty else { throw fail(path + ".name", v.edgewiseOffset, "\(role) has no name") }
        if let text = ONNXTypeNotation.notation(v.hasType ? v.type : nil) { originalTypes[v.name] = text }
        let deferred = inSubgraph && role == "output"
        guard v.hasType, v.type.value != nil else {
            if deferred {
                placeholderOutputs.insert(v.name)
            } else {
                notes.add("untyped:\(role)", "\(role) '\(v.name)' declares no type; shown as float32[?]")
            }
            return TensorType(.float32, Shape([Dim.unknown]))
        }
        if deferred, case .tensorType(let tt)? = v.type.value, !tt.hasShape {
            placeholderOutputs.insert(v.name)
            return TensorType(try dataType(Int(tt.elemType), path: path + ".type.tensor_type.elem_type", offset: v.edgewiseOffset),
                              Shape([Dim.unknown]))
        }
        return try tensorType(v.type, name: v.name, path: path + ".type", role: role, offset: v.edgewiseOffset)
    }

    func hasTensorType(_ v: Onnx_ValueInfoProto) -> Bool {
        switch v.type.value {
        case .tensorType?, .sparseTensorType?: return true
        default: return false
        }
    }

    mutating func tensorType(_ t: Onnx_TypeProto, name: String, path: String, role: String,
                             offset: UInt64? = nil, depth: Int = 0) throws(ImportError) -> TensorType {
        func tensor(_ elem: Int32, _ hasShape: Bool, _ shape: Onnx_TensorShapeProto, _ p: String) throws(ImportError) -> TensorType {
            let dtype = try dataType(Int(elem), path: p + ".elem_type", offset: offset)
            guard hasShape else {
                notes.add("rank:\(role)", "\(role) '\(name)' has no declared shape (unknown rank); shown as a scalar")
                return TensorType(dtype, .scalar)
            }
            return TensorType(dtype, Shape(shape.dim.map(Self.dim)))
        }
        // Nesting is bounded by the locator's message depth; this guard keeps the recursion honest.
        guard depth < ONNXWireLocator.maxMessageDepth else { throw fail(path, offset, "type nested too deeply") }
        switch t.value {
        case .tensorType(let tt)?:
            return try tensor(tt.elemType, tt.hasShape, tt.shape, path + ".tensor_type")
        case .sparseTensorType(let st)?:
            return try tensor(st.elemType, st.hasShape, st.shape, path + ".sparse_tensor_type")
        case .sequenceType(let s)?:
            notes.add("kind:sequence", "\(role) '\(name)' is a sequence; the IR types it by its element type")
            return try tensorType(s.elemType, name: name, path: path + ".sequence_type.elem_type", role: role, offset: offset, depth: depth + 1)
        case .optionalType(let o)?:
            notes.add("kind:optional", "\(role) '\(name)' is optional; the IR types it by its element type")
            return try tensorType(o.elemType, name: name, path: path + ".optional_type.elem_type", role: role, offset: offset, depth: depth + 1)
        case .mapType(let m)?:
            notes.add("kind:map", "\(role) '\(name)' is a map; the IR types it by its value type")
            return try tensorType(m.valueType, name: name, path: path + ".map_type.value_type", role: role, offset: offset, depth: depth + 1)
        case nil:
            notes.add("untyped:\(role)", "\(role) '\(name)' declares no type; shown as float32[?]")
            return TensorType(.float32, Shape([Dim.unknown]))
        }
    }

    /// A declared dimension: a size, a named symbol, or unknown (`?`) when neither is given.
    static func dim(_ d: Onnx_TensorShapeProto.Dimension) -> Dim {
        switch d.value {
        case .dimValue(let v)?: return v >= 0 && v <= Int64(Int.max) ? .value(Int(v)) : .unknown
        case .dimParam(let p)?: return p.isEmpty ? .unknown : .symbol(p)
        case nil: return .unknown
        }
    }

    /// The IR element type of an ONNX `TensorProto.DataType` code.
    func dataType(_ code: Int, path: String, offset: UInt64?) throws(ImportError) -> DType {
        if let t = DType(onnxDataType: code) { return t }
        let name = ONNXGraphReader.dataTypeNames[code].map { "\($0) (\(code))" } ?? "\(code)"
        if code == 0 { throw fail(path, offset, "data type is UNDEFINED (0)") }
        throw fail(path, offset, "data type \(name) is not supported by Edgewise")
    }

    /// Names of `TensorProto.DataType` codes (facts of onnx.proto), for error messages.
    static let dataTypeNames: [Int: String] = [
        0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64",
        8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64",
        15: "COMPLEX128", 16: "BFLOAT16", 17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2",
        20: "FLOAT8E5M2FNUZ", 21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1", 24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2",
    ]
}
