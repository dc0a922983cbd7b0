import EdgeIR

/// The injection point for `mixed_precision` steps with `objective: latency`: how a device's latency is
/// computed for a per-layer precision assignment.
///
/// EdgeOptimize sits below the simulator (layer 4 vs 5) and knows no device, so the layer that knows both —
/// the Workbench — builds one on the simulator and sets it on ``PipelineRunner/latencyObjective``. Without
/// one, a latency step is refused before any work.
public struct LatencyObjectiveProvider: Sendable {
    /// Throws when `device` is not a known device id; the message says what is known (e.g. the nearest id).
    public var checkDevice: @Sendable (_ device: String) throws -> Void
    /// The objective for `model` on `device`: seconds per inference of an assignment (lower is better).
    /// Called once per step, with the model the step starts from.
    public var objective: @Sendable (_ device: String, _ model: Model) throws -> (MixedPrecisionSearch.Assignment) -> Double
    /// How the figure is labelled in reports (e.g. "simulated latency (estimated)").
    public var label: String
    /// The figure's error band on `device`, when it is an estimate: signed relative error (predicted / true − 1)
    /// at its 10th and 90th percentiles, and how many calibration rows those come from. Reports then show the
    /// range the true latency is expected in, [v / (1 + high), v / (1 + low)]; nil for an exact objective.
    public var band: @Sendable (_ device: String) -> (low: Double, high: Double, rows: Int)?

    public init(label: String = "latency",
                band: @escaping @Sendable (String) -> (low: Double, high: Double, rows: Int)? = { _ in nil },
                checkDevice: @escaping @Sendable (String) throws -> Void,
                objective: @escaping @Sendable (String, Model) throws -> (MixedPrecisionSearch.Assignment) -> Double) {
        self.label = label
        self.band = band
        self.checkDevice = checkDevice
        self.objective = objective
    }

    /// The report line of a step: "objective: LABEL on DEVICE, 12 ms → 3 ms", then the band's ranges when the
    /// figure is an estimate.
    func note(device: String, before: Double, after: Double) -> String {
        let ms = { (s: Double) in String(format: "%.4g", s * 1e3) }
        var line = "objective: \(label) on \(device), \(ms(before)) ms → \(ms(after)) ms"
        if let b = band(device) {
            let range = { (s: Double) in "\(ms(s / (1 + b.high)))–\(ms(s / (1 + max(b.low, -0.95)))) ms" }
            line += "; true value expected in \(range(before)) → \(range(after)) (10th–90th percentile of the "
                + "cross-validated calibration error, \(b.rows) rows)"
        }
        return line
    }
}

extension PipelineRunner {
    /// Rejects `objective: latency` steps that cannot be computed: no provider, or a device it does not know
    /// (reported at the file, line and column where the device was written). Runs before any work.
    public static func check(_ spec: PipelineSpec, latency provider: LatencyObjectiveProvider?) throws {
        for (i, step) in spec.steps.enumerated() {
            guard case .mixedPrecision(let s) = step, s.objective == .latency else { continue }
            func fail(_ m: String) -> PipelineRunError { PipelineRunError(step: i + 1, summary: step.summary, message: m) }
            guard let provider else {
                throw fail("objective: latency needs a device simulator, which this runner was not given "
                           + "(the Workbench and `edgewise optimize` supply one); use objective: size")
            }
            guard let device = s.device else { throw fail("objective: latency needs a 'device'") }
            do {
                try provider.checkDevice(device)
            } catch {
                throw fail("\(s.deviceError("\(error)"))")
            }
        }
    }
}
