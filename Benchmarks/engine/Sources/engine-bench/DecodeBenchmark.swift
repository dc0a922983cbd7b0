import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeZoo
import Foundation

/// engine-bench --gguf MODEL [--prompt TEXT] [--tokens N] [--threads T] [--repeat R]
///
/// Greedy decode with ``LlamaDecoder`` (fused block arithmetic) and this host's single-thread memory read
/// bandwidth, as one JSON line: decode tokens/s (best of R generations, measured), the bytes of weights
/// one decode step reads (every matrix once, plus the embedding row), and the bandwidth bound
/// `bandwidth / bytes per token` that no weight-streaming decoder can exceed on this host.
func decodeBenchmark(_ args: [String]) {
    guard let path = args.first else { print("{\"error\": \"usage: engine-bench --gguf MODEL\"}"); return }
    var prompt = "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n<|im_start|>assistant\n"
    var tokens = 32, threads = 1, repeats = 3
    var i = 1
    while i + 1 < args.count {
        switch args[i] {
        case "--prompt": prompt = args[i + 1]
        case "--tokens": tokens = Int(args[i + 1]) ?? tokens
        case "--threads": threads = Int(args[i + 1]) ?? threads
        case "--repeat": repeats = Int(args[i + 1]) ?? repeats
        default: break
        }
        i += 2
    }
    do {
        let gguf = try GGUFFile(file: try MappedFile(path: path))
        guard let meta = GGUFTokenizer(gguf) else { print("{\"error\": \"no tokenizer\"}"); return }
        let ids = try ByteLevelBPE(gguf: meta).encode(prompt)
        let decoder = try LlamaDecoder(gguf: gguf, contextLimit: ids.count + tokens + 1, arithmetic: .fused, threads: threads)
        var best = 0.0, prefill = Double.infinity
        var generated: [Int] = []
        for _ in 0..<max(1, repeats) {
            let r = try decoder.generateGreedy(prompt: ids, maxTokens: tokens)
            best = max(best, r.decodeTokensPerSecond)
            prefill = min(prefill, r.prefillSeconds)
            generated = r.generatedTokens
        }
        // Bytes one decode step streams: every block matrix of every layer and the LM head, once.
        var weightBytes = 0
        for t in gguf.tensors where t.name.hasSuffix(".weight") && t.name != "token_embd.weight" {
            weightBytes += t.byteCount
        }
        let c = decoder.config
        let embedding = gguf.tensors.first { $0.name == "token_embd.weight" }?.byteCount ?? 0
        // Tied head: the embedding matrix is read whole for the logits; otherwise one row of it.
        weightBytes += c.tiedEmbeddings ? embedding : embedding / max(1, c.vocabulary)
        let bandwidth = readBandwidth()
        let bound = bandwidth / Double(weightBytes)
        print("{\"decode_tokens_per_s\": \(best), \"prefill_s\": \(prefill), \"prompt_tokens\": \(ids.count), \"generated\": \(generated.count), " +
              "\"bytes_per_token\": \(weightBytes), \"read_bandwidth_GBps\": \(bandwidth / 1e9), \"bandwidth_bound_tokens_per_s\": \(bound), " +
              "\"threads\": \(threads), \"isa\": \"\(KernelISA.selected)\"}")
    } catch {
        print("{\"error\": \"\(error)\"}")
    }
}

/// Single-thread sequential read bandwidth in bytes/s: best of 5 sums over a 1 GiB buffer (far larger
/// than the 32 MiB L3), eight independent accumulators so the loop is bound by memory, not by adds.
func readBandwidth() -> Double {
    let count = 1 << 27  // 2^27 UInt64 = 1 GiB
    let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: count)
    defer { buffer.deallocate() }
    for i in 0..<count { buffer[i] = UInt64(truncatingIfNeeded: i) }
    var best = 0.0
    var sink: UInt64 = 0
    for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        var s0: UInt64 = 0, s1: UInt64 = 0, s2: UInt64 = 0, s3: UInt64 = 0, s4: UInt64 = 0, s5: UInt64 = 0, s6: UInt64 = 0, s7: UInt64 = 0
        var i = 0
        while i < count {
            s0 &+= buffer[i]; s1 &+= buffer[i + 1]; s2 &+= buffer[i + 2]; s3 &+= buffer[i + 3]
            s4 &+= buffer[i + 4]; s5 &+= buffer[i + 5]; s6 &+= buffer[i + 6]; s7 &+= buffer[i + 7]
            i += 8
        }
        sink &+= s0 &+ s1 &+ s2 &+ s3 &+ s4 &+ s5 &+ s6 &+ s7
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        best = max(best, Double(count * 8) / seconds)
    }
    if sink == 42 { FileHandle.standardError.write(Data("\n".utf8)) }  // keeps the sums alive
    return best
}
