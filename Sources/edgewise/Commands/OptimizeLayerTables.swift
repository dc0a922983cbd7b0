import EdgeOptimize
import Foundation

/// The per-layer tables `edgewise optimize` prints under the step table: one for each
/// `analyze: sensitivity` step and one for each `mixed_precision` step.
enum OptimizeLayerTables {
    static func print(_ report: PipelineRunner.Report) {
        for s in report.steps {
            if let a = s.sensitivity { Swift.print(sensitivity(a, step: s.index)) }
            if let m = s.mixedPrecision {
                Swift.print(mixed(m, step: s.index))
                for n in s.notes ?? [] { Swift.print("  " + n) }
            }
        }
    }

    /// Most sensitive layer first.
    static func sensitivity(_ r: SensitivityAnalysis.Report, step: Int) -> String {
        var out = "step \(step) sensitivity, each layer alone in \(r.format) (measured on the engine, \(r.evaluationInputs) input set(s))"
        if let b = r.baselineAccuracy { out += "; accuracy of the original \(Format.percent(b))" }
        var t = TextTable([("layer", .left), ("op", .left), ("shape", .left), ("params", .right), ("bytes", .right),
                           ("weight SQNR", .right), ("output SQNR dB", .right), ("top-1 agree", .right), ("acc. drop", .right)])
        for l in r.ranked {
            t.add([l.node, l.op, l.shape.map(String.init).joined(separator: "×"), Format.si(l.params),
                   "\(Format.bytes(l.bytesBefore)) → \(Format.bytes(l.bytesAfter))", OptimizeText.db(l.weightSQNR), OptimizeText.db(l.outputSQNR),
                   l.top1Agreement.map(Format.percent) ?? "—", l.accuracyDrop.map { String(format: "%.1f pt", $0 * 100) } ?? "—"])
        }
        out += r.layers.isEmpty && !r.cancelled ? "\n(no float32 Conv/Gemm/MatMul weights left to analyse)" : "\n" + t.render()
        if !r.skipped.isEmpty { out += "\nnot analysed: " + r.skipped.joined(separator: "; ") }
        return out
    }

    static func mixed(_ r: MixedPrecisionSearch.Result, step: Int) -> String {
        var out = "step \(step) mixed precision: weights \(Format.bytes(r.originalWeightBytes)) → \(Format.bytes(r.weightBytes)) "
            + "(stored in each format), output SQNR \(OptimizeText.db(r.score.sqnr)) dB"
        if let a = r.score.accuracy, let b = r.baselineAccuracy { out += ", accuracy \(Format.percent(a)) (original \(Format.percent(b)))" }
        out += "; \(r.evaluations) evaluations in \(String(format: "%.1f", r.seconds)) s\(r.stoppedEarly ? ", stopped by its time budget" : "")"
        var t = TextTable([("layer", .left), ("precision", .left)])
        for (k, v) in r.assignment.sorted(by: { $0.key < $1.key }) { t.add([k, v.rawValue]) }
        return out + "\n" + t.render()
    }
}
