import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import Testing

/// Side files written by the official `onnx` package (Scripts/reference/onnx_external_cases.py):
/// valid ones map lazily, hostile ones (escaping the directory, ranges past the end) fail cleanly.
@Suite struct ONNXExternalDataTests {
    @Test func externalWeightsAreSlicesOfTheSideFileWithTheReferenceValues() throws {
        let dir = try TestPaths.temporaryDirectory("onnx-external")
        defer { try? FileManager.default.removeItem(at: dir) }
        let facts = try #require(try ReferencePython.json("onnx_external_cases.py", [dir.path]) as? [String: Any])
        let ok = try #require((facts["ok"] as? [String: Any])?["tensors"] as? [String: [String: Any]])

        let model = try ModelLoader.load(path: dir.appendingPathComponent("ok/model.onnx").path)
        #expect(ok.count == 2)
        for (name, ref) in ok {
            let t = try #require(model.graph.constants[name])
            guard case .mapped(let side, let offset, let length) = t.storage else {
                Issue.record("\(name) is not mapped: \(t.storage.location)")
                continue
            }
            #expect(side.path.hasSuffix("/ok/" + (ref["location"] as? String ?? "?")))
            #expect(offset == ref["offset"] as? Int)
            #expect(length == ref["length"] as? Int)
            let values = try #require(ref["values"] as? [Double])
            #expect(t.floatValues() == values.map { Double(Float($0)) })
        }
        // Both tensors share one map of the side file.
        if case .mapped(let fa, _, _) = model.graph.constants["a"]?.storage, case .mapped(let fb, _, _) = model.graph.constants["b"]?.storage {
            #expect(fa === fb)
        }

        for (name, value) in facts where name != "ok" {
            let reason = try #require((value as? [String: Any])?["reason"] as? String)
            do {
                _ = try ModelLoader.load(path: dir.appendingPathComponent(name + "/model.onnx").path)
                Issue.record("\(name): imported, expected an error containing '\(reason)'")
            } catch let e as ImportError {
                #expect(e.reason.contains(reason), "\(name): \(e)")
                #expect(e.field == "graph.initializer[0].external_data" || e.field.hasPrefix("graph.initializer[0].external_data["),
                        "\(name): \(e.field)")
            }
        }
    }
}
