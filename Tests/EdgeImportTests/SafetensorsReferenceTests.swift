import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// The safetensors importer against the official `safetensors` package
/// (Scripts/reference/safetensors_facts.py) on the real Silero VAD weights and on files the package
/// writes at test time (every numpy dtype, a scalar, an empty tensor, a sharded checkpoint).
@Suite struct SafetensorsReferenceTests {
    static let silero = TestPaths.assets.appendingPathComponent("silero_vad-6.2.3/silero_vad/data/silero_vad_16k.safetensors").path

    static let fixtures: URL? = {
        guard let dir = try? TestPaths.temporaryDirectory("safetensors-fixtures") else { return nil }
        do {
            _ = try ReferenceScript.run("make_safetensors_fixtures.py", [dir.path])
            return dir
        } catch {
            Issue.record("make_safetensors_fixtures.py failed: \(error)")
            return nil
        }
    }()

    /// FNV-1a 64 of a byte range, as the reference script computes it.
    static func fnv1a64(_ bytes: UnsafeRawBufferPointer) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func compare(_ path: String) throws -> Model {
        let facts = try ReferenceScript.json("safetensors_facts.py", [path])
        let model = try ModelLoader.load(path: path)
        #expect(model.metadata.format == "safetensors")
        let ref = facts["tensors"] as! [String: [String: Any]]
        #expect(Set(model.graph.constants.keys) == Set(ref.keys))
        var params = 0
        for (name, r) in ref {
            let t = try #require(model.graph.constants[name])
            #expect(t.shape.values == r["shape"] as? [Int], "\(name) shape")
            let dtypeName = r["dtype"] as! String
            #expect(SafetensorsFile.dtypes[dtypeName] == t.dtype, "\(name) dtype \(dtypeName) vs \(t.dtype)")
            if let hash = r["fnv1a64"] as? String {
                t.storage.withBytes { #expect(Self.fnv1a64($0) == hash, "\(name) bytes") }
            }
            params += t.shape.elementCount ?? 0
        }
        #expect(params == facts["parameters"] as! Int)
        if let meta = facts["metadata"] as? [String: String] {
            for (k, v) in meta { #expect(model.metadata.properties["safetensors.metadata.\(k)"] == v) }
        }
        if let n = facts["header_length"] as? Int { #expect(model.metadata.properties["safetensors.header_bytes"] == String(n)) }
        if let n = facts["shards"] as? Int { #expect(model.metadata.properties["safetensors.shards"] == String(n)) }
        return model
    }

    @Test func sileroWeights() throws {
        let model = try compare(Self.silero)
        #expect(model.graph.constants.count == 15)   // models.md §2.1: 15 F32 tensors
        #expect(model.metadata.notes.contains { $0.hasPrefix("weights-only") })
    }

    @Test func everyNumpyDtype() throws {
        let dir = try #require(Self.fixtures)
        _ = try compare(dir.appendingPathComponent("single/model.safetensors").path)
    }

    @Test func shardedCheckpointThroughItsIndex() throws {
        let dir = try #require(Self.fixtures)
        let index = dir.appendingPathComponent("sharded/model.safetensors.index.json").path
        let model = try compare(index)
        // The two shards are distinct files, each tensor mapped from its own.
        var files = Set<String>()
        for t in model.graph.constants.values { if case .mapped(let f, _, _) = t.storage { files.insert(f.path) } }
        #expect(files.count == 2)
    }
}
