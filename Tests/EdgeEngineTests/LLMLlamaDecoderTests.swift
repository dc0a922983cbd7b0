import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeEngine

/// SmolLM2-135M (GGUF, Q4_1 + Q8_0 embedding) against a numpy float64 forward pass over the `gguf`
/// package's dequantized weights (Scripts/reference/llama_reference.py), computed at test time.
///
/// Tolerances, on max |Δlogit| relative to max |reference logit| over all prompt positions:
/// - reference arithmetic (rows dequantized, float32 dots): 1e-3 — only float32 rounding, compounded
///   over 30 blocks, separates it from float64;
/// - fused arithmetic (llama.cpp's: activations rounded to 8-bit blocks before every product): 3e-2 —
///   each of the ~210 matrix products sees activations with ≤ ½ step of 1/127 of their block maximum,
///   a relative error of ~0.4 % per product that the residual stream partly averages out. Greedy
///   tokens must still match exactly, since that is what a user sees.
@Suite(.serialized) struct LLMLlamaDecoderTests {
    static let path = TokenizerByteLevelBPETests.smollm.path
    static let prompt = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
    static let generated = 32

    struct Reference {
        let ids: [Int]
        let logits: [[Float]]
        let generated: [Int]
        let margins: [Double]
    }

    static func reference() throws -> Reference {
        let gguf = try GGUFFile(file: try MappedFile(path: path))
        let ids = try ByteLevelBPE(gguf: try #require(GGUFTokenizer(gguf))).encode(prompt)
        let out = try #require(try Python.runFile("Scripts/reference/llama_reference.py",
                                                  input: ["prompt_ids": ids, "generate": generated, "positions": true],
                                                  arguments: [path]) as? [String: Any])
        let logits = try #require(out["logits"] as? [[Double]]).map { $0.map(Float.init) }
        return Reference(ids: ids, logits: logits, generated: try #require(out["generated"] as? [Int]),
                         margins: try #require(out["margins"] as? [Double]))
    }

    static func relativeError(_ a: [[Float]], _ b: [[Float]]) -> Float {
        var maxDiff: Float = 0, maxRef: Float = 0
        for (x, y) in zip(a, b) {
            for (u, v) in zip(x, y) {
                maxDiff = max(maxDiff, abs(u - v))
                maxRef = max(maxRef, abs(v))
            }
        }
        return maxDiff / maxRef
    }

    @Test func logitsAndGreedyGenerationMatchTheNumpyReference() throws {
        try #require(FileManager.default.fileExists(atPath: Self.path), "run Scripts/fetch-models.sh (WITH_GGUF=1)")
        let ref = try Self.reference()
        #expect(ref.logits.count == ref.ids.count)
        let gguf = try GGUFFile(file: try MappedFile(path: Self.path))

        let exact = try LlamaDecoder(gguf: gguf, contextLimit: 64, arithmetic: .reference)
        let exactLogits = try exact.logitsForEachPosition(ref.ids)
        let exactError = Self.relativeError(exactLogits, ref.logits)
        #expect(exactError <= 1e-3, "reference arithmetic: max |Δ| / max |ref| = \(exactError)")

        let fused = try LlamaDecoder(gguf: gguf, contextLimit: 64, arithmetic: .fused)
        let fusedLogits = try fused.logitsForEachPosition(ref.ids)
        let fusedError = Self.relativeError(fusedLogits, ref.logits)
        #expect(fusedError <= 3e-2, "fused arithmetic: max |Δ| / max |ref| = \(fusedError)")

        let run = try fused.generateGreedy(prompt: ref.ids, maxTokens: Self.generated)
        #expect(run.generatedTokens == ref.generated, "smallest reference margin \(ref.margins.min() ?? 0)")
        let runExact = try exact.generateGreedy(prompt: ref.ids, maxTokens: Self.generated)
        #expect(runExact.generatedTokens == ref.generated)
        print("SmolLM2 Q4_1: logits rel. error reference \(exactError), fused \(fusedError); fused decode \(run.decodeTokensPerSecond) tok/s (debug build)")
    }

    @Test func stepRejectsTokensOutsideTheVocabularyAndAFullCache() throws {
        try #require(FileManager.default.fileExists(atPath: Self.path), "run Scripts/fetch-models.sh (WITH_GGUF=1)")
        let d = try LlamaDecoder(gguf: try GGUFFile(file: try MappedFile(path: Self.path)), contextLimit: 2)
        #expect(throws: EngineError.self) { try d.step(49_152) }
        #expect(throws: EngineError.self) { try d.step(-1) }
        try d.step(1, computeLogits: false)
        try d.step(2, computeLogits: false)
        #expect(d.position == 2)
        #expect(throws: EngineError.self) { try d.step(3) }
        #expect(throws: EngineError.self) { _ = try d.generateGreedy(prompt: [], maxTokens: 1) }
    }
}
