import EdgeIR
import EdgeZoo

/// Builds the prefill and decode graphs of a catalog decoder for a prompt length and a context.
public enum LLMModels {
    /// True when `reference` names a catalog decoder (task `llm`).
    public static func isDecoder(_ reference: String) -> Bool {
        guard let (entry, _) = try? Zoo.resolve(reference) else { return false }
        return entry.task == .llm
    }

    /// The two workloads of a catalog decoder: prefill over `prompt` tokens, decode after `context`
    /// cached positions. Other parameters of the reference (`dtype`, `kv`) are kept.
    /// - Throws: ``SimError/invalidScenario(_:)`` for prompt or context < 1; catalog errors otherwise.
    public static func workloads(reference: String, prompt: Int?, context: Int?) throws -> (prefill: Workload, decode: Workload, prompt: Int, context: Int) {
        let (entry, args) = try Zoo.resolve(reference)
        var values = args.values
        let p = prompt ?? Int(values["prompt"] ?? "") ?? 128
        let c = context ?? Int(values["context"] ?? "") ?? 1024
        guard p >= 1 else { throw SimError.invalidScenario("prompt must be at least 1 token (got \(p))") }
        guard c >= 1 else { throw SimError.invalidScenario("context must be at least 1 token (got \(c))") }
        values["prompt"] = String(p)
        values["context"] = String(c)
        func ref(_ phase: String) -> String {
            var v = values
            v["phase"] = phase
            return "zoo:\(entry.id)?" + v.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
        }
        let pre = try Zoo.model(ref("prefill")), dec = try Zoo.model(ref("decode"))
        return (try Workload(graph: pre.graph, name: ref("prefill")), try Workload(graph: dec.graph, name: ref("decode")), p, c)
    }

    /// The two workloads of a decoder given by its configuration and per-tensor weight types — an
    /// imported file (a llama GGUF), whose weight bytes are the file's own.
    /// - Parameters:
    ///   - prompt: tokens of the prefill pass (default 128, at most the model's context).
    ///   - context: cached positions of the decode step (default 1024, or the model's context less one if shorter).
    /// - Throws: ``SimError/invalidScenario(_:)`` for lengths < 1 or beyond the model's context.
    public static func workloads(config: LlamaConfig, weightTypes: [String: DType], name: String, prompt: Int?,
                                 context: Int?) throws -> (prefill: Workload, decode: Workload, prompt: Int, context: Int) {
        let p = prompt ?? min(128, config.maxContext)
        let c = context ?? min(1024, config.maxContext - 1)
        guard p >= 1 else { throw SimError.invalidScenario("prompt must be at least 1 token (got \(p))") }
        guard c >= 1 else { throw SimError.invalidScenario("context must be at least 1 token (got \(c))") }
        func build(_ phase: DecoderPhase) throws -> Workload {
            do {
                let g = try LlamaGraph.build(config: config, phase: phase, weightTypes: weightTypes)
                return try Workload(graph: g, name: "\(name) \(phase)")
            } catch let e as LlamaGraphError {
                throw SimError.invalidScenario("\(name): \(e.description)")
            }
        }
        return (try build(.prefill(prompt: p)), try build(.decode(context: c)), p, c)
    }
}
