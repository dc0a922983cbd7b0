/// Writing pipelines back as YAML, in the form ``PipelineSpec/init(yaml:)`` reads (round-trips exactly).
extension PipelineSpec {
    /// YAML lines for this pipeline as a mapping (`name:`, `steps:`), indented by `indent` spaces.
    public func yamlLines(indent: Int = 0) -> [String] {
        let pad = String(repeating: " ", count: indent)
        var out = ["\(pad)name: \(YAMLText.scalar(name))"]
        if steps.isEmpty {
            out.append("\(pad)steps: []")
            return out
        }
        out.append("\(pad)steps:")
        for s in steps { out.append("\(pad)  - " + s.yamlFlow) }
        return out
    }
}

extension PipelineStep {
    /// One-line flow mapping: `quantize: {precision: int8, …}` with every setting explicit.
    var yamlFlow: String {
        switch self {
        case .analyze(let a): return a.yamlFlow
        case .mixedPrecision(let m): return m.yamlFlow
        case .quantize(let q):
            var kv = ["precision: \(q.precision.rawValue)", "mode: \(q.mode.rawValue)"]
            if q.precision == .int8 || q.precision == .int4 {
                kv += ["granularity: \(q.granularity.rawValue)", "group_size: \(q.groupSize)", "symmetric: \(q.symmetric)"]
                if q.mode == .static {
                    kv += ["calibration: \(q.calibration.rawValue)", "percentile: \(q.percentile)", "bias_correction: \(q.biasCorrection)"]
                }
            }
            if !q.exclude.isEmpty { kv.append("exclude: [" + q.exclude.map(YAMLText.scalar).joined(separator: ", ") + "]") }
            return "quantize: {" + kv.joined(separator: ", ") + "}"
        case .prune(let p):
            var kv = ["method: \(YAMLText.scalar(p.method.rawValue))"]
            switch p.method {
            case .nm: kv.append("pattern: \"\(p.n):\(p.m)\"")
            case .channel: kv += ["sparsity: \(p.sparsity)", "norm: \(p.norm.rawValue)"]
            case .magnitude: kv += ["sparsity: \(p.sparsity)", "scope: \(p.scope.rawValue)"]
            }
            if !p.exclude.isEmpty { kv.append("exclude: [" + p.exclude.map(YAMLText.scalar).joined(separator: ", ") + "]") }
            return "prune: {" + kv.joined(separator: ", ") + "}"
        case .lowRank(let l):
            var kv = ["\(l.target.rawValue): \(l.target == .rank ? "\(Int(l.value))" : "\(l.value)")"]
            if l.spatial { kv.append("spatial: true") }
            if l.finetuneSteps > 0 { kv.append("finetune_steps: \(l.finetuneSteps)") }
            if let lr = l.finetuneRate { kv.append("finetune_lr: \(lr)") }
            return "lowrank: {" + kv.joined(separator: ", ") + "}"
        case .finetune(let f): return f.yamlFlow
        }
    }
}

/// Quoting for YAML scalars written by Edgewise.
public enum YAMLText {
    /// The scalar as YAML: plain when unambiguous, otherwise double-quoted with escapes.
    public static func scalar(_ s: String) -> String {
        let special = CharacterSet(charactersIn: ":#{}[],&*!|>'\"%@`?\\\n\t")
        let reserved = ["true", "false", "yes", "no", "on", "off", "null", "~", ""]
        let looksNumeric = Double(s) != nil
        if s.unicodeScalars.contains(where: { special.contains($0) }) || reserved.contains(s.lowercased()) || looksNumeric
            || s.hasPrefix(" ") || s.hasSuffix(" ") || s.hasPrefix("-") {
            var e = ""
            for c in s.unicodeScalars {
                switch c {
                case "\"": e += "\\\""
                case "\\": e += "\\\\"
                case "\n": e += "\\n"
                case "\t": e += "\\t"
                default: e.unicodeScalars.append(c)
                }
            }
            return "\"\(e)\""
        }
        return s
    }
}

import Foundation
