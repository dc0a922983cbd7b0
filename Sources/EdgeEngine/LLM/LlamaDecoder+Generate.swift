import Foundation

/// What one generation did, with its timings (measured on this host, monotonic clock).
public struct GenerationResult: Sendable {
    public var promptTokens: [Int]
    public var generatedTokens: [Int]
    /// Seconds to run the prompt through the decoder (up to the first generated token's logits).
    public var prefillSeconds: Double
    /// Seconds spent decoding the generated tokens after the first (each one a full decoder step).
    public var decodeSeconds: Double
    /// True when generation stopped at the end-of-sequence token rather than the token budget.
    public var stoppedAtEOS: Bool

    /// Decode throughput: generated tokens after the first, per second of decoding.
    public var decodeTokensPerSecond: Double {
        generatedTokens.count > 1 && decodeSeconds > 0 ? Double(generatedTokens.count - 1) / decodeSeconds : 0
    }
}

extension LlamaDecoder {
    /// Greedy generation: runs `prompt` from position 0, then appends the arg-max token up to
    /// `maxTokens` times, stopping early after `eos` (which is included in the result).
    /// - Parameter onToken: called with each generated token as soon as it is chosen.
    /// - Throws: ``EngineError`` for an empty prompt, a token outside the vocabulary or a full cache.
    public func generateGreedy(prompt: [Int], maxTokens: Int, eos: Int? = nil,
                               onToken: (Int) -> Void = { _ in }) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw EngineError.runtime(node: "generate", detail: "the prompt has no tokens") }
        reset()
        let clock = ContinuousClock()
        var result = GenerationResult(promptTokens: prompt, generatedTokens: [], prefillSeconds: 0, decodeSeconds: 0, stoppedAtEOS: false)
        let t0 = clock.now
        var logits: UnsafeBufferPointer<Float>?
        for (i, t) in prompt.enumerated() { logits = try step(t, computeLogits: i == prompt.count - 1) }
        let t1 = clock.now
        result.prefillSeconds = seconds(t1 - t0)
        guard maxTokens > 0, var current = logits else { return result }
        while true {
            let next = Sampling.greedy(current)
            result.generatedTokens.append(next)
            onToken(next)
            if next == eos { result.stoppedAtEOS = true; break }
            if result.generatedTokens.count >= maxTokens { break }
            guard let l = try step(next) else { break }
            current = l
        }
        result.decodeSeconds = seconds(clock.now - t1)
        return result
    }

    /// Logits after each prompt token (`[prompt.count][vocabulary]`), from position 0: for tests that
    /// compare every position with a reference.
    public func logitsForEachPosition(_ prompt: [Int]) throws -> [[Float]] {
        reset()
        return try prompt.map { Array(try step($0)!) }
    }
}

private func seconds(_ d: Duration) -> Double {
    let c = d.components
    return Double(c.seconds) + Double(c.attoseconds) * 1e-18
}
