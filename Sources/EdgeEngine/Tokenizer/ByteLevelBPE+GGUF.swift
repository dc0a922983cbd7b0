import EdgeImport

extension ByteLevelBPE {
    /// The tokenizer a GGUF file describes (`tokenizer.ggml.model = gpt2`).
    /// - Throws: ``Failure/unsupported(_:)`` for other tokenizer models (SentencePiece `llama`, …),
    ///   a pre-tokenizer this scanner does not implement, or missing merges.
    public init(gguf t: GGUFTokenizer) throws {
        guard t.model == "gpt2" else {
            throw Failure.unsupported("tokenizer model '\(t.model ?? "none")' is not byte-level BPE (gpt2); only gpt2 is supported")
        }
        guard let pre = PreTokenizer(ggufPre: t.pre) else {
            throw Failure.unsupported("pre-tokenizer '\(t.pre ?? "none")' is not implemented (gpt2 and smollm-style are)")
        }
        guard let merges = t.merges else { throw Failure.unsupported("the file has no tokenizer.ggml.merges") }
        try self.init(tokens: t.tokens, merges: merges, tokenTypes: t.tokenTypes, preTokenizer: pre)
    }
}
