/// The measurement-driven steps: `analyze: sensitivity` (a per-layer table; the model passes through
/// unchanged) and `mixed_precision` (per-layer precision under an accuracy or SQNR constraint).
///
/// ```yaml
/// steps:
///   - analyze: sensitivity                      # int8 per channel; or {kind: sensitivity, precision: int4}
///   - mixed_precision: {max_drop: 0.01, time_budget_s: 60}    # or {min_sqnr: 30, …}
///   - mixed_precision: {min_sqnr: 30, objective: latency, device: coral-usb}
/// ```
///
/// `objective: size` (the default) minimises stored weight bytes; `objective: latency` minimises a device's
/// simulated latency, which the layer above supplies (``PipelineRunner/latencyObjective``): EdgeOptimize
/// knows no device.

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
    /// What the search minimises.
    public enum Objective: String, Sendable, Codable, CaseIterable {
        /// Stored weight bytes.
        case size
        /// Simulated latency on `device` (estimated by the simulator, supplied through ``PipelineRunner/latencyObjective``).
        case latency
    }

    public var maxDrop: Double?
    public var minSQNR: Double?
    public var timeBudget: Double
    public var precisions: [LayerPrecision]
    public var objective: Objective = .size
    /// The catalog device id whose latency is minimised (`objective: latency` only).
    public var device: String?
    /// Where `device` was written, so an id found unknown after parsing (the catalog lives above this layer)
    /// is reported at its file, line and column. Not part of equality or of the encoded form.
    public var deviceMark: YAMLError?

    enum CodingKeys: String, CodingKey { case maxDrop, minSQNR, timeBudget, precisions, objective, device }

    public init(maxDrop: Double? = nil, minSQNR: Double? = nil, timeBudget: Double = 60, precisions: [LayerPrecision] = [.fp16, .int8, .int4],
                objective: Objective = .size, device: String? = nil) {
        self.maxDrop = maxDrop
        self.minSQNR = minSQNR
        self.timeBudget = timeBudget
        self.precisions = precisions
        self.objective = objective
        self.device = device
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maxDrop = try c.decodeIfPresent(Double.self, forKey: .maxDrop)
        minSQNR = try c.decodeIfPresent(Double.self, forKey: .minSQNR)
        timeBudget = try c.decode(Double.self, forKey: .timeBudget)
        precisions = try c.decode([LayerPrecision].self, forKey: .precisions)
        objective = try c.decodeIfPresent(Objective.self, forKey: .objective) ?? .size
        device = try c.decodeIfPresent(String.self, forKey: .device)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.maxDrop == b.maxDrop && a.minSQNR == b.minSQNR && a.timeBudget == b.timeBudget && a.precisions == b.precisions
            && a.objective == b.objective && a.device == b.device
    }

    /// The error for `device` when it is not in the catalog, at the place it was written when known.
    public func deviceError(_ message: String) -> Error {
        guard let m = deviceMark else { return OptimizeError.invalidSetting(name: "device", value: device ?? "", expected: message) }
        return YAMLError(file: m.file, line: m.line, column: m.column, message: message)
    }

    public var constraint: MixedPrecisionSearch.Constraint {
        if let maxDrop { return .maxAccuracyDrop(maxDrop) }
        return .minOutputSQNR(minSQNR ?? 30)
    }

    public var summary: String {
        let c = maxDrop.map { "max drop \($0)" } ?? "min SQNR \(minSQNR ?? 30) dB"
        let o = objective == .latency ? ", latency on \(device ?? "?")" : ""
        return "mixed_precision(\(c)\(o), \(timeBudget) s)"
    }

    var yamlFlow: String {
        var kv = [maxDrop.map { "max_drop: \($0)" } ?? "min_sqnr: \(minSQNR ?? 30)", "time_budget_s: \(timeBudget)"]
        kv.append("precisions: [" + precisions.map(\.rawValue).joined(separator: ", ") + "]")
        if objective == .latency { kv += ["objective: latency", "device: \(YAMLText.scalar(device ?? ""))"] }
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
        let m = try yaml.mapping(allowed: ["max_drop", "min_sqnr", "time_budget_s", "precisions", "objective", "device"])
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
        if let v = m["objective"] { objective = Objective(rawValue: try v.choice(Objective.allCases.map(\.rawValue), what: "objective"))! }
        switch (objective, m["device"]) {
        case (.latency, let d?):
            device = try d.string()
            guard !(device ?? "").isEmpty else { throw d.error("device is empty: give a catalog id (edgewise devices)") }
            deviceMark = d.error("")
        case (.latency, nil): throw (m["objective"] ?? yaml).error("objective: latency needs a 'device' (a catalog id, e.g. coral-usb)")
        case (.size, let d?): throw d.error("'device' applies to objective: latency only")
        case (.size, nil): break
        }
    }
}
