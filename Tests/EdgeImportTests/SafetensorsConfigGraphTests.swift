import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// BERT and ViT checkpoints with a Hugging Face config.json beside them become graphs whose weights
/// are the checkpoint's tensors. Tensor inventories come from the safetensors package at test time;
/// MACs are worked out by hand from the fixture's config (Scripts/reference/make_safetensors_fixtures.py).
@Suite struct SafetensorsConfigGraphTests {
    func load(_ dir: String) throws -> (Model, [String: Any]) {
        let base = try #require(SafetensorsReferenceTests.fixtures)
        let path = base.appendingPathComponent("\(dir)/model.safetensors").path
        return (try ModelLoader.load(path: path), try ReferenceScript.json("safetensors_facts.py", [path]))
    }

    /// Names of the constants whose bytes are slices of the checkpoint (not the builder's index constants).
    static func mapped(_ g: Graph) -> [String] {
        g.orderedConstants.filter { if case .mapped = $0.storage { return true }; return false }.map(\.name)
    }

    @Test func bertGraphUsesEveryCheckpointTensor() throws {
        let (model, facts) = try load("bert")
        #expect(model.metadata.task == "encoder")
        #expect(model.metadata.properties["config.model_type"] == "bert")
        let ref = facts["tensors"] as! [String: [String: Any]]
        #expect(Set(Self.mapped(model.graph)) == Set(ref.keys))
        let cost = try model.graph.costReport(bindings: ["S": 8])
        #expect(cost.total.parameters == facts["parameters"] as! Int)
        // H = 32, L = 2, heads = 4, I = 64, S = 8, per layer:
        //   Q, K, V, O projections 4·S·H² = 4·8·1024 = 32,768
        //   attention scores and weighted sum 2·S²·H = 2·64·32 = 4,096
        //   feed-forward 2·S·H·I = 2·8·32·64 = 32,768            → 69,632 per layer, 139,264 for 2
        //   pooler on the first token H² = 1,024                   → 140,288
        #expect(cost.total.macs == 140_288)
        #expect(model.graph.outputs.count == 2)
    }

    @Test func vitGraphUsesEveryCheckpointTensor() throws {
        let (model, facts) = try load("vit")
        #expect(model.metadata.task == "classification")
        let ref = facts["tensors"] as! [String: [String: Any]]
        #expect(Set(Self.mapped(model.graph)) == Set(ref.keys))
        let cost = try model.graph.costReport()
        #expect(cost.total.parameters == facts["parameters"] as! Int)
        // H = 32, L = 2, I = 64, image 32, patch 8 → 4×4 = 16 patches, T = 17 tokens, C = 3, 10 classes:
        //   patch conv: 16 outputs × 32 channels × (3·8·8 = 192) = 98,304
        //   per layer 4·T·H² + 2·T²·H + 2·T·H·I = 69,632 + 18,496 + 69,632 = 157,760 → 315,520 for 2
        //   classifier H·10 = 320                                  → 414,144
        #expect(cost.total.macs == 414_144)
        #expect(model.graph.outputs.first?.type.shape == Shape([1, 10]))
    }

    /// A Hugging Face llama checkpoint becomes the catalog's decoder with the checkpoint's dtypes:
    /// parameters and weight bytes are exactly the file's.
    @Test func llamaCheckpointBuildsTheDecoder() throws {
        let (model, facts) = try load("llama")
        #expect(!model.graph.nodes.isEmpty, "\(model.metadata.notes)")
        #expect(model.metadata.task == "llm-decode")
        let cost = try model.graph.costReport()
        #expect(cost.total.parameters == facts["parameters"] as! Int)
        // Every checkpoint tensor is mapped into the graph: bytes by dtype equal the file's.
        let ref = facts["tensors"] as! [String: [String: Any]]
        var bytes: [DType: Int] = [:]
        for (_, r) in ref {
            let t = SafetensorsFile.dtypes[r["dtype"] as! String]!
            bytes[t, default: 0] += t.byteCount(elements: (r["shape"] as! [Int]).reduce(1, *))!
        }
        #expect(cost.weightBytesByType == bytes)
        #expect(Self.mapped(model.graph).count == ref.count)
    }

    @Test func missingTensorFallsBackToWeightsOnly() throws {
        let base = try #require(SafetensorsReferenceTests.fixtures)
        let dir = try TestPaths.temporaryDirectory("bert-missing")
        defer { try? FileManager.default.removeItem(at: dir) }
        // The same checkpoint with a config claiming three layers: layer 2's tensors do not exist.
        try FileManager.default.copyItem(at: base.appendingPathComponent("bert/model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        var config = String(decoding: try Data(contentsOf: base.appendingPathComponent("bert/config.json")), as: UTF8.self)
        config = config.replacingOccurrences(of: "\"num_hidden_layers\": 2", with: "\"num_hidden_layers\": 3")
        try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
        let model = try ModelLoader.load(path: dir.appendingPathComponent("model.safetensors").path)
        #expect(model.graph.nodes.isEmpty)
        #expect(model.metadata.notes.contains { $0.contains("encoder.layer.2") })
    }

    @Test func absurdConfigIsWeightsOnly() throws {
        let base = try #require(SafetensorsReferenceTests.fixtures)
        let dir = try TestPaths.temporaryDirectory("bert-absurd")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: base.appendingPathComponent("bert/model.safetensors"), to: dir.appendingPathComponent("model.safetensors"))
        try Data(#"{"model_type":"bert","hidden_size":32,"num_hidden_layers":1000000000,"num_attention_heads":4,"intermediate_size":64,"vocab_size":100,"max_position_embeddings":64}"#.utf8)
            .write(to: dir.appendingPathComponent("config.json"))
        let model = try ModelLoader.load(path: dir.appendingPathComponent("model.safetensors").path)
        #expect(model.graph.nodes.isEmpty)
        #expect(model.metadata.notes.contains { $0.hasPrefix("weights-only") })
    }
}
