import EdgeIR
import Foundation
import SwiftProtobuf

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes an IR model as an ONNX file that the `onnx` checker accepts and onnxruntime runs.
///
/// The IR speaks ONNX's op vocabulary, so most nodes are written as they are. Three things need work:
/// - **Quantized constants** (``Tensor/quantization``) become QDQ: an integer tensor with a
///   `DequantizeLinear` (per-tensor, or per-axis with `axis`), and a float tensor marked for
///   quantization a `QuantizeLinear` → `DequantizeLinear` pair, so onnxruntime applies the rounding.
/// - **Ops ONNX lacks** (`SiLU`, `RMSNorm`, `RoPE`, `KVCacheUpdate`, `Embedding`, `FullyConnected` …)
///   are lowered to ONNX ops, and attributes that later opsets turned into inputs are moved, for
///   graphs that did not come from an ONNX file (see `ONNXExporter+Lowering.swift`).
/// - **Absent weights** (catalog architectures) get deterministic synthetic values
///   (``ONNXSyntheticWeights``), so the file runs; the report counts them.
///
/// A model imported from ONNX keeps its opset imports; other models are written at
/// ``Options/opset``, raised to what their quantized tensors and op forms need (Resize with `axes` 18,
/// per-channel GroupNormalization 21 …); attribute-versus-input forms follow the opset chosen.
public enum ONNXExporter {
    public struct Options: Sendable {
        /// ai.onnx opset for models that did not come from an ONNX file.
        public var opset: Int
        /// Seed of the synthetic weights given to absent tensors.
        public var syntheticSeed: UInt64
        public var producerName: String
        public var producerVersion: String

        public init(opset: Int = 17, syntheticSeed: UInt64 = ONNXSyntheticWeights.defaultSeed,
                    producerName: String = "edgewise", producerVersion: String = "0.1") {
            self.opset = opset
            self.syntheticSeed = syntheticSeed
            self.producerName = producerName
            self.producerVersion = producerVersion
        }
    }

    /// What an export did besides copying the graph.
    public struct Report: Sendable {
        /// Opset imports written, by domain (`""` is ai.onnx).
        public var opsets: [String: Int] = [:]
        /// Constants whose absent storage was filled with synthetic values.
        public var syntheticTensors = 0
        /// Quantized constants written as QDQ.
        public var quantizedTensors = 0
        /// IR ops lowered to ONNX ops, by op.
        public var lowered: [OpType: Int] = [:]
        public var notes: [String] = []
    }

    /// The serialized `ModelProto` of `model`.
    /// - Throws: ``ONNXExportError`` naming the node or tensor that ONNX cannot express.
    public static func serialize(_ model: Model, options: Options = Options()) throws -> (bytes: [UInt8], report: Report) {
        var proto = Onnx_ModelProto()
        let fromONNX = model.metadata.format == "onnx"
        var opsets = fromONNX ? importedOpsets(model.metadata) : [:]
        if opsets[""] == nil { opsets[""] = options.opset }
        var writer = ONNXGraphWriter(opset: opsets[""] ?? options.opset, legalize: !fromONNX, seed: options.syntheticSeed)
        writer.collectNames(model.graph)
        for (k, v) in model.metadata.properties where k.hasPrefix(ONNXTypeNotation.propertyPrefix) {
            writer.originalTypes[String(k.dropFirst(ONNXTypeNotation.propertyPrefix.count))] = v
        }
        let required = writer.requiredOpset(model.graph)
        if required > writer.opset {
            if fromONNX {
                throw ONNXExportError(field: "opset_import", reason:
                    "the model uses ai.onnx \(writer.opset); its quantized tensors need opset \(required) or later")
            }
            writer.opset = required
            opsets[""] = required
        }
        proto.graph = try writer.graph(model.graph, depth: 0)
        for d in writer.customDomains where opsets[d] == nil { opsets[d] = 1 }
        // An imported model keeps its IR version unless its opset needs a later one; IR ≥ 4 also lets
        // initializers (including folded Constant nodes) stay out of the graph inputs.
        let original = fromONNX ? Int64(model.metadata.properties["onnx.ir_version"] ?? "") ?? 0 : 0
        proto.irVersion = max(original, irVersion(forOpset: opsets[""] ?? options.opset))
        proto.producerName = options.producerName
        proto.producerVersion = options.producerVersion
        proto.opsetImport = opsets.sorted { $0.key < $1.key }.map { d, v in
            var o = Onnx_OperatorSetIdProto()
            o.domain = d
            o.version = Int64(v)
            return o
        }
        proto.metadataProps = model.metadata.properties.filter { !$0.key.hasPrefix("onnx.") }.sorted { $0.key < $1.key }.map { k, v in
            var e = Onnx_StringStringEntryProto()
            e.key = k
            e.value = v
            return e
        }
        var report = writer.report
        report.opsets = opsets
        if writer.usesEdgewiseDomain {
            report.notes.append("ops without an ONNX form are written in the 'edgewise' domain; onnxruntime cannot run them")
        }
        if report.syntheticTensors > 0 {
            report.notes.append("\(report.syntheticTensors) absent weight(s) written with synthetic values (seed \(options.syntheticSeed))")
        }
        do {
            return (try proto.serializedBytes(), report)
        } catch {
            throw ONNXExportError(field: "model", reason: "protobuf encoding failed: \(error) (ONNX files hold at most 2 GB)")
        }
    }

    /// Writes `model` to `path` atomically (temporary file, fsync, rename).
    @discardableResult
    public static func write(_ model: Model, to path: String, options: Options = Options()) throws -> Report {
        let (bytes, report) = try serialize(model, options: options)
        try atomicWrite(bytes, to: path)
        return report
    }

    /// The IR version that goes with an opset (onnx's published version table: opset 17 ↔ IR 8,
    /// 19–20 ↔ IR 9, 21 ↔ IR 10, 22–23 ↔ IR 10/11).
    static func irVersion(forOpset opset: Int) -> Int64 {
        switch opset {
        case ..<9: return 4
        case ..<11: return 5
        case ..<12: return 6
        case ..<15: return 7
        case ..<19: return 8
        case ..<21: return 9
        default: return 10
        }
    }

    static func importedOpsets(_ metadata: ModelMetadata) -> [String: Int] {
        var out: [String: Int] = [:]
        for (k, v) in metadata.properties where k.hasPrefix("onnx.opset.") {
            let domain = String(k.dropFirst("onnx.opset.".count))
            out[domain == "ai.onnx" ? "" : domain] = Int(v)
        }
        return out
    }

    static func atomicWrite(_ bytes: [UInt8], to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw IRError.io(path: tmp, reason: String(cString: strerror(errno))) }
        var ok = true
        bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return }
            var done = 0
            while done < raw.count {
                #if canImport(Glibc)
                let n = Glibc.write(fd, base + done, raw.count - done)
                #else
                let n = Darwin.write(fd, base + done, raw.count - done)
                #endif
                if n <= 0 { ok = false; break }
                done += n
            }
        }
        if ok { ok = fsync(fd) == 0 }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw IRError.io(path: path, reason: reason)
        }
    }
}

/// Something in a model that ONNX cannot express, named by node or tensor.
public struct ONNXExportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "onnx export: \(field): \(reason)" }
}
