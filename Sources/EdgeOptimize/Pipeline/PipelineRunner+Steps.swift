import EdgeIR
import Foundation

/// Settings translations between pipeline steps and the transformations that apply them.
extension PipelineRunner {
    /// The factoriser's rank rule for a `lowrank` step.
    static func rank(_ l: LowRankSettings) -> LowRankFactorizer.Rank {
        switch l.target {
        case .energy: return .energy(l.value)
        case .compression: return .compression(l.value)
        case .rank: return .fixed(Int(l.value))
        }
    }
}

extension PipelineRunner {
    /// Dynamic int8 and fp16/bf16 weights: the rewritten graph, layers changed and notes; nil for the
    /// kinds `run` applies itself (static and weight-only int8).
    static func applyOtherQuantize(_ q: QuantizeSettings, to graph: Graph) throws -> (Graph, Int, [String])? {
        switch (q.precision, q.mode) {
        case (.int8, .dynamic):
            let (g, r) = try DynamicQuantizer.quantize(graph, perChannel: q.granularity == .perChannel, exclude: q.exclude)
            return (g, r.layers.count, r.skipped.map { "kept \($0.node) in float: \($0.reason)" })
        case (.fp16, _), (.bf16, _):
            let (g, r) = try HalfPrecisionWeights.convert(graph, to: q.precision == .fp16 ? .float16 : .bfloat16, exclude: q.exclude)
            return (g, r.tensors.count, ["weight SQNR \(String(format: "%.2f", r.weightSQNR)) dB over \(r.elements) values"])
        default:
            return nil
        }
    }
}
