/// The wire-level shape of the ONNX messages Edgewise reads: for each message, which field numbers
/// hold sub-messages, UTF-8 strings, scalars, or tensor payloads.
///
/// It mirrors Protos/onnx-subset.proto (field numbers are facts of onnx.proto). The locator uses it to
/// walk a file before swift-protobuf sees it: to check every length and string with the byte offset
/// at hand, and to cut tensor payloads out so they stay in the mapped file. A field the table does not
/// list is dropped, exactly as the decoder (told to discard unknown fields) would drop it.
/// `ONNXWireSchemaTests` checks the table against the generated messages, so the two cannot drift.
enum ONNXMessageKind: Int, CaseIterable, Sendable {
    case model, graph, node, attribute, tensor, sparseTensor, valueInfo
    case typeProto, typeTensor, typeSequence, typeMap, typeOptional, typeSparseTensor
    case shape, dimension, operatorSetID, stringEntry, function
}

/// What a field holds, as far as the wire walk is concerned.
enum ONNXFieldKind: Sendable, Equatable {
    /// A sub-message of the given kind.
    case message(ONNXMessageKind)
    /// A UTF-8 string (validated, since the decoder rejects invalid UTF-8 without an offset).
    case string
    /// Opaque bytes.
    case bytes
    /// Varint scalars, singular or repeated (packed or not).
    case varint
    /// 4-byte scalars (float), singular or repeated.
    case fixed32
    /// 8-byte scalars (double), singular or repeated.
    case fixed64
    /// A tensor payload that stays in the file: `raw_data`, or packed `float_data` / `double_data`
    /// (little-endian, so the packed bytes are the tensor's bytes). `width` is the element size for
    /// packed payloads, 1 for raw bytes.
    case payload(width: Int)
    /// Edgewise's private fields: stripped from input, written by the locator.
    case edgewisePrivate
    /// Declared, but nothing reads it (documentation and per-node exporter metadata, which PyTorch
    /// writes by the kilobyte): skipped by length, never copied or decoded.
    case unused
}

struct ONNXField: Sendable {
    let name: String
    let kind: ONNXFieldKind
}

enum ONNXWireSchema {
    /// Field number of the private message offset (`edgewise_offset`).
    static let offsetField = 1000
    /// Field number of the private payload references (`edgewise_payload`).
    static let payloadField = 1001

    /// Messages that carry `edgewise_offset`.
    static let carriesOffset: Set<ONNXMessageKind> = [.graph, .node, .attribute, .tensor, .sparseTensor, .valueInfo, .function]

    static func fields(_ kind: ONNXMessageKind) -> [Int: ONNXField] { table[kind.rawValue] }

    /// Field numbers declared `repeated` (error paths index them: `node[3]`).
    static func repeatedFields(_ kind: ONNXMessageKind) -> Set<Int> {
        switch kind {
        case .model: return [8, 14, 25]
        case .graph: return [1, 5, 15, 11, 12, 13, 16]
        case .node: return [1, 2, 5, 9]
        case .attribute: return [7, 8, 9, 10, 11, 23, 15]
        case .tensor: return [1, 4, 5, 6, 7, 13, 10, 11, 16, payloadField]
        case .sparseTensor: return [3]
        case .valueInfo: return [4]
        case .shape: return [1]
        case .function: return [4, 5, 6, 11, 7, 9, 12, 14]
        case .typeProto, .typeTensor, .typeSequence, .typeMap, .typeOptional, .typeSparseTensor,
             .dimension, .operatorSetID, .stringEntry:
            return []
        }
    }

    private static let table: [[Int: ONNXField]] = ONNXMessageKind.allCases.map { fieldsOf($0) }

    private static func fieldsOf(_ kind: ONNXMessageKind) -> [Int: ONNXField] {
        func f(_ name: String, _ k: ONNXFieldKind) -> ONNXField { ONNXField(name: name, kind: k) }
        var d: [Int: ONNXField]
        switch kind {
        case .model:
            d = [1: f("ir_version", .varint), 8: f("opset_import", .message(.operatorSetID)),
                 2: f("producer_name", .string), 3: f("producer_version", .string), 4: f("domain", .string),
                 5: f("model_version", .varint), 6: f("doc_string", .string), 7: f("graph", .message(.graph)),
                 14: f("metadata_props", .message(.stringEntry)), 25: f("functions", .message(.function))]
        case .graph:
            d = [1: f("node", .message(.node)), 2: f("name", .string), 5: f("initializer", .message(.tensor)),
                 15: f("sparse_initializer", .message(.sparseTensor)), 10: f("doc_string", .unused),
                 11: f("input", .message(.valueInfo)), 12: f("output", .message(.valueInfo)),
                 13: f("value_info", .message(.valueInfo)), 16: f("metadata_props", .unused)]
        case .node:
            d = [1: f("input", .string), 2: f("output", .string), 3: f("name", .string), 4: f("op_type", .string),
                 7: f("domain", .string), 5: f("attribute", .message(.attribute)), 6: f("doc_string", .unused),
                 9: f("metadata_props", .unused)]
        case .attribute:
            d = [1: f("name", .string), 21: f("ref_attr_name", .string), 13: f("doc_string", .unused),
                 20: f("type", .varint), 2: f("f", .fixed32), 3: f("i", .varint), 4: f("s", .bytes),
                 5: f("t", .message(.tensor)), 6: f("g", .message(.graph)), 22: f("sparse_tensor", .message(.sparseTensor)),
                 14: f("tp", .message(.typeProto)), 7: f("floats", .fixed32), 8: f("ints", .varint),
                 9: f("strings", .bytes), 10: f("tensors", .message(.tensor)), 11: f("graphs", .message(.graph)),
                 23: f("sparse_tensors", .message(.sparseTensor)), 15: f("type_protos", .message(.typeProto))]
        case .tensor:
            d = [1: f("dims", .varint), 2: f("data_type", .varint), 4: f("float_data", .payload(width: 4)),
                 5: f("int32_data", .varint), 6: f("string_data", .bytes), 7: f("int64_data", .varint),
                 8: f("name", .string), 12: f("doc_string", .unused), 9: f("raw_data", .payload(width: 1)),
                 13: f("external_data", .message(.stringEntry)), 14: f("data_location", .varint),
                 10: f("double_data", .payload(width: 8)), 11: f("uint64_data", .varint),
                 16: f("metadata_props", .unused)]
        case .sparseTensor:
            d = [1: f("values", .message(.tensor)), 2: f("indices", .message(.tensor)), 3: f("dims", .varint)]
        case .valueInfo:
            d = [1: f("name", .string), 2: f("type", .message(.typeProto)), 3: f("doc_string", .unused),
                 4: f("metadata_props", .unused)]
        case .typeProto:
            d = [1: f("tensor_type", .message(.typeTensor)), 4: f("sequence_type", .message(.typeSequence)),
                 5: f("map_type", .message(.typeMap)), 9: f("optional_type", .message(.typeOptional)),
                 8: f("sparse_tensor_type", .message(.typeSparseTensor)), 6: f("denotation", .string)]
        case .typeTensor, .typeSparseTensor:
            d = [1: f("elem_type", .varint), 2: f("shape", .message(.shape))]
        case .typeSequence, .typeOptional:
            d = [1: f("elem_type", .message(.typeProto))]
        case .typeMap:
            d = [1: f("key_type", .varint), 2: f("value_type", .message(.typeProto))]
        case .shape:
            d = [1: f("dim", .message(.dimension))]
        case .dimension:
            d = [1: f("dim_value", .varint), 2: f("dim_param", .string), 3: f("denotation", .string)]
        case .operatorSetID:
            d = [1: f("domain", .string), 2: f("version", .varint)]
        case .stringEntry:
            d = [1: f("key", .string), 2: f("value", .string)]
        case .function:
            d = [1: f("name", .string), 4: f("input", .string), 5: f("output", .string), 6: f("attribute", .string),
                 11: f("attribute_proto", .message(.attribute)), 7: f("node", .message(.node)),
                 8: f("doc_string", .unused), 9: f("opset_import", .message(.operatorSetID)), 10: f("domain", .string),
                 12: f("value_info", .message(.valueInfo)), 14: f("metadata_props", .unused)]
        }
        if carriesOffset.contains(kind) { d[offsetField] = f("edgewise_offset", .edgewisePrivate) }
        if kind == .tensor { d[payloadField] = f("edgewise_payload", .edgewisePrivate) }
        return d
    }
}
