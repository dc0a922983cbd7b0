import EdgeImport
import EdgeIR
import Foundation

/// A pipeline applied to a GGUF decoder: one `quantize` step to a GGUF block format (q8_0, q4_0, q4_1,
/// q4_K, q6_K), written by ``GGUFRequantizer`` as a GGUF file, and measured on the engine's decode loop
/// against the source model with ``DecoderEvaluation`` (perplexity of both, top-token agreement, KL) on
/// an evaluation text.
public enum GGUFPipeline {
    public struct Report: Sendable, Codable, Equatable {
        public var pipeline: String
        public var summary: String
        public var format: String
        public var bytesBefore: Int
        public var bytesAfter: Int
        /// Projection weights re-quantized, kept in their source type (rows not whole blocks), copied.
        public var requantized: Int
        public var kept: Int
        public var copied: Int
        /// SQNR (dB) of the re-quantized weights against the source's own values.
        public var weightSQNR: Double
        /// With an evaluation text: the new model against the source (``DecoderEvaluation/Result``).
        public var evaluation: DecoderEvaluation.Result?
        public var seconds: Double
    }

    /// The block format of a pipeline a GGUF model can take.
    /// - Throws: ``PipelineRunError`` unless the pipeline is exactly one `quantize` step to a GGUF block format.
    public static func check(_ spec: PipelineSpec) throws -> DType {
        guard spec.steps.count == 1, case .quantize(let q) = spec.steps[0] else {
            throw PipelineRunError(step: spec.steps.isEmpty ? 0 : 1, summary: spec.steps.first?.summary ?? "",
                                   message: "a GGUF model takes one quantize step to a block format (q8_0, q4_0, q4_1, q4_K, q6_K); this pipeline has \(spec.steps.count) step(s)")
        }
        let types: [QuantPrecision: DType] = [.q8_0: .q8_0, .q4_0: .q4_0, .q4_1: .q4_1, .q4_K: .q4_K, .q6_K: .q6_K]
        guard let type = types[q.precision] else {
            throw PipelineRunError(step: 1, summary: q.summary,
                                   message: "a GGUF model is re-quantized to a block format (q8_0, q4_0, q4_1, q4_K, q6_K), not \(q.precision.rawValue)")
        }
        return type
    }

    /// Re-quantizes `source` and, with `text`, evaluates the result against it; `output` is written only
    /// when everything succeeded (a temporary file beside it is renamed at the end).
    /// - Parameter context: perplexity chunk size; capped at the text's token count.
    /// - Throws: ``PipelineRunError`` for a pipeline a GGUF model cannot take, ``OptimizeError`` and engine
    ///   errors from re-quantizing and evaluating; nothing is left at `output` then.
    public static func run(_ spec: PipelineSpec, source: GGUFFile, output: URL, text: String?, context: Int = 512) throws -> Report {
        let type = try check(spec)
        let clock = ContinuousClock(), start = clock.now
        let temp = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: temp) }
        let written = try GGUFRequantizer.write(source, as: type, to: temp)
        var report = Report(pipeline: spec.name, summary: spec.summary, format: type.rawValue, bytesBefore: source.file.count,
                            bytesAfter: written.bytesWritten, requantized: written.requantized.count, kept: written.kept.count,
                            copied: written.copied, weightSQNR: written.sqnr, evaluation: nil, seconds: 0)
        if let text {
            let tokens = try DecoderEvaluation.tokenize(text, with: source)
            guard let bos = GGUFTokenizer(source)?.bosID else { throw OptimizeError.unsupported("\(source.file.path) has no BOS token") }
            let test = try GGUFFile(file: try MappedFile(path: temp.path))
            report.evaluation = try DecoderEvaluation.evaluate([test], tokens: tokens, bos: bos, context: min(context, tokens.count),
                                                               reference: source).first
        }
        if rename(temp.path, output.path) != 0 {
            throw OptimizeError.unsupported("cannot rename \(temp.path) to \(output.path): errno \(errno)")
        }
        let d = (clock.now - start).components
        report.seconds = Double(d.seconds) + Double(d.attoseconds) * 1e-18
        return report
    }
}
