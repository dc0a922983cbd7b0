/// A compression strategy: an ordered list of steps, each producing a new model from the last.
///
/// Written in YAML (alone, or inside a workspace) or built in code. ``summary`` renders the
/// compact arrow form users read in tables:
/// `prune(magnitude, 0.5) → lowrank(energy 0.95) → quantize(int8, per-channel, percentile 99.99)`.
public struct PipelineSpec: Sendable, Equatable, Codable {
    public var name: String
    public var steps: [PipelineStep]

    public init(name: String, steps: [PipelineStep]) {
        self.name = name
        self.steps = steps
    }

    /// The uncompressed baseline (no steps).
    public static let baseline = PipelineSpec(name: "fp32", steps: [])

    public var summary: String {
        steps.isEmpty ? "fp32 (unchanged)" : steps.map(\.summary).joined(separator: " → ")
    }
}

/// One step of a pipeline.
public enum PipelineStep: Sendable, Equatable, Codable {
    case quantize(QuantizeSettings)
    case prune(PruneSettings)
    case lowRank(LowRankSettings)
    /// Training on the labelled calibration set (or distillation from the original model); see ``Trainer``.
    case finetune(TrainingSettings)
    case analyze(AnalyzeSettings)
    case mixedPrecision(MixedPrecisionSettings)

    public var summary: String {
        switch self {
        case .analyze(let a): return a.summary
        case .mixedPrecision(let m): return m.summary
        case .quantize(let q): return q.summary
        case .prune(let p): return p.summary
        case .lowRank(let l): return l.summary
        case .finetune(let f): return f.summary
        }
    }
}

/// Target number format of a quantization step.
public enum QuantPrecision: String, Sendable, Codable, CaseIterable {
    case fp16, bf16, int8, int4
    case q8_0 = "q8_0", q4_0 = "q4_0", q4_1 = "q4_1", q4_K = "q4_K", q6_K = "q6_K"

    /// Whether this precision is a GGUF block format.
    public var isBlockFormat: Bool { [.q8_0, .q4_0, .q4_1, .q4_K, .q6_K].contains(self) }
}

public struct QuantizeSettings: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable, CaseIterable { case `static`, dynamic, weightOnly = "weight-only" }
    public enum Granularity: String, Sendable, Codable, CaseIterable { case perTensor = "per-tensor", perChannel = "per-channel", group }
    public enum Calibration: String, Sendable, Codable, CaseIterable { case minmax, percentile, entropy, mse }

    public var precision: QuantPrecision
    public var mode: Mode
    public var granularity: Granularity
    /// Elements per group for group-wise int4 (32, 64 or 128).
    public var groupSize: Int
    public var symmetric: Bool
    public var calibration: Calibration
    /// Percentile for `.percentile` calibration, e.g. 99.99.
    public var percentile: Double
    public var biasCorrection: Bool
    /// Node names or op types left in float.
    public var exclude: [String]

    public init(precision: QuantPrecision, mode: Mode = .static, granularity: Granularity = .perChannel,
                groupSize: Int = 128, symmetric: Bool = true, calibration: Calibration = .minmax,
                percentile: Double = 99.99, biasCorrection: Bool = false, exclude: [String] = []) {
        self.precision = precision
        self.mode = mode
        self.granularity = granularity
        self.groupSize = groupSize
        self.symmetric = symmetric
        self.calibration = calibration
        self.percentile = percentile
        self.biasCorrection = biasCorrection
        self.exclude = exclude
    }

    public var summary: String {
        var parts = [precision.rawValue]
        if precision == .int8 || precision == .int4 {
            if mode != .static || precision == .int4 { parts.append(mode.rawValue) }
            parts.append(granularity == .group ? "g\(groupSize)" : granularity.rawValue)
            if !symmetric { parts.append("asym") }
            if mode == .static && precision == .int8 {
                parts.append(calibration == .percentile ? "percentile \(percentile)" : calibration.rawValue)
            }
        }
        if !exclude.isEmpty { parts.append("except \(exclude.joined(separator: ","))") }
        return "quantize(" + parts.joined(separator: ", ") + ")"
    }
}

public struct PruneSettings: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable { case magnitude, nm = "n:m", channel }
    public enum Scope: String, Sendable, Codable, CaseIterable { case layer, global }
    public enum Norm: String, Sendable, Codable, CaseIterable { case l1, l2 }

    public var method: Method
    /// Fraction of weights (or channels) removed, in [0, 1).
    public var sparsity: Double
    public var scope: Scope
    /// N:M pattern (keep N of every M), e.g. 2:4.
    public var n: Int
    public var m: Int
    public var norm: Norm
    /// Node names or op types whose weights are left as they are.
    public var exclude: [String]

    public init(method: Method, sparsity: Double = 0.5, scope: Scope = .layer, n: Int = 2, m: Int = 4, norm: Norm = .l1,
                exclude: [String] = []) {
        self.method = method
        self.sparsity = sparsity
        self.scope = scope
        self.n = n
        self.m = m
        self.norm = norm
        self.exclude = exclude
    }

    enum CodingKeys: String, CodingKey { case method, sparsity, scope, n, m, norm, exclude }

    /// Decodes settings written before `exclude` existed too.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(method: try c.decode(Method.self, forKey: .method), sparsity: try c.decode(Double.self, forKey: .sparsity),
                  scope: try c.decode(Scope.self, forKey: .scope), n: try c.decode(Int.self, forKey: .n), m: try c.decode(Int.self, forKey: .m),
                  norm: try c.decode(Norm.self, forKey: .norm), exclude: try c.decodeIfPresent([String].self, forKey: .exclude) ?? [])
    }

    /// Fraction of weights that become zero.
    public var effectiveSparsity: Double { method == .nm ? 1 - Double(n) / Double(m) : sparsity }

    public var summary: String {
        let except = exclude.isEmpty ? "" : ", except \(exclude.joined(separator: ","))"
        switch method {
        case .nm: return "prune(\(n):\(m)\(except))"
        case .channel: return "prune(channel \(norm.rawValue), \(sparsity)\(except))"
        case .magnitude: return "prune(magnitude\(scope == .global ? " global" : ""), \(sparsity)\(except))"
        }
    }
}

public struct LowRankSettings: Sendable, Equatable, Codable {
    public enum Target: String, Sendable, Codable, CaseIterable { case energy, compression, rank }

    /// Rank chosen to keep this fraction of singular-value energy (0, 1], to reach this size ratio, or
    /// this fixed rank.
    public var target: Target
    public var value: Double
    /// Also factor k×k convolutions spatially (k×1 then 1×k).
    public var spatial: Bool
    /// Optional fine-tuning steps of the factors on the calibration set.
    public var finetuneSteps: Int
    /// Adam's learning rate for that fine-tuning (nil: 0.001).
    public var finetuneRate: Double?

    public init(target: Target = .energy, value: Double = 0.95, spatial: Bool = false, finetuneSteps: Int = 0, finetuneRate: Double? = nil) {
        self.target = target
        self.value = value
        self.spatial = spatial
        self.finetuneSteps = finetuneSteps
        self.finetuneRate = finetuneRate
    }

    public var summary: String {
        "lowrank(\(target.rawValue) \(target == .rank ? "\(Int(value))" : "\(value)")\(spatial ? ", spatial" : "")\(finetuneSteps > 0 ? ", finetune \(finetuneSteps)" : ""))"
    }
}
