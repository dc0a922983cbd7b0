import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import Testing

/// Every fetched ONNX file, imported and compared with what the official `onnx` package reads from it
/// (Scripts/reference/onnx_facts.py, run once for all files at test time).
@Suite struct ONNXImporterTests {
    /// What one comparison found wrong, for one file.
    struct Mismatch: CustomStringConvertible {
        let file: String
        let what: String
        var description: String { "\(file.split(separator: "/").suffix(2).joined(separator: "/")): \(what)" }
    }

    @Test func importsEveryFetchedModelAsTheOnnxPackageReadsIt() throws {
        try ONNXTestFiles.requireAssets()
        let files = ONNXTestFiles.all
        // silero 6 + magika 1 + PP-OCR 3 + ort 3 + light 9 + node 1765 + pytorch 82 + 35 + simple 23 (models.md)
        #expect(files.count == 1927)
        let facts = try #require(try ReferencePython.json("onnx_facts.py", stdin: files.joined(separator: "\n")) as? [String: Any])
        var mismatches: [Mismatch] = []
        var imported = 0, unsupported = 0
        for path in files {
            guard let f = facts[path] as? [String: Any] else {
                mismatches.append(Mismatch(file: path, what: "no reference facts"))
                continue
            }
            let types = (f["elem_types"] as? [Int]) ?? []
            let exotic = types.filter { DType(onnxDataType: $0) == nil }
            do {
                let model = try ModelLoader.load(path: path)
                if !exotic.isEmpty { mismatches.append(Mismatch(file: path, what: "imported despite data types \(exotic)")) }
                imported += 1
                mismatches += compare(model, f, path)
            } catch let e as ImportError {
                // Element types the IR has no DType for are the one accepted reason to refuse a file.
                if !exotic.isEmpty, e.reason.contains("not supported") {
                    unsupported += 1
                } else {
                    mismatches.append(Mismatch(file: path, what: "import failed: \(e)"))
                }
            }
        }
        print("ONNX import: \(imported) files match the onnx package, \(unsupported) refused for unsupported data types, \(mismatches.count) mismatches")
        for m in mismatches.prefix(40) { Issue.record("\(m)") }
        #expect(mismatches.isEmpty)
        #expect(imported > 1800)
    }

    /// Compares one imported model with its reference facts (definitions in onnx_facts.py).
    func compare(_ model: Model, _ f: [String: Any], _ path: String) -> [Mismatch] {
        var out: [Mismatch] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { out.append(Mismatch(file: path, what: what())) } }
        let g = model.graph
        let every = [g] + g.allSubgraphs

        let ops = Dictionary(g.nodes.map { ($0.op.rawValue, 1) }, uniquingKeysWith: +)
        let ref = (f["ops"] as? [String: Int]) ?? [:]
        check(ops == ref, "ops \(ops.sorted { $0.key < $1.key }) ≠ reference \(ref.sorted { $0.key < $1.key })")
        let opsAll = Dictionary(every.flatMap(\.nodes).map { ($0.op.rawValue, 1) }, uniquingKeysWith: +)
        check(opsAll == (f["ops_all"] as? [String: Int]) ?? [:], "ops including subgraphs differ")

        let params = g.orderedConstants.reduce(0) { $0 + ($1.shape.elementCount ?? -1) }
        check(g.constants.count == f["tensors"] as? Int, "tensors \(g.constants.count) ≠ \(f["tensors"] ?? "")")
        check(params == f["parameters"] as? Int, "parameters \(params) ≠ \(f["parameters"] ?? "")")
        let tensorsAll = every.reduce(0) { $0 + $1.constants.count }
        let paramsAll = every.flatMap(\.orderedConstants).reduce(0) { $0 + ($1.shape.elementCount ?? -1) }
        check(tensorsAll == f["tensors_all"] as? Int, "tensors with subgraphs \(tensorsAll) ≠ \(f["tensors_all"] ?? "")")
        check(paramsAll == f["parameters_all"] as? Int, "parameters with subgraphs \(paramsAll) ≠ \(f["parameters_all"] ?? "")")

        let refInputs = (f["inputs"] as? [[String: Any]]) ?? []
        check(g.inputs.map(\.name) == refInputs.map { $0["name"] as? String ?? "" }, "input names \(g.inputs.map(\.name))")
        for (v, r) in zip(g.inputs, refInputs) { out += compareType(v.type, r, "input '\(v.name)'", path) }
        let refOutputs = (f["outputs"] as? [[String: Any]]) ?? []
        check(g.outputs.map(\.name) == refOutputs.map { $0["name"] as? String ?? "" }, "output names \(g.outputs.map(\.name))")
        for (v, r) in zip(g.outputs, refOutputs) {
            // Inference may sharpen a declared output ([N,?] → [N,1000]); the declaration is kept as is.
            if let declared = g.declaredTypes[v.name] { out += compareType(declared, r, "output '\(v.name)'", path) }
            else if r["kind"] as? String == "tensor" { check(false, "output '\(v.name)' lost its declared type") }
            if let d = g.declaredTypes[v.name], d.shape.rank != v.type.shape.rank, r["kind"] as? String == "tensor" {
                check(false, "output '\(v.name)': inferred \(v.type) has another rank than declared \(d)")
            }
        }

        var opsets: [String: Int] = [:]
        for (k, v) in model.metadata.properties where k.hasPrefix("onnx.opset.") { opsets[String(k.dropFirst(11))] = Int(v) }
        check(opsets == (f["opsets"] as? [String: Int]) ?? [:], "opsets \(opsets)")
        let producer = (f["producer"] as? String) ?? ""
        check(model.metadata.producer == (producer.isEmpty ? nil : producer), "producer \(model.metadata.producer ?? "nil")")
        for (k, v) in (f["metadata"] as? [String: String]) ?? [:] {
            check(model.metadata.properties[k] == v, "metadata_props '\(k)'")
        }
        return out
    }

    /// A value's type against the reference: element type and every dimension (size, symbol, or `?`).
    func compareType(_ t: TensorType, _ r: [String: Any], _ what: String, _ path: String) -> [Mismatch] {
        guard r["kind"] as? String == "tensor" else { return [] }  // sequences/maps: typed by element, noted
        var out: [Mismatch] = []
        if let code = r["elem_type"] as? Int, DType(onnxDataType: code) != t.dtype {
            out.append(Mismatch(file: path, what: "\(what): dtype \(t.dtype) ≠ ONNX code \(code)"))
        }
        guard let dims = r["shape"] as? [Any] else { return out }
        let expected = Shape(dims.map { d -> Dim in
            if let v = d as? Int { return v >= 0 ? .value(v) : .unknown }  // Paddle writes -1 for "dynamic"; not a size
            if let s = d as? String, !s.isEmpty { return .symbol(s) }
            return .unknown
        })
        if expected != t.shape { out.append(Mismatch(file: path, what: "\(what): shape \(t.shape) ≠ \(expected)")) }
        return out
    }
}
