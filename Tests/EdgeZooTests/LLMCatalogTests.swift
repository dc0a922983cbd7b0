import EdgeIR
import Testing
@testable import EdgeZoo

/// A decoder's numbers as the test knows them: copied from the publisher's `config.json` and model
/// card, independently of `LlamaConfig`'s catalog, so a typo there is caught here.
struct DecoderFigures: Sendable, CustomTestStringConvertible {
    let id: String
    let layers: Int, hidden: Int, heads: Int, kvHeads: Int, headDim: Int, ffn: Int, vocabulary: Int
    let tied: Bool
    /// Parameter count worked out by hand (arithmetic in `LLMCatalogTests.decoders`).
    let handParameters: Int
    /// Published parameter count (source in `LLMCatalogTests.decoders`).
    let published: Double

    var testDescription: String { id }

    /// MACs of the matrix products for one token: per layer q (d·hq·hd), k and v (d·kv·hd each), output
    /// (hq·hd·d), gate, up and down (3·d·F); plus the LM head d·V. Embedding lookups are not MACs.
    var linearMACsPerToken: Int {
        let q = heads * headDim, kv = kvHeads * headDim
        return layers * (hidden * q + 2 * hidden * kv + q * hidden + 3 * hidden * ffn)
    }

    var headMACs: Int { hidden * vocabulary }

    /// Scores and weighted sum of `tokens` queries over `keys` positions: heads · T · K · (hd + hd) per layer.
    func attentionMACs(tokens: Int, keys: Int) -> Int { layers * heads * tokens * keys * 2 * headDim }
}

/// The LLM decoders against published parameter counts; MACs and KV-cache bytes worked out by hand.
///
/// No publisher gives a MAC figure for these decoders. The conventional estimate is "about the
/// parameter count per generated token" (Kaplan et al. 2020: forward FLOPs ≈ 2·N per token plus
/// 2·n_layer·n_ctx·d_attn for attention). Here the expected MACs are derived from the config:
/// every weight matrix once per token (a tied LM head reuses the embedding table; an untied model's
/// input embedding is a lookup, not MACs), plus attention `heads · T · (C+T) · 2·headDim` per layer.
@Suite struct LLMCatalogTests {
    /// Hand counts: per block q + k + v + output + gate/up/down + 2 norms (+ Qwen2's q/k/v biases);
    /// blocks × that + embedding (twice when untied) + the final norm.
    static let decoders: [DecoderFigures] = [
        // 4096·4096 + 2·4096·4096 + 4096·4096 + 3·4096·11008 + 2·4096 = 202,383,360 × 32 = 6,476,267,520;
        // + 2 × 32000·4096 (131,072,000) + 4096 = 6,738,415,616. HF meta-llama/Llama-2-7b-hf: 6.74B params.
        DecoderFigures(id: "llama-2-7b", layers: 32, hidden: 4096, heads: 32, kvHeads: 32, headDim: 128, ffn: 11008,
                       vocabulary: 32000, tied: false, handParameters: 6_738_415_616, published: 6.74e9),
        // 5120² ×4 + 3·5120·13824 + 2·5120 = 317,204,480 × 40 = 12,688,179,200; + 2 × 163,840,000 + 5120
        // = 13,015,864,320. HF meta-llama/Llama-2-13b-hf: 13B params.
        DecoderFigures(id: "llama-2-13b", layers: 40, hidden: 5120, heads: 40, kvHeads: 40, headDim: 128, ffn: 13824,
                       vocabulary: 32000, tied: false, handParameters: 13_015_864_320, published: 13.0e9),
        // 4096·4096 + 2·4096·1024 + 4096·4096 + 3·4096·14336 + 2·4096 = 218,112,000 × 32 = 6,979,584,000;
        // + 2 × 128256·4096 (525,336,576) + 4096 = 8,030,261,248. HF meta-llama/Meta-Llama-3-8B: 8.03B.
        DecoderFigures(id: "llama-3-8b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
                       vocabulary: 128_256, tied: false, handParameters: 8_030_261_248, published: 8.03e9),
        // The same network as Llama 3 8B. HF meta-llama/Llama-3.1-8B: 8.03B params.
        DecoderFigures(id: "llama-3.1-8b", layers: 32, hidden: 4096, heads: 32, kvHeads: 8, headDim: 128, ffn: 14336,
                       vocabulary: 128_256, tied: false, handParameters: 8_030_261_248, published: 8.03e9),
        // 2048·2048 + 2·2048·512 + 2048·2048 + 3·2048·8192 + 2·2048 = 60,821,504 × 16 = 973,144,064;
        // + 128256·2048 (262,668,288, tied) + 2048 = 1,235,814,400. Llama 3.2 model card: 1.23B.
        DecoderFigures(id: "llama-3.2-1b", layers: 16, hidden: 2048, heads: 32, kvHeads: 8, headDim: 64, ffn: 8192,
                       vocabulary: 128_256, tied: true, handParameters: 1_235_814_400, published: 1.23e9),
        // 3072·3072 + 2·3072·1024 + 3072·3072 + 3·3072·8192 + 2·3072 = 100,669,440 × 28 = 2,818,744,320;
        // + 128256·3072 (394,002,432) + 3072 = 3,212,749,824. Llama 3.2 model card: 3.21B.
        DecoderFigures(id: "llama-3.2-3b", layers: 28, hidden: 3072, heads: 24, kvHeads: 8, headDim: 128, ffn: 8192,
                       vocabulary: 128_256, tied: true, handParameters: 3_212_749_824, published: 3.21e9),
        // 896·896 + 2·896·128 + 896·896 + 3·896·4864 + 2·896 + biases 896 + 2·128 = 14,912,384 × 24
        // = 357,897,216; + 151936·896 (136,134,656) + 896 = 494,032,768. Qwen2.5-0.5B card: 0.49B.
        DecoderFigures(id: "qwen2.5-0.5b", layers: 24, hidden: 896, heads: 14, kvHeads: 2, headDim: 64, ffn: 4864,
                       vocabulary: 151_936, tied: true, handParameters: 494_032_768, published: 0.49e9),
        // 1536·1536 + 2·1536·256 + 1536·1536 + 3·1536·8960 + 2·1536 + 1536 + 2·256 = 46,797,824 × 28
        // = 1,310,339,072; + 151936·1536 (233,373,696) + 1536 = 1,543,714,304. Qwen2.5-1.5B card: 1.54B.
        DecoderFigures(id: "qwen2.5-1.5b", layers: 28, hidden: 1536, heads: 12, kvHeads: 2, headDim: 128, ffn: 8960,
                       vocabulary: 151_936, tied: true, handParameters: 1_543_714_304, published: 1.54e9),
        // 2048·2048 + 2·2048·256 + 2048·2048 + 3·2048·11008 + 2·2048 + 2048 + 2·256 = 77,076,992 × 36
        // = 2,774,771,712; + 151936·2048 (311,164,928) + 2048 = 3,085,938,688. Qwen2.5-3B card: 3.09B.
        DecoderFigures(id: "qwen2.5-3b", layers: 36, hidden: 2048, heads: 16, kvHeads: 2, headDim: 128, ffn: 11008,
                       vocabulary: 151_936, tied: true, handParameters: 3_085_938_688, published: 3.09e9),
        // 3584·3584 + 2·3584·512 + 3584·3584 + 3·3584·18944 + 2·3584 + 3584 + 2·512 = 233,057,792 × 28
        // = 6,525,618,176; + 2 × 152064·3584 (544,997,376) + 3584 = 7,615,616,512. Qwen2.5-7B card: 7.61B.
        DecoderFigures(id: "qwen2.5-7b", layers: 28, hidden: 3584, heads: 28, kvHeads: 4, headDim: 128, ffn: 18944,
                       vocabulary: 152_064, tied: false, handParameters: 7_615_616_512, published: 7.61e9),
        // 5120·5120 + 2·5120·1024 + 5120·5120 + 3·5120·13824 + 2·5120 + 5120 + 2·1024 = 275,268,608 × 48
        // = 13,212,893,184; + 2 × 152064·5120 (778,567,680) + 5120 = 14,770,033,664. Qwen2.5-14B card: 14.7B.
        DecoderFigures(id: "qwen2.5-14b", layers: 48, hidden: 5120, heads: 40, kvHeads: 8, headDim: 128, ffn: 13824,
                       vocabulary: 152_064, tied: false, handParameters: 14_770_033_664, published: 14.7e9),
        // 576·576 + 2·576·192 + 576·576 + 3·576·1536 + 2·576 = 3,540,096 × 30 = 106,202,880; + 49152·576
        // (28,311,552) + 576 = 134,515,008. SmolLM2-135M-Instruct GGUF: 134,515,008 tensor elements.
        DecoderFigures(id: "smollm2-135m", layers: 30, hidden: 576, heads: 9, kvHeads: 3, headDim: 64, ffn: 1536,
                       vocabulary: 49152, tied: true, handParameters: 134_515_008, published: 134_515_008),
        // 960·960 + 2·960·320 + 960·960 + 3·960·2560 + 2·960 = 9,832,320 × 32 = 314,634,240; + 49152·960
        // (47,185,920) + 960 = 361,821,120. SmolLM2 model card: 360M.
        DecoderFigures(id: "smollm2-360m", layers: 32, hidden: 960, heads: 15, kvHeads: 5, headDim: 64, ffn: 2560,
                       vocabulary: 49152, tied: true, handParameters: 361_821_120, published: 360e6),
        // 2048² × 4 + 3·2048·8192 + 2·2048 = 67,112,960 × 24 = 1,610,711,040; + 49152·2048 (100,663,296)
        // + 2048 = 1,711,376,384. SmolLM2 model card: 1.7B.
        DecoderFigures(id: "smollm2-1.7b", layers: 24, hidden: 2048, heads: 32, kvHeads: 32, headDim: 64, ffn: 8192,
                       vocabulary: 49152, tied: true, handParameters: 1_711_376_384, published: 1.7e9),
        // 2048·2048 + 2·2048·256 + 2048·2048 + 3·2048·5632 + 2·2048 = 44,044,288 × 22 = 968,974,336;
        // + 2 × 32000·2048 (65,536,000) + 2048 = 1,100,048,384. TinyLlama model card: 1.1B.
        DecoderFigures(id: "tinyllama-1.1b", layers: 22, hidden: 2048, heads: 32, kvHeads: 4, headDim: 64, ffn: 5632,
                       vocabulary: 32000, tied: false, handParameters: 1_100_048_384, published: 1.1e9),
    ]

    @Test(arguments: decoders) func parametersMatchPublished(_ d: DecoderFigures) throws {
        let r = try CatalogFigures.report("zoo:\(d.id)?phase=decode&context=8")
        #expect(r.total.parameters == d.handParameters)
        #expect(CatalogFigures.within(r.total.parameters, d.published, 0.01),
                "\(d.id): \(r.total.parameters) vs published \(d.published)")
    }

    @Test(arguments: decoders) func decodeMACsFollowFromConfig(_ d: DecoderFigures) throws {
        // Default context C = 1024: the new token attends to C + 1 positions.
        let r = try CatalogFigures.report("zoo:\(d.id)?phase=decode")
        #expect(r.total.macs == d.linearMACsPerToken + d.headMACs + d.attentionMACs(tokens: 1, keys: 1025))
    }

    /// The "≈ parameters per token" convention: the decode step's MACs without attention are the published
    /// parameter count less what is not a matrix product (an untied model's input embedding, V·d).
    @Test(arguments: decoders) func decodeMACsMatchParameterConvention(_ d: DecoderFigures) throws {
        let r = try CatalogFigures.report("zoo:\(d.id)?phase=decode&context=1")
        let withoutAttention = r.total.macs - d.attentionMACs(tokens: 1, keys: 2)
        let expected = d.published - (d.tied ? 0 : Double(d.vocabulary * d.hidden))
        #expect(CatalogFigures.within(withoutAttention, expected, 0.05), "\(d.id): \(withoutAttention) vs \(expected)")
    }

    @Test(arguments: decoders) func prefillMACsScaleWithPrompt(_ d: DecoderFigures) throws {
        // Every layer runs on all P tokens with causal attention over P keys; logits for the last token only.
        for p in [32, 64] {
            let r = try CatalogFigures.report("zoo:\(d.id)?prompt=\(p)")
            #expect(r.total.macs == d.linearMACsPerToken * p + d.attentionMACs(tokens: p, keys: p) + d.headMACs)
        }
    }

    @Test func llama32OneBillionByHand() throws {
        // Decode at C = 1024: matrices 16 × 60,817,408 = 973,078,528 + head 262,668,288 = 1,235,746,816;
        // attention 16 layers · 32 heads · 1025 · 128 = 67,174,400 → 1,302,921,216.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode").total.macs == 1_302_921_216)
        // C = 2048 adds 16 · 32 · 1024 · 128 = 67,108,864.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode&context=2048").total.macs
                == 1_302_921_216 + 67_108_864)
        // Prefill P = 128: 16 · (60,817,408 · 128 + 32 · 128 · 128 · 128) + 262,668,288 = 125,890,461,696.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b").total.macs == 125_890_461_696)
        // Prefill P = 256: 16 · (60,817,408 · 256 + 32 · 256 · 256 · 128) + 262,668,288 = 253,665,738,752.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?prompt=256").total.macs == 253_665_738_752)
    }

    @Test func kvCacheBytesByHand() throws {
        // 2 (K and V) · layers · kvHeads · headDim · C · bytes per element.
        // Llama 3.2 1B, C = 2048, float16: 2 · 16 · 8 · 64 · 2048 · 2 = 67,108,864.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode&context=2048").stateBytes == 67_108_864)
        // C = 1024 halves it: 33,554,432; float32 doubles it: 134,217,728.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode&context=1024").stateBytes == 33_554_432)
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode&context=2048&kv=float32").stateBytes == 134_217_728)
        // q8_0: 2 · 16 · 8 · 64 · 2048 = 33,554,432 values in blocks of 32 at 34 bytes → 35,651,584.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode&context=2048&kv=q8_0").stateBytes == 35_651_584)
        // SmolLM2-135M, C = 8191 (its longest): 2 · 30 · 3 · 64 = 11,520 · 8191 · 2 = 188,720,640.
        #expect(try CatalogFigures.report("zoo:smollm2-135m?phase=decode&context=8191").stateBytes == 188_720_640)
        // Llama 2 7B (no GQA), C = 4095: 2 · 32 · 32 · 128 · 4095 · 2 = 2,146,959,360.
        #expect(try CatalogFigures.report("zoo:llama-2-7b?phase=decode&context=4095").stateBytes == 2_146_959_360)
        // Prefill starts from an empty cache.
        #expect(try CatalogFigures.report("zoo:llama-3.2-1b?prompt=64").stateBytes == 0)
    }

    @Test func decodeMACsGrowWithContext() throws {
        // Each extra cached position costs layers · heads · 2 · headDim MACs: Llama 3 8B 32 · 32 · 256 = 262,144.
        let a = try CatalogFigures.report("zoo:llama-3-8b?phase=decode&context=1000").total.macs
        let b = try CatalogFigures.report("zoo:llama-3-8b?phase=decode&context=3000").total.macs
        #expect(b - a == 2000 * 262_144)
    }

    @Test func weightTypeChangesBytesNotCounts() throws {
        let f16 = try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode")
        let q4 = try CatalogFigures.report("zoo:llama-3.2-1b?phase=decode&dtype=q4_0")
        #expect(q4.total.parameters == f16.total.parameters)
        #expect(q4.total.macs == f16.total.macs)
        // Vectors (norms): 16 · 2 · 2048 + 2048 = 67,584 float32 = 270,336 bytes. Matrices: 1,235,814,400
        // − 67,584 = 1,235,746,816 values; float16 → 2,471,493,632 bytes; q4_0 → /32 · 18 = 695,107,584.
        #expect(f16.total.weightBytes == 2_471_493_632 + 270_336)
        #expect(q4.total.weightBytes == 695_107_584 + 270_336)
        #expect(q4.weightBytesByType[.q4_0] == 695_107_584)
        #expect(q4.weightBytesByType[.float32] == 270_336)
    }

    @Test func badValuesAreRejected() {
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?phase=decode&context=0"))
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?context=131072"))
        #expect(CatalogFigures.rejects("zoo:tinyllama-1.1b?context=2048"))
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?prompt=0"))
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?phase=foo"))
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?ctx=2048"))
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?dtype=q9_0"))
        #expect(CatalogFigures.rejects("zoo:llama-3.2-1b?kv=int8"))
        #expect(CatalogFigures.rejects("zoo:qwen2.5-0.5b?context=-5"))
        #expect(throws: ZooError.badValue(id: "llama-3.2-1b", key: "context", value: "0",
                                          expected: "an integer in 1…131071")) {
            try Zoo.resolve("zoo:llama-3.2-1b?phase=decode&context=0")
        }
    }

    @Test func everyDecoderGraphValidates() throws {
        for entry in Zoo.llmEntries {
            for query in ["?prompt=16", "?phase=decode&context=64", "?phase=decode&context=64&dtype=q4_K&kv=q8_0"] {
                let r = try CatalogFigures.report("zoo:" + entry.id + query)
                #expect(r.uncostedOps.isEmpty, "\(entry.id)\(query)")
            }
        }
    }
}
