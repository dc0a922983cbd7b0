import EdgeIR
import EdgeImport
import EdgeZoo
import Foundation

/// Runs a llama-family GGUF decoder one token at a time with a KV cache: the engine's decode loop.
///
/// The computation is the catalog graph's (``LlamaGraph``; weights by GGUF name, projections
/// `W[out, in]`), executed by a dedicated loop rather than an ``ExecutionPlan`` per step so the KV
/// cache is appended in place and no step allocates. Per token at position p:
///
///     x = token_embd[token]                                   (get_rows; q8_0 rows dequantized)
///     per block:  h = RMSNorm(x)·attn_norm
///                 q, k, v = W_q h, W_k h, W_v h               (block-format matrix × vector)
///                 q, k rotated by RoPE at p                   (adjacent pairs (2i, 2i+1), θᵢ = p·base^(−2i/d))
///                 K[p], V[p] = k, v;  per query head j, kv head j / (heads / kvHeads):
///                 a = Σₜ softmax_t(q·K[t] / √d) V[t],  t = 0…p
///                 x += W_o a;  h = RMSNorm(x)·ffn_norm;  x += W_down(SiLU(W_gate h) ⊙ W_up h)
///     logits = W_head · RMSNorm(x)·output_norm               (W_head = token_embd when tied)
///
/// RoPE rotates adjacent pairs because GGUF's converter permutes the Q and K rows of Hugging Face
/// checkpoints for ggml's "normal" rotation; llama.cpp applies the same to llama-architecture files.
public final class LlamaDecoder {
    public let config: LlamaConfig
    public let arithmetic: BlockMatrix.Arithmetic
    public let threads: Int
    public let isa: KernelISA
    public let cache: KVCache
    /// Tokens decoded so far (the next token's position).
    public private(set) var position = 0

    struct Layer {
        let attnNorm: UnsafePointer<Float>, ffnNorm: UnsafePointer<Float>
        let q: BlockMatrix, k: BlockMatrix, v: BlockMatrix, o: BlockMatrix
        let gate: BlockMatrix, up: BlockMatrix, down: BlockMatrix
    }

    let file: MappedFile
    let layers: [Layer]
    let embedding: BlockMatrix
    let head: BlockMatrix
    let outputNorm: UnsafePointer<Float>
    let inverseFrequencies: [Float]

    // Scratch, allocated once.
    let x: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>
    let q: UnsafeMutablePointer<Float>, attn: UnsafeMutablePointer<Float>, proj: UnsafeMutablePointer<Float>
    let gateBuf: UnsafeMutablePointer<Float>, upBuf: UnsafeMutablePointer<Float>
    let scores: UnsafeMutablePointer<Float>
    let logitsBuf: UnsafeMutablePointer<Float>
    let scratch: UnsafeMutableRawPointer
    let allocations: [AlignedBytes]

    /// Maps the decoder of a llama-family GGUF file.
    /// - Parameters:
    ///   - contextLimit: positions the KV cache holds (capped by the model's context length).
    ///   - arithmetic: `.fused` (llama.cpp's scheme, fast) or `.reference` (dequantize, float dots).
    /// - Throws: ``EngineError`` when the file is not a llama decoder the importer recognised, or a
    ///   tensor has a type or shape the loop does not run.
    public init(gguf: GGUFFile, contextLimit: Int = 4096, arithmetic: BlockMatrix.Arithmetic = .fused,
                threads: Int = 1, isa: KernelISA = .selected) throws {
        let model = try GGUFImporter.model(from: gguf)
        guard !model.graph.nodes.isEmpty else {
            throw EngineError.unsupported(node: gguf.file.path, op: "LlamaDecoder",
                                          detail: "not a llama decoder graph: " + model.metadata.notes.joined(separator: "; "))
        }
        let hp = try GGUFLlamaHyperparameters(gguf)
        let headDim = gguf["\(hp.architecture).attention.key_length"]?.integer ?? hp.headDimension
        config = LlamaConfig(name: gguf["general.name"]?.stringValue ?? hp.architecture,
                             hiddenSize: hp.embeddingLength, layers: hp.blockCount, heads: hp.headCount,
                             kvHeads: hp.headCountKV, headDim: headDim, ffnSize: hp.feedForwardLength,
                             vocabulary: hp.vocabularySize, tiedEmbeddings: hp.tiedEmbeddings,
                             ropeTheta: hp.ropeFreqBase, maxContext: hp.contextLength, rmsEpsilon: hp.rmsEpsilon,
                             attentionBias: gguf.tensor(named: "blk.0.attn_q.bias") != nil)
        try config.validate()
        let c = config
        func fail(_ what: String) -> EngineError { .unsupported(node: gguf.file.path, op: "LlamaDecoder", detail: what) }
        guard !c.attentionBias else { throw fail("Q/K/V biases (Qwen2) are not run by the decode loop yet") }
        guard hp.ropeDimensionCount == c.headDim else {
            throw fail("partial rotary embeddings (rope.dimension_count \(hp.ropeDimensionCount) ≠ head width \(c.headDim))")
        }
        guard c.headDim % 2 == 0 else { throw fail("odd head width \(c.headDim)") }

        let graph = model.graph
        func bytes(_ name: String) throws -> (Tensor, UnsafeRawBufferPointer) {
            guard let t = graph.constants[name], case .mapped(let f, let off, let len) = t.storage,
                  let b = f.slice(offset: off, length: len) else { throw fail("tensor '\(name)' is missing or not in the file") }
            return (t, b)
        }
        func matrix(_ name: String, rows: Int, cols: Int) throws -> BlockMatrix {
            let (t, b) = try bytes(name)
            guard t.shape.values == [rows, cols] else { throw fail("tensor '\(name)' is \(t.shape), expected [\(rows), \(cols)]") }
            return try BlockMatrix(name: name, type: t.dtype, rows: rows, cols: cols, bytes: b)
        }
        func vector(_ name: String, _ n: Int) throws -> UnsafePointer<Float> {
            let (t, b) = try bytes(name)
            guard t.dtype == .float32, t.shape.elementCount == n, b.count >= 4 * n, let p = b.baseAddress else {
                throw fail("tensor '\(name)' must be float32 with \(n) values")
            }
            // Mapped GGUF data is 32-byte aligned by the format (general.alignment ≥ 8 checked by the reader).
            return p.assumingMemoryBound(to: Float.self)
        }
        let d = c.hiddenSize
        var ls: [Layer] = []
        for i in 0..<c.layers {
            let p = "blk.\(i)."
            ls.append(Layer(
                attnNorm: try vector(p + "attn_norm.weight", d), ffnNorm: try vector(p + "ffn_norm.weight", d),
                q: try matrix(p + "attn_q.weight", rows: c.queryWidth, cols: d),
                k: try matrix(p + "attn_k.weight", rows: c.kvWidth, cols: d),
                v: try matrix(p + "attn_v.weight", rows: c.kvWidth, cols: d),
                o: try matrix(p + "attn_output.weight", rows: d, cols: c.queryWidth),
                gate: try matrix(p + "ffn_gate.weight", rows: c.ffnSize, cols: d),
                up: try matrix(p + "ffn_up.weight", rows: c.ffnSize, cols: d),
                down: try matrix(p + "ffn_down.weight", rows: d, cols: c.ffnSize)))
        }
        layers = ls
        embedding = try matrix("token_embd.weight", rows: c.vocabulary, cols: d)
        head = c.tiedEmbeddings ? embedding : try matrix("output.weight", rows: c.vocabulary, cols: d)
        outputNorm = try vector("output_norm.weight", d)
        file = gguf.file
        self.arithmetic = arithmetic
        self.threads = max(1, min(threads, 2))
        self.isa = isa
        cache = try KVCache(layers: c.layers, kvHeads: c.kvHeads, headDim: c.headDim,
                            capacity: max(1, min(contextLimit, c.maxContext)))
        inverseFrequencies = (0..<(c.headDim / 2)).map { i in
            Float(pow(c.ropeTheta, -2.0 * Double(i) / Double(c.headDim)))
        }

        var owned: [AlignedBytes] = []
        func floats(_ n: Int) -> UnsafeMutablePointer<Float> {
            let a = AlignedBytes(count: 4 * max(n, 1))
            owned.append(a)
            return a.pointer.assumingMemoryBound(to: Float.self)
        }
        x = floats(d)
        h = floats(d)
        q = floats(c.queryWidth)
        attn = floats(c.queryWidth)
        proj = floats(max(d, c.kvWidth * 2))
        gateBuf = floats(c.ffnSize)
        upBuf = floats(c.ffnSize)
        scores = floats(cache.capacity)
        logitsBuf = floats(c.vocabulary)
        let all = ls.flatMap { [$0.q, $0.k, $0.v, $0.o, $0.gate, $0.up, $0.down] } + [embedding, head]
        let s = AlignedBytes(count: all.map(\.scratchBytes).max() ?? 0)
        owned.append(s)
        scratch = s.pointer
        allocations = owned
    }

    /// Forgets every decoded position (the next token is position 0).
    public func reset() { position = 0 }

    /// Decodes one token at ``position`` and returns the logits for the next token (valid until the
    /// next call), or nil when `computeLogits` is false (prompt tokens before the last).
    /// - Throws: ``EngineError`` for a token outside the vocabulary or a full cache.
    @discardableResult
    public func step(_ token: Int, computeLogits: Bool = true) throws -> UnsafeBufferPointer<Float>? {
        let c = config
        guard token >= 0, token < c.vocabulary else {
            throw EngineError.runtime(node: "token_embd", detail: "token \(token) is outside the vocabulary of \(c.vocabulary)")
        }
        guard position < cache.capacity else {
            throw EngineError.tooLarge(what: "position \(position + 1) of the KV cache", bytes: (position + 1) * cache.byteCount / cache.capacity, limit: cache.byteCount)
        }
        let d = c.hiddenSize, hd = c.headDim, p = position
        embedding.row(token, into: x)
        let k = proj, v = proj + c.kvWidth
        for (li, L) in layers.enumerated() {
            rmsNorm(x, L.attnNorm, into: h, d)
            multiply(L.q, h, q)
            multiply(L.k, h, k)
            multiply(L.v, h, v)
            rope(q, heads: c.heads, position: p)
            rope(k, heads: c.kvHeads, position: p)
            for kh in 0..<c.kvHeads {
                (cache.keys(layer: li, head: kh) + p * hd).update(from: k + kh * hd, count: hd)
                (cache.values(layer: li, head: kh) + p * hd).update(from: v + kh * hd, count: hd)
            }
            attention(layer: li, positions: p + 1)
            multiply(L.o, attn, proj)
            for i in 0..<d { x[i] += proj[i] }
            rmsNorm(x, L.ffnNorm, into: h, d)
            multiply(L.gate, h, gateBuf)
            multiply(L.up, h, upBuf)
            for i in 0..<c.ffnSize {
                let g = gateBuf[i]
                gateBuf[i] = g / (1 + exp(-g)) * upBuf[i]
            }
            multiply(L.down, gateBuf, proj)
            for i in 0..<d { x[i] += proj[i] }
        }
        position += 1
        guard computeLogits else { return nil }
        rmsNorm(x, outputNorm, into: h, d)
        multiply(head, h, logitsBuf)
        return UnsafeBufferPointer(start: logitsBuf, count: c.vocabulary)
    }

    @inline(__always) func multiply(_ m: BlockMatrix, _ input: UnsafeMutablePointer<Float>, _ out: UnsafeMutablePointer<Float>) {
        m.multiply(input, into: out, arithmetic: arithmetic, scratch: scratch, isa: isa, threads: threads)
    }

    /// `y = x / √(mean(x²) + ε) · w` (the mean accumulated in double, as ggml does).
    func rmsNorm(_ x: UnsafeMutablePointer<Float>, _ w: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ n: Int) {
        var sum = 0.0
        for i in 0..<n { sum += Double(x[i]) * Double(x[i]) }
        let scale = Float(1 / (sum / Double(n) + config.rmsEpsilon).squareRoot())
        for i in 0..<n { y[i] = x[i] * scale * w[i] }
    }

    /// Rotates each head's adjacent pairs (2i, 2i + 1) by p·θᵢ.
    func rope(_ v: UnsafeMutablePointer<Float>, heads: Int, position p: Int) {
        let hd = config.headDim
        for i in 0..<(hd / 2) {
            let angle = Float(p) * inverseFrequencies[i]
            let cs = cos(angle), sn = sin(angle)
            for hh in 0..<heads {
                let a = v + hh * hd + 2 * i
                let x0 = a[0], x1 = a[1]
                a[0] = x0 * cs - x1 * sn
                a[1] = x0 * sn + x1 * cs
            }
        }
    }

    /// Grouped-query attention of the current query heads over positions 0..<n of `layer`.
    func attention(layer: Int, positions n: Int) {
        let c = config, hd = c.headDim
        let group = c.heads / c.kvHeads
        let scale = 1 / Float(hd).squareRoot()
        for hq in 0..<c.heads {
            let kh = hq / group
            let qh = q + hq * hd
            let K = cache.keys(layer: layer, head: kh), V = cache.values(layer: layer, head: kh)
            var maxScore = -Float.infinity
            for t in 0..<n {
                let kt = K + t * hd
                var s: Float = 0
                for j in 0..<hd { s += qh[j] * kt[j] }
                s *= scale
                scores[t] = s
                maxScore = max(maxScore, s)
            }
            var total: Float = 0
            for t in 0..<n {
                let e = exp(scores[t] - maxScore)
                scores[t] = e
                total += e
            }
            let out = attn + hq * hd
            for j in 0..<hd { out[j] = 0 }
            for t in 0..<n {
                let w = scores[t] / total
                let vt = V + t * hd
                for j in 0..<hd { out[j] += w * vt[j] }
            }
        }
    }
}
