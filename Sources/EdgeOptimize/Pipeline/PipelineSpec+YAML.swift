/// Reading pipelines from YAML.
///
/// ```yaml
/// name: pruned-int8
/// steps:
///   - prune: {method: magnitude, sparsity: 0.5}
///   - lowrank: {energy: 0.95}
///   - quantize: {precision: int8, granularity: per-channel, calibration: percentile, percentile: 99.99}
/// ```
/// Every setting is checked before any work starts; errors name the file, line and column.
extension PipelineSpec {
    public static let stepNames = ["quantize", "prune", "lowrank", "finetune", "distill", "analyze", "mixed_precision"]

    /// Parses a standalone pipeline file.
    public static func parse(yaml text: String, file: String) throws -> PipelineSpec {
        try PipelineSpec(yaml: YAMLValue.parse(text, file: file))
    }

    /// Reads a pipeline from a YAML mapping with `name` and `steps`.
    public init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["name", "steps"])
        guard let name = m["name"] else { throw yaml.error("a pipeline needs a 'name'") }
        self.name = try name.string()
        guard !self.name.isEmpty else { throw name.error("pipeline name is empty") }
        steps = try (m["steps"]?.sequence() ?? []).map(PipelineStep.init(yaml:))
    }
}

extension PipelineStep {
    init(yaml: YAMLValue) throws {
        let outer = try yaml.mapping(allowed: PipelineSpec.stepNames)
        guard outer.count == 1, let (kind, body) = outer.first else {
            throw yaml.error("each step is one of \(PipelineSpec.stepNames.joined(separator: ", ")), written `- quantize: {…}`")
        }
        switch kind {
        case "quantize": self = .quantize(try QuantizeSettings(yaml: body))
        case "prune": self = .prune(try PruneSettings(yaml: body))
        case "finetune", "distill": self = .finetune(try TrainingSettings(yaml: body, distill: kind == "distill"))
        case "analyze": self = .analyze(try AnalyzeSettings(yaml: body))
        case "mixed_precision": self = .mixedPrecision(try MixedPrecisionSettings(yaml: body))
        default: self = .lowRank(try LowRankSettings(yaml: body))
        }
    }
}

extension QuantizeSettings {
    init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["precision", "mode", "granularity", "group_size", "symmetric", "calibration",
                                           "percentile", "bias_correction", "exclude"])
        guard let p = m["precision"] else { throw yaml.error("quantize needs a 'precision'") }
        let precision = QuantPrecision(rawValue: try p.choice(QuantPrecision.allCases.map(\.rawValue), what: "precision"))!
        self.init(precision: precision)
        if let v = m["mode"] { mode = Mode(rawValue: try v.choice(Mode.allCases.map(\.rawValue), what: "mode"))! }
        if let v = m["granularity"] {
            granularity = Granularity(rawValue: try v.choice(Granularity.allCases.map(\.rawValue), what: "granularity"))!
        }
        if let v = m["group_size"] {
            groupSize = try v.int(what: "group_size")
            guard [32, 64, 128].contains(groupSize) else { throw v.error("group_size must be 32, 64 or 128, got \(groupSize)") }
        }
        if let v = m["symmetric"] { symmetric = try v.bool(what: "symmetric") }
        if let v = m["calibration"] {
            calibration = Calibration(rawValue: try v.choice(Calibration.allCases.map(\.rawValue), what: "calibration"))!
        }
        if let v = m["percentile"] { percentile = try v.double(in: 50...100, what: "percentile") }
        if let v = m["bias_correction"] { biasCorrection = try v.bool(what: "bias_correction") }
        if let v = m["exclude"] { exclude = try v.sequence().map { try $0.string() } }
        // Combinations a format cannot hold.
        if mode == .dynamic && precision != .int8 {
            throw (m["mode"] ?? yaml).error("dynamic quantization is int8 only")
        }
        if precision == .int4 && mode == .static {
            if m["mode"] != nil { throw (m["mode"] ?? yaml).error("int4 is weight-only: static int4 activations are not supported") }
            mode = .weightOnly
        }
        if precision == .int4 && granularity != .group && m["granularity"] == nil { granularity = .group }
        if precision.isBlockFormat || precision == .fp16 || precision == .bf16 {
            if let g = m["granularity"] { throw g.error("\(precision.rawValue) has a fixed layout; granularity does not apply") }
            mode = .weightOnly
        }
        if granularity == .group && precision == .int8 && mode == .static {
            throw (m["granularity"] ?? yaml).error("group-wise granularity is for weight-only int4/int8, not static int8")
        }
    }
}

extension PruneSettings {
    init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["method", "sparsity", "ratio", "scope", "n", "m", "pattern", "norm", "exclude"])
        let method = try m["method"].map { Method(rawValue: try $0.choice(Method.allCases.map(\.rawValue), what: "method"))! } ?? .magnitude
        self.init(method: method)
        if m["sparsity"] != nil && m["ratio"] != nil { throw yaml.error("give 'sparsity' or 'ratio' (the same setting), not both") }
        if let v = m["sparsity"] ?? m["ratio"] {
            sparsity = try v.double(what: m["ratio"] != nil ? "ratio" : "sparsity")
            guard sparsity >= 0, sparsity < 1 else { throw v.error("sparsity must be in [0, 1), got \(sparsity)") }
        }
        if let v = m["scope"] { scope = Scope(rawValue: try v.choice(Scope.allCases.map(\.rawValue), what: "scope"))! }
        if let v = m["norm"] { norm = Norm(rawValue: try v.choice(Norm.allCases.map(\.rawValue), what: "norm"))! }
        if let v = m["pattern"] {
            let parts = try v.string().split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { throw v.error("pattern must be written N:M, e.g. 2:4") }
            n = parts[0]
            self.m = parts[1]
        }
        if let v = m["exclude"] { exclude = try v.sequence().map { try $0.string() } }
        if let v = m["n"] { n = try v.int(in: 1...64, what: "n") }
        if let v = m["m"] { self.m = try v.int(in: 1...64, what: "m") }
        guard n >= 1, n < self.m else { throw (m["pattern"] ?? m["n"] ?? yaml).error("N:M needs 1 ≤ N < M, got \(n):\(self.m)") }
    }
}

extension LowRankSettings {
    init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["energy", "compression", "rank", "spatial", "finetune_steps", "finetune_lr"])
        self.init()
        let given = ["energy", "compression", "rank"].filter { m[$0] != nil }
        guard given.count <= 1 else { throw yaml.error("give one of 'energy', 'compression' or 'rank', not \(given.joined(separator: " and "))") }
        if let e = m["energy"] {
            target = .energy
            value = try e.double(what: "energy")
            guard value > 0, value <= 1 else { throw e.error("energy must be in (0, 1], got \(value)") }
        } else if let c = m["compression"] {
            target = .compression
            value = try c.double(what: "compression")
            guard value > 1 else { throw c.error("compression is a size ratio > 1 (e.g. 2 for half the weights), got \(value)") }
        } else if let r = m["rank"] {
            target = .rank
            value = Double(try r.int(in: 1...1_000_000, what: "rank"))
        }
        if let v = m["spatial"] { spatial = try v.bool(what: "spatial") }
        if let v = m["finetune_steps"] { finetuneSteps = try v.int(in: 0...100_000, what: "finetune_steps") }
        if let v = m["finetune_lr"] {
            let lr = try v.double(what: "finetune_lr")
            guard lr > 0, lr <= 10 else { throw v.error("finetune_lr must be in (0, 10], got \(lr)") }
            finetuneRate = lr
        }
    }
}
