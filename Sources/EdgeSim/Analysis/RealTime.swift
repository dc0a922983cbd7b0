/// A real-time requirement: a latency budget per frame, hard or soft, and a frame rate.
public struct RealTimeBudget: Sendable, Hashable, Codable {
    public enum Mode: String, Sendable, Codable {
        /// Every frame, worst case: the slowest frame (throttled, with the estimate's upper error
        /// bound) must meet the budget.
        case hard
        /// The 99th-percentile frame must meet the budget.
        case soft
    }

    public var budget: Double
    public var mode: Mode
    /// Required frame rate; nil: none.
    public var fps: Double?

    public init(budget: Double, mode: Mode, fps: Double? = nil) {
        self.budget = budget
        self.mode = mode
        self.fps = fps
    }
}

/// Whether a simulation meets a real-time budget, and by how much.
public struct RealTimeVerdict: Sendable, Hashable, Codable {
    public var passes: Bool
    public var mode: RealTimeBudget.Mode
    public var budget: Double
    /// The latency compared with the budget (worst case or p99, see ``RealTimeBudget/Mode``).
    public var checkedLatency: Double
    public var requiredFPS: Double?
    public var sustainedFPS: Double?
    public var droppedFrames: Int?
    public var reasons: [String]

    /// Checks `result` (and, when given, its sustained-run `trace`) against `budget`.
    ///
    /// Hard: the worst frame of the trace (or the single-inference latency without one), scaled to
    /// the upper edge of the estimate's error band. Soft: the trace's p99 (or the central latency).
    public static func check(_ result: SimulationResult, trace: ThermalTrace?, budget: RealTimeBudget) throws -> RealTimeVerdict {
        guard budget.budget.isFinite, budget.budget > 0 else { throw SimError.invalidScenario("latency budget must be positive") }
        if let f = budget.fps, !(f.isFinite && f > 0) { throw SimError.invalidScenario("fps must be positive (got \(f))") }
        let central = result.latency.value
        var upperFactor = 1.0
        if case .estimated(_, let hi, _, _) = result.latency.provenance, central > 0 { upperFactor = max(1, hi / central) }
        let checked: Double
        switch budget.mode {
        case .hard: checked = (trace?.worst ?? central) * upperFactor
        case .soft: checked = trace?.p99 ?? central
        }
        var reasons: [String] = []
        var ok = checked <= budget.budget
        if !ok {
            reasons.append("\(budget.mode == .hard ? "worst-case" : "p99") latency \(Units.time(checked)) exceeds the \(Units.time(budget.budget)) budget")
        }
        var sustained: Double?
        if let f = budget.fps {
            sustained = trace?.sustainedFPS ?? result.throughput.value
            if let s = sustained, s + 1e-9 < f * 0.999 {
                ok = false
                reasons.append("sustains \(Units.short(s)) fps, below the required \(Units.short(f))")
            }
            if let t = trace, t.dropped > 0, budget.mode == .hard {
                ok = false
                reasons.append("\(t.dropped) of \(t.frames) frames dropped")
            }
        }
        return RealTimeVerdict(passes: ok, mode: budget.mode, budget: budget.budget, checkedLatency: checked,
                               requiredFPS: budget.fps, sustainedFPS: sustained, droppedFrames: trace?.dropped, reasons: reasons)
    }
}
