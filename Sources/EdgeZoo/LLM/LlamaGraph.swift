import EdgeIR

/// Builds prefill and decode graphs of Llama-architecture decoders from a ``LlamaConfig``.
///
/// One builder serves the catalog (`zoo:llama-3.2-1b?phase=decode&context=2048`, weights absent) and
/// the GGUF importer, which passes the file's per-tensor types and then binds each weight's storage
/// by name. Weight names are GGUF's (`token_embd.weight`, `blk.0.attn_q.weight`, `output.weight` …)
/// so a file's tensors map onto the graph one to one; see ``tensors(for:)`` for names and shapes.
///
/// The graph, for `T` new tokens after `C` cached ones (prefill: `T = P`, `C = 0`; decode: `T = 1`):
///
///     input_ids[1,T] → Embedding(token_embd) → [T, d]
///     per block i:  RMSNorm(attn_norm) → Gemm q, k, v (+ bias for Qwen2) → heads [1, H, T, hd]
///                   → RoPE(q), RoPE(k) → KVCacheUpdate(past_key_values.i.*, k/v) = present.i.*
///                   → Attention(q, K[C+T], V[C+T], causal) → Gemm attn_output → residual Add
///                   → RMSNorm(ffn_norm) → Gemm ffn_gate, ffn_up → SiLU · up → Gemm ffn_down → Add
///     last token → RMSNorm(output_norm) → Gemm(output or tied token_embd) → logits[1, V]
///
/// Conventions, each chosen to match what llama.cpp executes:
/// - Projections are `Gemm(x[T, in], W[out, in], transB = 1)`: `[out, in]` is the row-major layout
///   GGUF and PyTorch store (block formats quantize along `in`), and it lets a tied LM head read the
///   same `[vocabulary, d]` table the embedding does, so the shared weight is counted once.
/// - Activations are float32; an f16/bf16 embedding table's rows are cast to float32 (ggml's
///   `get_rows`). Norm and bias weights are float32 whatever the file type.
/// - The KV cache is graph state (`isState`), `[1, kvHeads, C, headDim]` per layer in the cache type;
///   `KVCacheUpdate` appends in place, so state bytes = 2 · layers · kvHeads · headDim · C · bytes.
///   Prefill has the same inputs with `C = 0`, and its `present` outputs hold the filled cache.
/// - Logits are computed for the last token only, as llama.cpp does by default.
/// - Attention cost counts every score of the `T × (C+T)` matrix, masked or not.
public enum LlamaGraph {
    /// Builds the graph of one pass.
    ///
    /// - Parameters:
    ///   - weightTypes: stored type per GGUF tensor name (a file's tensor types); tensors not named
    ///     take `defaultWeightType` (matrices) or float32 (norms, biases).
    ///   - defaultWeightType: type of matrices the map does not name; a block format that does not
    ///     divide a tensor's rows is replaced as llama.cpp's quantizer does (``fitting(_:rowLength:)``).
    ///   - kvCacheType: element type of the KV cache (llama.cpp's `--cache-type-k/v`).
    /// - Throws: ``LlamaGraphError`` for an invalid config, a length outside the context, an unknown
    ///   tensor or misaligned block type in `weightTypes`, or an unusable cache type.
    /// - Complexity: O(layers); about 25 nodes per block.
    public static func build(config: LlamaConfig, phase: DecoderPhase, weightTypes: [String: DType] = [:],
                             defaultWeightType: DType = .float16, kvCacheType: DType = .float16) throws -> Graph {
        try config.validate()
        let (tokens, past): (Int, Int)
        switch phase {
        case .prefill(let p):
            guard p >= 1, p <= config.maxContext else {
                throw LlamaGraphError.badLength(phase: "prompt", value: p, maxContext: config.maxContext)
            }
            (tokens, past) = (p, 0)
        case .decode(let c):
            guard c >= 1, c < config.maxContext else {
                throw LlamaGraphError.badLength(phase: "context", value: c, maxContext: config.maxContext - 1)
            }
            (tokens, past) = (1, c)
        }
        guard kvCacheType.isFloatingPoint || kvCacheType.isBlockFormat,
              !kvCacheType.isBlockFormat || config.headDim % kvCacheType.blockSize == 0 else {
            throw LlamaGraphError.unsupportedCacheType(kvCacheType, headDim: config.headDim)
        }
        let specs = tensors(for: config)
        let types = try resolveTypes(specs, weightTypes: weightTypes, defaultType: defaultWeightType)
        var shapes: [String: [Int]] = [:]
        shapes.reserveCapacity(specs.count)
        for s in specs { shapes[s.name] = s.shape }

        var s = Session(builder: GraphBuilder(name: "\(config.name) \(phase)"), config: config, types: types,
                        shapes: shapes, tokens: tokens, past: past, kvType: kvCacheType)
        try s.decoder()
        return try s.builder.finish()
    }
}

/// The state of one build: the builder plus the numbers every block needs.
private struct Session {
    var builder: GraphBuilder
    let config: LlamaConfig
    let types: [String: DType]
    let shapes: [String: [Int]]
    let tokens: Int
    let past: Int
    let kvType: DType

    init(builder: GraphBuilder, config: LlamaConfig, types: [String: DType], shapes: [String: [Int]],
         tokens: Int, past: Int, kvType: DType) {
        self.builder = builder
        self.config = config
        self.types = types
        self.shapes = shapes
        self.tokens = tokens
        self.past = past
        self.kvType = kvType
    }

    /// Shape constants by value: every block reshapes to the same few shapes, so each is stored once.
    var shapeConstants: [[Int64]: String] = [:]

    /// `Reshape(x, shape)` with a shared shape constant.
    mutating func reshape(_ x: String, _ shape: [Int64], name: String) throws -> String {
        let target: String
        if let existing = shapeConstants[shape] {
            target = existing
        } else {
            target = builder.ints("shape_" + shape.map(String.init).joined(separator: "x"), shape)
            shapeConstants[shape] = target
        }
        return try builder.apply(.reshape, [x, target], name: name)
    }

    /// Adds (once) the weight tensor `name` with its resolved type and shape.
    mutating func weight(_ name: String) -> String {
        if builder.graph.isConstant(name) { return name }
        return builder.weight(name, types[name] ?? .float32, Shape(shapes[name] ?? []))
    }

    mutating func decoder() throws {
        let c = config
        let ids = builder.input("input_ids", .int32, Shape([1, tokens]))
        let table = weight("token_embd.weight")
        var x = try builder.apply(.embedding, [ids, table], name: "token_embd")
        if builder.type(of: x).dtype != .float32 {
            x = try builder.apply("Cast", [x], ["to": .int(1)], name: "token_embd_f32")
        }
        x = try reshape(x, [Int64(tokens), Int64(c.hiddenSize)], name: "token_embd_rows")
        var presents: [String] = []
        for i in 0..<c.layers {
            let (y, kv) = try block(i, x)
            x = y
            presents += kv
        }
        if tokens > 1 {
            let last = Int64(tokens - 1)
            x = try builder.apply(.slice, [x, builder.ints("last_token_starts", [last]), builder.ints("last_token_ends", [last + 1]),
                                           builder.ints("last_token_axes", [0])], name: "last_token")
        }
        x = try rmsNorm(x, "output_norm")
        let head = weight(c.tiedEmbeddings ? "token_embd.weight" : "output.weight")
        let logits = try builder.apply(.gemm, [x, head], ["transB": .int(1)], name: "logits")
        builder.output(logits)
        builder.output(presents)
    }

    /// One transformer block; returns its output and the block's present key and value.
    mutating func block(_ i: Int, _ x: String) throws -> (String, [String]) {
        let c = config, p = "blk.\(i)."
        var h = try rmsNorm(x, p + "attn_norm")
        let q = try heads(projection(h, p + "attn_q", bias: c.attentionBias), count: c.heads, name: p + "q_heads")
        let k = try heads(projection(h, p + "attn_k", bias: c.attentionBias), count: c.kvHeads, name: p + "k_heads")
        let v = try heads(projection(h, p + "attn_v", bias: c.attentionBias), count: c.kvHeads, name: p + "v_heads")
        let rope: [String: Attribute] = ["theta": .float(c.ropeTheta), "position": .int(past)]
        let qr = try builder.apply(.rope, [q], rope, name: p + "rope_q")
        let kr = try builder.apply(.rope, [k], rope, name: p + "rope_k")
        let cacheShape = Shape([1, c.kvHeads, past, c.headDim])
        let pastK = builder.input("past_key_values.\(i).key", kvType, cacheShape, isState: true)
        let pastV = builder.input("past_key_values.\(i).value", kvType, cacheShape, isState: true)
        let keys = try builder.apply("KVCacheUpdate", [pastK, kr], name: "present.\(i).key")
        let values = try builder.apply("KVCacheUpdate", [pastV, v], name: "present.\(i).value")
        var a = try builder.apply(.attention, [qr, keys, values], ["is_causal": .int(tokens > 1 ? 1 : 0)],
                                  name: p + "attention")
        if tokens > 1 { a = try builder.transpose(a, [0, 2, 1, 3], name: p + "attn_tokens") }
        a = try reshape(a, [Int64(tokens), Int64(c.queryWidth)], name: p + "attn_merge")
        var y = try builder.add(x, projection(a, p + "attn_output", bias: false), name: p + "attn_residual")

        h = try rmsNorm(y, p + "ffn_norm")
        let gate = try builder.apply(.silu, [projection(h, p + "ffn_gate", bias: false)], name: p + "ffn_silu")
        let up = try projection(h, p + "ffn_up", bias: false)
        let m = try builder.mul(gate, up, name: p + "ffn_mul")
        y = try builder.add(y, projection(m, p + "ffn_down", bias: false), name: p + "ffn_residual")
        return (y, [keys, values])
    }

    /// `Gemm(x, W[out, in], transB = 1)` with the GGUF weight `<name>.weight` (and `<name>.bias`).
    mutating func projection(_ x: String, _ name: String, bias: Bool) throws -> String {
        var inputs = [x, weight(name + ".weight")]
        if bias { inputs.append(weight(name + ".bias")) }
        return try builder.apply(.gemm, inputs, ["transB": .int(1)], name: name)
    }

    /// `[T, n·hd]` → `[1, n, T, hd]`: a view when T = 1, a transpose otherwise.
    mutating func heads(_ x: String, count n: Int, name: String) throws -> String {
        let hd = Int64(config.headDim)
        if tokens == 1 { return try reshape(x, [1, Int64(n), 1, hd], name: name) }
        let split = try reshape(x, [1, Int64(tokens), Int64(n), hd], name: name + "_split")
        return try builder.transpose(split, [0, 2, 1, 3], name: name)
    }

    mutating func rmsNorm(_ x: String, _ name: String) throws -> String {
        try builder.apply(.rmsNorm, [x, weight(name + ".weight")], ["epsilon": .float(config.rmsEpsilon)], name: name)
    }
}
