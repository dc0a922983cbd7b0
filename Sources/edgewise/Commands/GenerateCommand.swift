import ArgumentParser
import EdgeEngine
import EdgeImport
import EdgeIR
import Foundation

/// `edgewise generate MODEL --prompt "…" -n 32`: greedy text generation with a GGUF decoder.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text greedily with a llama-family GGUF model on this host's CPU.",
        discussion: """
            The prompt is tokenized with the file's own tokenizer (byte-level BPE from its metadata; \
            control tokens such as <|im_start|> written literally are recognised). Generation stops after \
            -n tokens or at the end-of-sequence token. Timings are measured on this host.
            """)

    @Argument(help: "A GGUF file (llama architecture, byte-level BPE tokenizer).")
    var model: String

    @Option(help: "The prompt text.")
    var prompt: String

    @Option(name: .short, help: "Tokens to generate.")
    var n: Int = 32

    @Option(help: "Threads for the matrix products (1 or 2).")
    var threads: Int = 1

    @Flag(help: "Use the reference arithmetic (dequantize rows, float dot products) instead of llama.cpp's fused 8-bit dots.")
    var reference = false

    @Flag(help: "Add the file's beginning-of-sequence token before the prompt even if its metadata says not to.")
    var bos = false

    @Flag(help: "Print token ids and timings as JSON instead of text.")
    var json = false

    func validate() throws {
        guard n >= 0, n <= 1_000_000 else { throw CLIError("-n must be between 0 and 1000000") }
        guard (1...2).contains(threads) else { throw CLIError("--threads must be 1 or 2") }
    }

    func run() throws {
        let gguf: GGUFFile
        do {
            gguf = try GGUFFile(file: try MappedFile(path: model))
        } catch {
            throw CLIError("\(model): not a readable GGUF file: \(error)")
        }
        guard let meta = GGUFTokenizer(gguf) else { throw CLIError("\(model): the file has no tokenizer (tokenizer.ggml.tokens)") }
        let tokenizer: ByteLevelBPE
        let decoder: LlamaDecoder
        var ids: [Int]
        do {
            tokenizer = try ByteLevelBPE(gguf: meta)
            ids = try tokenizer.encode(prompt)
            let addBOS = bos || (gguf["tokenizer.ggml.add_bos_token"]?.integer ?? 0) != 0
            if addBOS, let b = meta.bosID { ids.insert(b, at: 0) }
            decoder = try LlamaDecoder(gguf: gguf, contextLimit: ids.count + max(n, 1),
                                       arithmetic: reference ? .reference : .fused, threads: threads)
        } catch let e as CLIError {
            throw e
        } catch {
            throw CLIError("\(model): \(error)")
        }
        guard !ids.isEmpty else { throw CLIError("the prompt is empty") }

        var pending: [Int] = []
        if !json { FileHandle.standardOutput.write(Data(prompt.utf8)) }
        let result = try decoder.generateGreedy(prompt: ids, maxTokens: n, eos: meta.eosID) { token in
            guard !json else { return }
            // Print whole UTF-8 characters as they complete.
            pending.append(token)
            if let bytes = try? tokenizer.decodeBytes(pending), let text = String(validating: bytes, as: UTF8.self) {
                FileHandle.standardOutput.write(Data(text.utf8))
                pending.removeAll()
            }
        }
        if json {
            let out: [String: Any] = [
                "prompt_ids": ids, "generated_ids": result.generatedTokens,
                "text": (try? tokenizer.decode(result.generatedTokens)) ?? "",
                "prefill_seconds": result.prefillSeconds, "decode_seconds": result.decodeSeconds,
                "decode_tokens_per_second": result.decodeTokensPerSecond, "stopped_at_eos": result.stoppedAtEOS,
                "arithmetic": decoder.arithmetic.rawValue, "threads": decoder.threads,
            ]
            let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        if !pending.isEmpty, let text = try? tokenizer.decode(pending) { FileHandle.standardOutput.write(Data(text.utf8)) }
        print("")
        let stderr = FileHandle.standardError
        let line = String(format: "%d prompt tokens in %.3f s; %d generated, decode %.1f tokens/s (measured on this host, %@ arithmetic, %d thread%@)%@\n",
                          ids.count, result.prefillSeconds, result.generatedTokens.count, result.decodeTokensPerSecond,
                          decoder.arithmetic.rawValue, decoder.threads, decoder.threads == 1 ? "" : "s",
                          result.stoppedAtEOS ? "; stopped at end-of-sequence" : "")
        stderr.write(Data(line.utf8))
    }
}
