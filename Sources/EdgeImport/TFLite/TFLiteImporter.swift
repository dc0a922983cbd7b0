import EdgeIR

/// Turns a TFLite FlatBuffer into a ``Model``.
///
/// Subgraph 0 becomes the graph. Tensors with data become constants whose storage is a slice of the
/// mapped file; every operator becomes an IR node in ONNX vocabulary (see ``TFLiteOperatorMapping``)
/// carrying a `tflite_op` attribute with its schema name; every tensor's stored shape is kept as the
/// value's declared type, which shape inference falls back to for operators it has no rule for.
public enum TFLiteImporter {
    public static func load(file: MappedFile) throws -> Model {
        let tfl = try TFLiteFile(file: file)
        return try model(from: tfl)
    }

    public static func model(from tfl: TFLiteFile) throws -> Model {
        let path = tfl.file.path
        func fail(_ field: String, _ reason: String, at: Int?) -> ImportError {
            ImportError(format: "tflite", file: path, field: field, offset: at, reason: reason)
        }
        let sg = tfl.subgraphs[0]
        var graph = Graph(name: sg.name.map { ImportError.printable($0) } ?? "main")

        // Value names: the tensor's name when it is non-empty and unique, else a numbered name.
        var names: [String] = []
        var used = Set<String>()
        for (i, t) in sg.tensors.enumerated() {
            var n = t.name.isEmpty ? "tensor_\(i)" : t.name
            if used.contains(n) { n = "\(n)#\(i)" }
            used.insert(n)
            names.append(n)
        }

        var unsupportedTypes = 0
        for (i, t) in sg.tensors.enumerated() {
            let field = "subgraphs[0].tensors[\(i)] '\(ImportError.printable(t.name))'"
            let range = t.buffer < tfl.buffers.count ? tfl.buffers[t.buffer] : 0..<0
            guard let dtype = t.dtype else {
                if !range.isEmpty { throw fail(field, "constant of unsupported type \(TFLiteSchema.typeName(t.typeCode))", at: t.position) }
                unsupportedTypes += 1
                continue
            }
            let type = TensorType(dtype, shape(t))
            if !range.isEmpty {
                if !t.isSparse, dtype != .string {
                    guard let need = TensorType(dtype, Shape(t.shape)).byteCount, need == range.count else {
                        throw fail(field, "buffer \(t.buffer) holds \(range.count) bytes; \(dtype.rawValue)\(t.shape) needs \(TensorType(dtype, Shape(t.shape)).byteCount.map(String.init) ?? "an impossible number of")", at: t.position)
                    }
                }
                graph.setConstant(EdgeIR.Tensor(name: names[i], type: TensorType(dtype, Shape(t.shape)),
                                                quantization: quantization(t),
                                                storage: .mapped(tfl.file, offset: range.lowerBound, length: range.count)))
            } else {
                graph.declaredTypes[names[i]] = type
            }
        }

        var produced = Set<String>()
        var mapping = TFLiteOperatorMapping(file: tfl, subgraph: sg, names: names)
        for (k, op) in sg.operators.enumerated() {
            let nodes = try mapping.nodes(for: op, index: k)
            for n in nodes {
                for o in n.outputs where !o.isEmpty {
                    guard produced.insert(o).inserted, graph.constants[o] == nil else {
                        throw fail("subgraphs[0].operators[\(k)].outputs", "value '\(ImportError.printable(o))' is written twice", at: op.position)
                    }
                }
            }
            graph.nodes.append(contentsOf: nodes)
        }
        for c in mapping.derivedConstants { graph.setConstant(c) }

        func info(_ i: Int) -> ValueInfo {
            ValueInfo(name: names[i], type: graph.declaredTypes[names[i]] ?? graph.constants[names[i]]?.type
                      ?? TensorType(.float32, Shape(sg.tensors[i].shape)))
        }
        graph.inputs = sg.inputs.filter { graph.constants[names[$0]] == nil }.map(info)
        // Variable tensors (LSTM state) are read but never written by an operator: state inputs.
        var known = Set(graph.inputs.map(\.name)).union(produced).union(graph.constants.keys)
        for n in graph.nodes {
            for v in n.inputs where !v.isEmpty && !known.contains(v) {
                guard let i = names.firstIndex(of: v), sg.tensors[i].isVariable else {
                    throw fail("subgraphs[0] node '\(ImportError.printable(n.name))'", "reads '\(ImportError.printable(v))', which no operator, input or buffer provides", at: nil)
                }
                var vi = info(i)
                vi.isState = true
                graph.inputs.append(vi)
                known.insert(v)
            }
        }
        for o in sg.outputs where !known.contains(names[o]) {
            throw fail("subgraphs[0].outputs", "output '\(ImportError.printable(names[o]))' is produced by nothing", at: nil)
        }
        graph.outputs = sg.outputs.map(info)
        for i in graph.inputs { graph.valueTypes[i.name] = i.type }

        var metadata = ModelMetadata(format: "tflite", source: path, producer: tfl.description.map { ImportError.printable($0, limit: 120) },
                                     formatVersion: "schema \(tfl.version)")
        let report: InferenceReport
        do {
            report = try graph.inferShapes(strict: false)
        } catch let e as IRError {
            throw fail("subgraphs[0]", e.description, at: nil)
        }
        metadata.properties["tflite.subgraphs"] = String(tfl.subgraphs.count)
        metadata.properties["tflite.operators"] = String(sg.operators.count)
        metadata.properties["tflite.tensors"] = String(sg.tensors.count)
        metadata.properties["tflite.buffers"] = String(tfl.buffers.count)
        if tfl.signatureCount > 0 { metadata.properties["tflite.signatures"] = String(tfl.signatureCount) }
        for m in tfl.metadata {
            let size = tfl.buffers[m.buffer].count
            metadata.properties["tflite.metadata." + ImportError.printable(m.name)] =
                m.name == "min_runtime_version" ? (tfl.metadataText(m.name).map { ImportError.printable($0) } ?? "") : "\(size) bytes"
        }
        let codes = Set(sg.operators.map { tfl.operatorCodes[$0.opcodeIndex].name })
        let custom = codes.filter { $0.hasPrefix("CUSTOM:") }.map { String($0.dropFirst(7)) }.sorted()
        if !custom.isEmpty {
            metadata.notes.append("custom operators (no shape or cost rule; shapes taken from the file): \(custom.map { ImportError.printable($0) }.joined(separator: ", "))")
        }
        let sparse = sg.tensors.filter(\.isSparse).count
        if sparse > 0 { metadata.notes.append("\(sparse) sparse constant tensors, densified by DENSIFY at load (sizes shown dense)") }
        if tfl.subgraphs.count > 1 { metadata.notes.append("\(tfl.subgraphs.count - 1) further subgraphs are not imported (only subgraph 0)") }
        if unsupportedTypes > 0 { metadata.notes.append("\(unsupportedTypes) tensors of types the IR does not represent (resource/variant/complex)") }
        if !report.unknownOps.isEmpty {
            metadata.notes.append("ops without a shape rule: " + report.unknownOps.keys.sorted().map { "\($0) ×\(report.unknownOps[$0]!)" }.joined(separator: ", "))
        }
        for issue in report.issues.prefix(5) { metadata.notes.append("shape inference: " + issue) }
        return Model(graph: graph, metadata: metadata)
    }

    /// The tensor's shape, with `shape_signature`'s −1 entries as symbols (`N` for a leading batch).
    static func shape(_ t: TFLiteFile.Tensor) -> Shape {
        guard let sig = t.shapeSignature, sig.contains(-1) else { return Shape(t.shape) }
        return Shape(sig.enumerated().map { i, d in d == -1 ? .symbol(i == 0 ? "N" : "d\(i)") : .value(d) })
    }

    static func quantization(_ t: TFLiteFile.Tensor) -> Quantization? {
        guard let q = t.quantization else { return nil }
        if q.scales.count == 1 {
            return .perTensor(scale: q.scales[0], zeroPoint: Int32(clamping: q.zeroPoints[0]))
        }
        return .perAxis(axis: q.quantizedDimension, scales: q.scales, zeroPoints: q.zeroPoints.map { Int32(clamping: $0) })
    }
}
