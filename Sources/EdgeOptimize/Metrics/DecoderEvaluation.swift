import EdgeEngine
import EdgeImport
import Foundation

/// Perplexity and top-token agreement of a GGUF decoder on a fixed text, as llama.cpp's `perplexity`
/// tool reports them, run on the engine's decode loop.
///
/// Definition (llama.cpp `tools/perplexity`, `perplexity()` and `--kl-divergence`): the tokens are cut
/// into chunks of `context` tokens (a tail shorter than a chunk is dropped); the first token of each
/// chunk is replaced by BOS; each chunk is decoded from position 0, and only the second half is scored —
/// for `j` in `context/2 ..< context − 1` the negative log-likelihood of token `j + 1` under the
/// softmax of the logits at `j`. Perplexity = exp(mean NLL) over all scored tokens. Against a
/// reference model: "same top" = fraction of scored positions whose arg-max token equals the
/// reference's, and the mean KL divergence KL(reference ‖ test) of the two next-token distributions.
public enum DecoderEvaluation {
    public struct Result: Sendable, Codable, Equatable {
        public var context: Int
        public var chunks: Int
        public var scoredTokens: Int
        public var perplexity: Double
        /// Only with a reference: its perplexity on the same tokens.
        public var referencePerplexity: Double?
        public var sameTopToken: Double?
        public var meanKL: Double?
    }

    /// The token ids of `text` with the file's own tokenizer (no BOS: the chunks get theirs).
    public static func tokenize(_ text: String, with gguf: GGUFFile) throws -> [Int] {
        guard let meta = GGUFTokenizer(gguf) else { throw OptimizeError.unsupported("\(gguf.file.path) has no tokenizer") }
        return try ByteLevelBPE(gguf: meta).encode(text, parseSpecial: false)
    }

    /// Scored positions of one chunk: arg-max and the target's NLL at each, the log-softmax when kept,
    /// and against `reference` the same-top count and summed KL(reference ‖ this).
    struct Scored {
        var logProbs: [[Float]] = []
        var argmax: [Int] = []
        var nll: [Double] = []
        var same = 0
        var kl = 0.0
    }

    static func score(_ gguf: GGUFFile, _ chunk: [Int], keepDistributions: Bool, against reference: Scored?, threads: Int) throws -> Scored {
        let decoder = try LlamaDecoder(gguf: gguf, contextLimit: chunk.count, threads: threads)
        let first = chunk.count / 2
        var out = Scored()
        var logq = [Double]()
        for (j, t) in chunk.enumerated().dropLast() {
            let logits = try decoder.step(t, computeLogits: j >= first)
            guard j >= first, let logits else { continue }
            var m = -Float.infinity, best = 0
            for (i, v) in logits.enumerated() where v > m { m = v; best = i }
            var sum = 0.0
            for v in logits { sum += Foundation.exp(Double(v - m)) }
            let logZ = Double(m) + Foundation.log(sum)
            out.argmax.append(best)
            out.nll.append(logZ - Double(logits[chunk[j + 1]]))
            if keepDistributions { out.logProbs.append(logits.map { Float(Double($0) - logZ) }) }
            if let reference {
                let i = out.argmax.count - 1
                if reference.argmax[i] == best { out.same += 1 }
                logq = logits.map { Double($0) - logZ }
                var d = 0.0
                for (k, lp) in reference.logProbs[i].enumerated() { d += Foundation.exp(Double(lp)) * (Double(lp) - logq[k]) }
                out.kl += d
            }
        }
        return out
    }

    /// Evaluates each of `models` (and `reference`, once) on the same chunks.
    /// - Parameters:
    ///   - tokens: the text's tokens (without BOS); at least one chunk of `context`.
    ///   - bos: the token that starts each chunk.
    ///   - reference: the model the agreement and KL are measured against.
    /// - Returns: one result per model, then the reference's own (perplexity only).
    /// - Throws: ``OptimizeError`` for a context below 4 or a text shorter than one chunk; engine errors.
    public static func evaluate(_ models: [GGUFFile], tokens: [Int], bos: Int, context: Int, reference: GGUFFile? = nil,
                                threads: Int = 1) throws -> [Result] {
        guard context >= 4 else { throw OptimizeError.invalidSetting(name: "context", value: String(context), expected: "at least 4 tokens") }
        let chunks = tokens.count / context
        guard chunks >= 1 else {
            throw OptimizeError.invalidSetting(name: "evaluation text", value: "\(tokens.count) tokens", expected: "at least one chunk of \(context)")
        }
        var nll = [Double](repeating: 0, count: models.count), same = nll, kl = nll
        var refNLL = 0.0, scored = 0
        for c in 0..<chunks {
            var chunk = Array(tokens[(c * context)..<((c + 1) * context)])
            chunk[0] = bos
            scored += context - 1 - context / 2
            let ref = try reference.map { try score($0, chunk, keepDistributions: true, against: nil, threads: threads) }
            refNLL += ref?.nll.reduce(0, +) ?? 0
            for (m, g) in models.enumerated() {
                let s = try score(g, chunk, keepDistributions: false, against: ref, threads: threads)
                nll[m] += s.nll.reduce(0, +)
                same[m] += Double(s.same)
                kl[m] += s.kl
            }
        }
        let n = Double(scored), hasRef = reference != nil
        var out = models.indices.map { m in
            Result(context: context, chunks: chunks, scoredTokens: scored, perplexity: Foundation.exp(nll[m] / n),
                   referencePerplexity: hasRef ? Foundation.exp(refNLL / n) : nil,
                   sameTopToken: hasRef ? same[m] / n : nil, meanKL: hasRef ? kl[m] / n : nil)
        }
        if hasRef {
            out.append(Result(context: context, chunks: chunks, scoredTokens: scored, perplexity: Foundation.exp(refNLL / n)))
        }
        return out
    }
}
