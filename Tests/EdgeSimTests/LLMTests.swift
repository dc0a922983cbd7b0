import EdgeZoo
import Testing
@testable import EdgeSim

/// Decoder token rates: what one decode step reads, worked out from SmolLM2-135M's configuration.
@Suite struct LLMTests {
    @Test func decodeReadsWeightsPlusKVCache() throws {
        let catalog = try DeviceCatalog.load()
        let sim = Simulator(catalog: catalog)
        let w = try LLMModels.workloads(reference: "zoo:smollm2-135m", prompt: 64, context: 1024)
        let r = try sim.simulateLLM(prefill: w.prefill, decode: w.decode, promptTokens: 64, context: 1024,
                                    device: catalog.require("jetson-orin-nano-super"), options: .init(precision: Precision.parse("Q8_0")))
        // SmolLM2-135M: 30 layers, d 576, FFN 1536, 9 query / 3 KV heads of 64, vocabulary 49,152, tied embeddings.
        // Per layer: q 576·576 + k 576·192 + v 576·192 + o 576·576 + 3·576·1536 + 2 norms·576 = 3,540,096.
        // Read per token: 30 layers (106,202,880) + the tied output projection 49,152·576 (28,311,552)
        // + final norm 576 + one embedding row 576 = 134,515,584 weights; at Q8_0 (8.5 bits): 142,922,808 B.
        // KV: per layer the attention reads Q (576) and K, V of 3·64·1025 each: 394,176 fp16 values = 788,352 B;
        // 30 layers: 23,650,560 B. Total 166,573,368 B.
        #expect(abs(r.bytesPerToken - 166_573_368) < 1)
        #expect(r.decodeTokensPerSecond.value > 0 && r.prefillTokensPerSecond.value > r.decodeTokensPerSecond.value)
        // The KV cache at 1024 positions (30 · 2 · 3 · 64 · 1024 fp16 = 23,592,960 B) is part of the memory fit.
        #expect(r.memory.regions[0].required > 23_592_960)
        #expect(throws: SimError.invalidScenario("prompt must be at least 1 token (got 0)")) {
            try LLMModels.workloads(reference: "zoo:smollm2-135m", prompt: 0, context: 8)
        }
    }

    @Test func decoderFromAConfigurationUsesItsOwnWeightTypes() throws {
        // SmolLM2-135M's configuration as a GGUF file states it; no per-tensor types, so fp16 weights.
        let config = LlamaConfig(name: "smol", hiddenSize: 576, layers: 30, heads: 9, kvHeads: 3, ffnSize: 1536, vocabulary: 49_152,
                                 tiedEmbeddings: true, ropeTheta: 100_000, maxContext: 8192)
        let w = try LLMModels.workloads(config: config, weightTypes: [:], name: "smol", prompt: 32, context: 1024)
        #expect(w.prompt == 32 && w.context == 1024)
        let catalog = try DeviceCatalog.load()
        let r = try Simulator(catalog: catalog).simulateLLM(prefill: w.prefill, decode: w.decode, promptTokens: 32, context: 1024,
                                                            device: catalog.require("rpi5"))
        // The configuration's own (native) types: of the 134,515,584 weights read per token
        // (decodeReadsWeightsPlusKVCache), the 61 norm vectors (2 per layer + final, 35,136 values) stay
        // float32 as GGUF stores them and the other 134,480,448 are fp16:
        // 134,480,448 × 2 + 35,136 × 4 = 269,101,440 B, plus the fp16 KV cache 23,650,560 B = 292,752,000 B.
        #expect(r.precision == "native")
        #expect(abs(r.bytesPerToken - 292_752_000) < 1)
        // Defaults: a 128-token prompt and 1,024 cached positions; beyond the model's context is an error.
        let d = try LLMModels.workloads(config: config, weightTypes: [:], name: "smol", prompt: nil, context: nil)
        #expect(d.prompt == 128 && d.context == 1024)
        #expect(throws: SimError.self) {
            try LLMModels.workloads(config: config, weightTypes: [:], name: "smol", prompt: 8, context: 8192)
        }
    }
}
