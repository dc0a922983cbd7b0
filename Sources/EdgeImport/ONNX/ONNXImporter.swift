import EdgeIR
import Foundation
import SwiftProtobuf

/// Reads ONNX models (`ModelProto`, IR versions 3 and later, opsets 7 and later) into the IR.
///
/// Layout: an ONNX file is one protobuf `ModelProto` (Protos/onnx-subset.proto lists the fields read):
/// ir_version, opset_import, producer, metadata_props and a `GraphProto` holding nodes, initializers,
/// inputs, outputs and value_info. `If`/`Loop`/`Scan` nodes carry further `GraphProto`s in attributes.
/// Tensor payloads are `raw_data` (little-endian bytes), typed repeated fields (`float_data`,
/// `int64_data` …) or a side file named by `external_data` (location, offset, length).
///
/// Import runs in three steps, all O(metadata):
/// 1. ``ONNXWireLocator`` walks the file's protobuf structure, checking every length against the
///    bytes that remain and every string for UTF-8, and writes a compacted copy in which each tensor
///    payload is replaced by a reference to its byte range in the map;
/// 2. swift-protobuf decodes that copy into the generated `Onnx_ModelProto`;
/// 3. ``ONNXGraphReader`` turns messages into the IR: initializers and `Constant` nodes become
///    constants whose storage is a slice of the mapped file (or of the side file), `value_info`
///    becomes ``Graph/declaredTypes``, subgraphs become `.graph` attributes; then shape inference
///    runs leniently and what it could not do is reported in ``ModelMetadata/notes``.
public enum ONNXImporter {
    /// Imports a mapped ONNX file.
    ///
    /// - Throws: ``ImportError`` naming the field path (`graph.node[4].attribute[1].t.dims`) and the
    ///   byte offset of the first problem.
    /// - Complexity: O(metadata); weights are not read.
    public static func load(file: MappedFile) throws(ImportError) -> Model {
        let (compact, payloads) = try ONNXWireLocator.compact(file.bytes, file: file.path)
        let proto = try decode(compact, file: file.path)
        guard proto.hasGraph else {
            throw ImportError(format: "onnx", file: file.path, field: "graph", offset: nil, reason: "the model has no graph")
        }
        var reader = ONNXGraphReader(file: file, payloads: payloads, opsets: try opsets(proto, file: file.path))
        var graph = try reader.readMainGraph(proto.graph)
        var metadata = metadata(proto, file: file.path)
        for (name, text) in reader.originalTypes { metadata.properties[ONNXTypeNotation.propertyPrefix + name] = text }
        metadata.notes = reader.notes.lines
        var inference = try inferShapes(&graph, file: file.path)
        if !reader.placeholderOutputs.isEmpty {
            let typed = graph.refineSubgraphTypes(scope: [:], placeholders: reader.placeholderOutputs)
            inference = try inferShapes(&graph, file: file.path)
            let left = reader.placeholderOutputs.count - typed
            metadata.notes.append("\(reader.placeholderOutputs.count) subgraph output(s) declare no type or rank; "
                + "\(typed) typed by inference\(left > 0 ? ", \(left) shown as [?]" : "")")
        }
        metadata.notes.append(contentsOf: inference)
        metadata.notes.append(contentsOf: keepDeclaredOutputs(&graph))
        metadata.notes.append(contentsOf: reader.summaryNotes(proto))
        return Model(graph: graph, metadata: metadata)
    }

    /// Decodes the locator's compacted bytes. Structural problems were caught by the locator with
    /// their offsets; what remains here (a decoder limit) is reported without one.
    static func decode(_ compact: [UInt8], file: String) throws(ImportError) -> Onnx_ModelProto {
        var options = BinaryDecodingOptions()
        options.discardUnknownFields = true
        options.messageDepthLimit = ONNXWireLocator.maxMessageDepth + 2
        do {
            return try Onnx_ModelProto(serializedBytes: compact, extensions: nil, partial: true, options: options)
        } catch {
            throw ImportError(format: "onnx", file: file, field: "model", offset: nil, reason: "protobuf decoding failed: \(error)")
        }
    }

    /// Operator set versions by domain; the default domain is keyed `""`.
    static func opsets(_ proto: Onnx_ModelProto, file: String) throws(ImportError) -> [String: Int] {
        var out: [String: Int] = [:]
        for (i, o) in proto.opsetImport.enumerated() {
            let domain = o.domain == "ai.onnx" ? "" : o.domain
            guard o.version >= 1, o.version <= Int64(Int32.max) else {
                throw ImportError(format: "onnx", file: file, field: "opset_import[\(i)].version", offset: nil,
                                  reason: "version \(o.version) of domain '\(o.domain)' is out of range")
            }
            out[domain] = Int(o.version)
        }
        return out
    }

    /// Provenance: producer, opsets (`ai.onnx 17, ai.onnx.ml 3`), IR version and `metadata_props`.
    static func metadata(_ proto: Onnx_ModelProto, file: String) -> ModelMetadata {
        let producer = [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " ")
        let domains = proto.opsetImport.map { (domain: $0.domain.isEmpty ? "ai.onnx" : $0.domain, version: $0.version) }
            .sorted { ($0.domain != "ai.onnx" ? 1 : 0, $0.domain) < ($1.domain != "ai.onnx" ? 1 : 0, $1.domain) }
        var props: [String: String] = [:]
        for p in proto.metadataProps { props[p.key] = p.value }
        props["onnx.ir_version"] = String(proto.irVersion)
        for d in domains { props["onnx.opset." + d.domain] = String(d.version) }
        if proto.hasDomain { props["onnx.domain"] = proto.domain }
        if proto.hasModelVersion { props["onnx.model_version"] = String(proto.modelVersion) }
        if proto.hasDocString, !proto.docString.isEmpty { props["onnx.doc_string"] = proto.docString }
        return ModelMetadata(format: "onnx", source: file, producer: producer.isEmpty ? nil : producer,
                             formatVersion: domains.map { "\($0.domain) \($0.version)" }.joined(separator: ", "),
                             properties: props)
    }

    /// Where inference contradicts a graph output's declared type (another element type, rank or
    /// size: data-dependent `If` branches can mislead a static rule), the file's declaration is kept.
    static func keepDeclaredOutputs(_ graph: inout Graph) -> [String] {
        var notes: [String] = []
        for k in graph.outputs.indices {
            let inferred = graph.outputs[k].type
            guard let declared = graph.declaredTypes[graph.outputs[k].name] else { continue }
            let sizes = zip(inferred.shape.dims, declared.shape.dims).contains { a, b in
                if let x = a.value, let y = b.value { return x != y }
                return false
            }
            if inferred.dtype != declared.dtype || inferred.shape.rank != declared.shape.rank || sizes {
                graph.outputs[k].type = declared
                notes.append("output '\(graph.outputs[k].name)': inference gave \(inferred) but the file declares \(declared); the declaration is kept")
            }
        }
        return notes
    }

    /// Lenient shape inference; what it could not type becomes notes.
    static func inferShapes(_ graph: inout Graph, file: String) throws(ImportError) -> [String] {
        let report: InferenceReport
        do {
            report = try graph.inferShapes(strict: false)
        } catch let e as IRError {
            throw ImportError(format: "onnx", file: file, field: "graph.node", offset: nil, reason: e.description)
        } catch {
            throw ImportError(format: "onnx", file: file, field: "graph", offset: nil, reason: "\(error)")
        }
        var notes: [String] = []
        if !report.unknownOps.isEmpty {
            let list = report.unknownOps.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }
            notes.append("shape inference: no rule for \(list.joined(separator: ", ")); their outputs use the file's declared types")
        }
        for issue in report.issues.prefix(8) { notes.append("shape inference: \(issue)") }
        if report.issues.count > 8 { notes.append("shape inference: … \(report.issues.count - 8) more issues") }
        if !report.untypedValues.isEmpty {
            let shown = report.untypedValues.prefix(5).joined(separator: ", ")
            notes.append("shape inference: \(report.untypedValues.count) value(s) without a type (\(shown)\(report.untypedValues.count > 5 ? ", …" : ""))")
        }
        return notes
    }
}
