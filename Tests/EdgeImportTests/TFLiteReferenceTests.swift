import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// The TFLite importer against ai_edge_litert's schema module and interpreter
/// (Scripts/reference/tflite_facts.py) on every fetched MediaPipe model.
@Suite struct TFLiteReferenceTests {
    /// Every `.tflite` under the fetched assets.
    static let files: [String] = {
        let root = TestPaths.assets.appendingPathComponent("mediapipe-0.10.21/mediapipe/modules")
        guard let e = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return e.compactMap { $0 as? String }.filter { $0.hasSuffix(".tflite") }.sorted().map { root.appendingPathComponent($0).path }
    }()

    static let typeNames: [String: DType] = [
        "FLOAT32": .float32, "FLOAT16": .float16, "INT32": .int32, "UINT8": .uint8, "INT64": .int64, "BOOL": .bool,
        "INT16": .int16, "INT8": .int8, "FLOAT64": .float64, "STRING": .string,
    ]

    @Test func assetsArePresent() {
        #expect(Self.files.count >= 4, "run Scripts/fetch-models.sh")
    }

    static let fixtures: URL? = {
        guard let dir = try? TestPaths.temporaryDirectory("tflite-fixtures") else { return nil }
        do {
            _ = try ReferenceScript.run("make_tflite_fixtures.py", [dir.path])
            return dir
        } catch {
            Issue.record("make_tflite_fixtures.py failed: \(error)")
            return nil
        }
    }()

    @Test(arguments: files)
    func importMatchesReference(_ path: String) throws {
        try check(path)
    }

    /// A model written with the schema's object API whose int8 per-axis weight lies after the FlatBuffer
    /// (the large-model layout), with DEQUANTIZE, CONV_2D + RELU, STRIDED_SLICE with a shrink mask and a
    /// custom operator.
    @Test func externalBufferModel() throws {
        let dir = try #require(Self.fixtures)
        let path = dir.appendingPathComponent("external.tflite").path
        let model = try check(path)
        let side = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("external.json"))) as! [String: [String: Any]]
        let w = try #require(model.graph.constants["w_q"])
        guard case .mapped(_, let offset, let length) = w.storage else { Issue.record("w_q not mapped"); return }
        #expect(offset == side["w_q"]!["offset"] as! Int)
        #expect(length == side["w_q"]!["size"] as! Int)
        w.storage.withBytes { #expect(Array($0) == (side["w_q"]!["bytes"] as! [Int]).map { UInt8($0) }) }
        #expect(w.quantization == .perAxis(axis: 0, scales: [0.1, 0.2, 0.3], zeroPoints: [0, 0, 0]))
        let ops = Dictionary(grouping: model.graph.nodes, by: \.op)
        #expect(ops["DequantizeLinear"]?.first?.int("axis") == 0)
        #expect(ops[.conv]?.first?.string("activation") == "Relu")
        #expect(ops[.slice]?.count == 1 && ops[.squeeze]?.count == 1)
        #expect(ops["EdgewiseTestOp"]?.first?.domain == "tflite.custom")
        #expect(model.metadata.notes.contains { $0.contains("EdgewiseTestOp") })
    }

    @discardableResult
    func check(_ path: String) throws -> Model {
        let facts = try ReferenceScript.json("tflite_facts.py", [path])
        let model = try ModelLoader.load(path: path)
        let g = model.graph
        #expect(model.metadata.format == "tflite")
        #expect(model.metadata.formatVersion == "schema \(facts["version"] as! Int)")
        #expect(model.metadata.properties["tflite.tensors"] == String(facts["tensor_count"] as! Int))
        #expect(model.metadata.producer == facts["description"] as? String)

        // One primary node per operator, with the operator's schema name.
        var histogram: [String: Int] = [:]
        for n in g.nodes { if let op = n.string("tflite_op") { histogram[op, default: 0] += 1 } }
        #expect(histogram == facts["op_histogram"] as! [String: Int])

        // Constants are exactly the tensors with data, mapped from the file.
        let fileConstants = g.orderedConstants.filter { if case .mapped = $0.storage { return true }; return false }
        #expect(fileConstants.count == facts["constants"] as! Int)
        #expect(fileConstants.reduce(0) { $0 + ($1.shape.elementCount ?? 0) } == facts["parameters"] as! Int)

        func check(_ infos: [ValueInfo], _ ref: [[String: Any]], _ what: String) {
            #expect(infos.map(\.name) == ref.map { $0["name"] as! String }, "\(what) names")
            for (v, r) in zip(infos, ref) {
                #expect(v.type.shape.values == r["shape"] as? [Int], "\(what) \(v.name) shape")
                #expect(v.type.dtype == Self.typeNames[r["type"] as! String], "\(what) \(v.name) type")
            }
        }
        check(g.inputs, facts["inputs"] as! [[String: Any]], "input")
        check(g.outputs, facts["outputs"] as! [[String: Any]], "output")
        if let interp = facts["interpreter_inputs"] as? [[String: Any]] {
            #expect(g.inputs.map { $0.type.shape.values ?? [] } == interp.map { $0["shape"] as! [Int] })
        }

        // Shape inference with the IR's own rules alone (the file's stored shapes removed) reproduces
        // every shape the converter stored, wherever no custom operator (which has no rule) is upstream.
        #expect(!model.metadata.notes.contains { $0.hasPrefix("shape inference:") }, "\(model.metadata.notes)")
        var bare = g
        bare.declaredTypes = [:]
        let report = try bare.inferShapes(strict: false)
        let custom = Set(histogram.keys.filter { $0.hasPrefix("CUSTOM:") }.map { OpType(String($0.dropFirst(7))) })
        #expect(Set(report.unknownOps.keys).isSubset(of: custom))
        if custom.isEmpty {
            #expect(report.isComplete, "\(report.issues.prefix(3))")
            for t in facts["tensors"] as! [[String: Any]] where !(t["constant"] as! Bool) {
                let name = t["name"] as! String
                guard let inferred = bare.valueTypes[name] else { Issue.record("\(name) untyped"); continue }
                #expect(inferred.shape.values == t["shape"] as? [Int], "\(name): inferred \(inferred.shape)")
                #expect(inferred.dtype == Self.typeNames[t["type"] as! String], "\(name): inferred \(inferred.dtype)")
            }
        }
        // The graph costs without error (every shape resolved).
        let cost = try g.costReport()
        #expect(cost.total.macs > 0)
        return model
    }
}
