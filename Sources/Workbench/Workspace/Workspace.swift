import EdgeOptimize

/// A user's workbench session on disk: the models compared, the strategies tried, the target devices,
/// the scenario with its budgets, and the last selections — everything needed to reopen where they left.
///
/// Stored as YAML (`Workspaces/*.yaml`), hand-editable; ``formatVersion`` guards against files written by
/// a newer Edgewise. See docs/workspaces.md for the format.
public struct Workspace: Sendable, Equatable {
    /// The version of the file format this build reads and writes.
    public static let formatVersion = 1

    public var name: String
    public var description: String
    public var models: [ModelSlot]
    public var pipelines: [PipelineSpec]
    public var devices: [String]
    public var scenario: Scenario
    public var data: DataSources
    public var selection: Selection

    public init(name: String, description: String = "", models: [ModelSlot], pipelines: [PipelineSpec],
                devices: [String], scenario: Scenario, data: DataSources = DataSources(), selection: Selection = Selection()) {
        self.name = name
        self.description = description
        self.models = models
        self.pipelines = pipelines
        self.devices = devices
        self.scenario = scenario
        self.data = data
        self.selection = selection
    }
}

/// A model in the workspace: a catalog reference or a file path, with a display label.
public struct ModelSlot: Sendable, Equatable {
    public var reference: String
    public var label: String
    /// Evaluation data for a model file (see ``EvalData``); nil: the quality column estimates from weights.
    public var eval: EvalData?

    public init(reference: String, label: String? = nil, eval: EvalData? = nil) {
        self.reference = reference
        self.label = label ?? reference
        self.eval = eval
    }
}

/// A use case with its budgets (the seed's deployment patterns: smart camera at 30 fps, a wearable
/// keyword spotter on µW–mW, an industrial 24/7 monitor …).
public struct Scenario: Sendable, Equatable {
    public enum Deadline: String, Sendable, CaseIterable {
        /// Every frame, worst case including jitter, must meet the budget.
        case hard
        /// The 99th percentile must meet the budget.
        case soft
    }

    public var name: String
    public var useCase: String
    /// Frames (or inferences) per second the application asks for.
    public var fps: Double
    /// Per-inference latency budget in milliseconds (33 ms at 30 fps; 10 ms hard real-time …).
    public var latencyBudgetMs: Double
    public var deadline: Deadline
    /// Length of the sustained run the thermal dashboard simulates, in seconds.
    public var durationS: Double
    public var ambientC: Double
    /// Battery capacity for battery-life figures, in watt-hours (nil: mains powered).
    public var batteryWh: Double?
    /// Fraction of time the workload runs (1 = continuous).
    public var dutyCycle: Double
    /// Average power budget in watts, if the use case has one (wearables).
    public var powerBudgetW: Double?

    public init(name: String, useCase: String, fps: Double, latencyBudgetMs: Double, deadline: Deadline = .soft,
                durationS: Double = 600, ambientC: Double = 25, batteryWh: Double? = nil, dutyCycle: Double = 1,
                powerBudgetW: Double? = nil) {
        self.name = name
        self.useCase = useCase
        self.fps = fps
        self.latencyBudgetMs = latencyBudgetMs
        self.deadline = deadline
        self.durationS = durationS
        self.ambientC = ambientC
        self.batteryWh = batteryWh
        self.dutyCycle = dutyCycle
        self.powerBudgetW = powerBudgetW
    }
}

/// Calibration and evaluation data the accuracy measurements use.
public struct DataSources: Sendable, Equatable {
    public var calibration: String?
    public var evaluation: String?

    public init(calibration: String? = nil, evaluation: String? = nil) {
        self.calibration = calibration
        self.evaluation = evaluation
    }
}

/// What the user had selected when the workspace was saved.
public struct Selection: Sendable, Equatable {
    public var screen: String
    public var model: Int
    public var pipeline: String?
    public var device: String?
    public var theme: String?
    /// Per-layer precision chosen on the Tune screen (layer name → fp32/fp16/int8/int4/skip).
    public var overrides: [String: LayerPrecision]

    public init(screen: String = "models", model: Int = 0, pipeline: String? = nil, device: String? = nil,
                theme: String? = nil, overrides: [String: LayerPrecision] = [:]) {
        self.screen = screen
        self.model = model
        self.pipeline = pipeline
        self.device = device
        self.theme = theme
        self.overrides = overrides
    }
}
