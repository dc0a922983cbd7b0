/// The measurement-driven steps: `analyze: sensitivity` (a per-layer table; the model passes through
/// unchanged) and `mixed_precision` (per-layer precision under an accuracy or SQNR constraint).
///
/// ```yaml
/// steps:
///   - analyze: sensitivity                      # int8 per channel; or {kind: sensitivity, precision: int4}
///   - mixed_precision: {max_drop: 0.01, time_budget_s: 60}    # or {min_sqnr: 30, …}
/// ```

/// Settings of an `analyze` step.
public struct AnalyzeSettings: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable { case sensitivity }
    public var kind: Kind
    /// The format each layer is tried in alone.
    public var precision: LayerPrecision

    public init(kind: Kind = .sensitivity, precision: LayerPrecision = .int8) {
        self.kind = kind
        self.precision = precision
    }

    public var summary: String { "analyze(\(kind.rawValue)\(precision == .int8 ? "" : ", \(precision.rawValue)"))" }
}

/// Settings of a `mixed_precision` step: exactly one of `maxDrop` (needs labels) and `minSQNR`.
public struct MixedPrecisionSettings: Sendable, Equatable, Codable {
    public var maxDrop: Double?
    public var minSQNR: Double?
    public var timeBudget: Double
    public var precisions: [LayerPrecision]

    public init(maxDrop: Double? = nil, minSQNR: Double? = nil, timeBudget: Double = 60, precisions: [LayerPrecision] = [.fp16, .int8, .int4]) {
        self.maxDrop = maxDrop
        self.minSQNR = minSQNR
        self.timeBudget = timeBudget
        self.precisions = precisions
    }

    public var constraint: MixedPrecisionSearch.Constraint {
        if let maxDrop { return .maxAccuracyDrop(maxDrop) }
        return .minOutputSQNR(minSQNR ?? 30)
    }

    public var summary: String {
        let c = maxDrop.map { "max drop \($0)" } ?? "min SQNR \(minSQNR ?? 30) dB"
        return "mixed_precision(\(c), \(timeBudget) s)"
    }

    var yamlFlow: String {
        var kv = [maxDrop.map { "max_drop: \($0)" } ?? "min_sqnr: \(minSQNR ?? 30)", "time_budget_s: \(timeBudget)"]
        kv.append("precisions: [" + precisions.map(\.rawValue).joined(separator: ", ") + "]")
        return "mixed_precision: {" + kv.joined(separator: ", ") + "}"
    }
}

extension AnalyzeSettings {
    init(yaml: YAMLValue) throws {
        if let word = try? yaml.string() {
            guard let k = Kind(rawValue: word) else {
                throw yaml.error("unknown analysis '\(word)': expected \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.init(kind: k)
            return
        }
        let m = try yaml.mapping(allowed: ["kind", "precision"])
        self.init()
        if let v = m["kind"] { kind = Kind(rawValue: try v.choice(Kind.allCases.map(\.rawValue), what: "kind"))! }
        if let v = m["precision"] {
            precision = LayerPrecision(rawValue: try v.choice(["fp16", "int8", "int4"], what: "precision"))!
        }
    }

    var yamlFlow: String { "analyze: {kind: \(kind.rawValue), precision: \(precision.rawValue)}" }
}

extension MixedPrecisionSettings {
    init(yaml: YAMLValue) throws {
        let m = try yaml.mapping(allowed: ["max_drop", "min_sqnr", "time_budget_s", "precisions"])
        self.init()
        switch (m["max_drop"], m["min_sqnr"]) {
        case (let d?, nil): maxDrop = try d.double(in: 0...1, what: "max_drop")
        case (nil, let s?): minSQNR = try s.double(in: 0.1...200, what: "min_sqnr")
        case (nil, nil): throw yaml.error("mixed_precision needs 'max_drop' (accuracy, with labels) or 'min_sqnr' (dB)")
        default: throw yaml.error("give either 'max_drop' or 'min_sqnr', not both")
        }
        if let v = m["time_budget_s"] { timeBudget = try v.double(in: 0...86_400, what: "time_budget_s") }
        if let v = m["precisions"] {
            precisions = try v.sequence().map { LayerPrecision(rawValue: try $0.choice(["fp16", "int8", "int4"], what: "precision"))! }
            guard !precisions.isEmpty else { throw v.error("precisions is empty: list some of fp16, int8, int4") }
        }
    }
}
