import EdgeOptimize
import EdgeSim
import TermCore
import Workbench

/// A workspace model as the UI holds it: ready (with its estimation cache) or failed to load (with why).
public enum ModelEntry: Sendable {
    case ready(EstimationCache)
    case failed(slot: ModelSlot, reason: String)

    public var label: String {
        switch self {
        case .ready(let c): return c.model.slot.label
        case .failed(let s, _): return s.label
        }
    }

    public var cache: EstimationCache? { if case .ready(let c) = self { return c } else { return nil } }
}

/// A transient line in the status bar.
public struct StatusMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case info, success, error }
    public var text: String
    public var kind: Kind
    /// Clock time after which it disappears.
    public var expires: Double
}

/// The dialog on top of the screen, if any.
public enum ModalState: Sendable, Equatable {
    /// Unsaved changes on quit: Save and quit / Quit without saving / Cancel.
    case confirmQuit(selected: Int)
    /// A message with an OK button.
    case message(title: String, text: String)
}

/// An evaluation for one model: the one running and the last result.
public struct EvaluationSlot: Sendable {
    public struct Running: Sendable, Equatable {
        public var job: Int
        public var strategy: Strategy
        public var fraction: Double
        public var started: Double
    }

    public var running: Running?
    public var last: EvaluationResult?
    /// What happened to the last job that did not produce a result ("cancelled", an error).
    public var lastOutcome: String?
    /// Set once the user evaluated this model: later strategy changes re-evaluate automatically.
    public var auto: Bool = false

    public init() {}

    /// The last result no longer matches `strategy`.
    public func isStale(for strategy: Strategy) -> Bool { last.map { $0.strategy != strategy } ?? false }
}

/// The sensitivity analysis of one model: the running job and its progress, or the result, or why it failed.
public struct SensitivitySlot: Sendable {
    public var job: Int?
    public var fraction: Double = 0
    public var result: LayerSensitivity?
    public var failure: String?
}

/// The whole application: the workspace and its models, what is selected and focused, and what each screen has
/// computed. A value: `update` returns a new one, `view` draws one.
public struct AppState: Sendable {
    // The workspace.
    public var workspace: Workspace
    public var workspacePath: String
    /// The workspace as last loaded or saved; changes to its content (not just selections) make it unsaved.
    public var savedWorkspace: Workspace
    public var simulator: Simulator
    public var models: [ModelEntry]

    // Terminal and look.
    public var cols: Int
    public var rows: Int
    public var capabilities: TerminalCapabilities
    public var themes: [Theme]
    public var themeIndex: Int
    /// The current theme adapted to the terminal's colours.
    public var theme: Theme
    public var glyphs: GlyphSet

    // Navigation.
    public var screen: Screen
    /// Where `?` returns to.
    public var helpReturn: Screen
    /// Focused pane per screen.
    public var focus: [Screen: Int]
    public var modal: ModalState?
    /// The filter being typed (nil when not editing).
    public var filterInput: TextInputState?
    /// The Models screen's "add a model" prompt (a file path or a `zoo:` reference), while open.
    public var addModelInput: TextInputState?
    /// Model files being loaded in the background, by job.
    public var loadingModels: [Int: ModelSlot] = [:]
    public var status: StatusMessage?
    public var now: Double
    public var quitting: Bool
    /// A Ctrl-C that has not been answered yet (a second one quits without saving).
    public var interruptPending: Bool
    public var nextJob: Int

    // Screens.
    public var modelsScreen: ModelsScreenState
    public var devicesScreen: DevicesScreenState
    public var tune: TuneScreenState
    public var compare: CompareScreenState
    public var dashboard: DashboardScreenState
    public var helpScroll: Int
    public var evaluations: [Int: EvaluationSlot]
    /// The per-layer sensitivity analysis per model (model files with eval data), running or done.
    public var sensitivities: [Int: SensitivitySlot] = [:]
    /// Device runs being simulated in the background ("model|device|precision"), so none is asked for twice.
    public var pendingRuns: Set<String> = []

    /// Builds the state for an opened workspace. `models` are prepared by the caller (see ``Startup``).
    public init(workspace: Workspace, path: String, simulator: Simulator, models: [ModelEntry], themes: [Theme],
                themeIndex: Int, capabilities: TerminalCapabilities, cols: Int, rows: Int, now: Double = 0) {
        self.workspace = workspace
        workspacePath = path
        savedWorkspace = workspace
        self.simulator = simulator
        self.models = models
        self.cols = cols
        self.rows = rows
        self.capabilities = capabilities
        self.themes = themes.isEmpty ? [.plain] : themes
        self.themeIndex = min(max(0, themeIndex), max(0, self.themes.count - 1))
        theme = self.themes[self.themeIndex].adapted(to: capabilities.colorDepth)
        glyphs = capabilities.glyphs
        screen = Screen(rawValue: workspace.selection.screen) ?? .models
        helpReturn = screen
        focus = [:]
        modal = nil
        filterInput = nil
        addModelInput = nil
        status = nil
        self.now = now
        quitting = false
        interruptPending = false
        nextJob = 1
        modelsScreen = ModelsScreenState()
        devicesScreen = DevicesScreenState()
        tune = TuneScreenState()
        compare = CompareScreenState()
        dashboard = DashboardScreenState()
        helpScroll = 0
        evaluations = [:]
        if let id = workspace.selection.device ?? workspace.devices.first,
           let i = simulator.catalog.devices.firstIndex(where: { $0.id == id }) {
            devicesScreen.table.selection = i
        }
    }

    // MARK: Selections

    public var modelIndex: Int { min(max(0, workspace.selection.model), max(0, models.count - 1)) }

    /// The selected model's cache, if it loaded.
    public var cache: EstimationCache? { models.indices.contains(modelIndex) ? models[modelIndex].cache : nil }

    /// The selected pipeline (the workspace's `selection.pipeline`, else its first).
    public var pipelineIndex: Int {
        if let name = workspace.selection.pipeline, let i = workspace.pipelines.firstIndex(where: { $0.name == name }) { return i }
        return 0
    }

    public var pipeline: PipelineSpec { workspace.pipelines.isEmpty ? .baseline : workspace.pipelines[pipelineIndex] }

    /// The strategy being tuned: the selected pipeline with the Tune screen's overrides.
    public var strategy: Strategy {
        let o = workspace.selection.overrides
        return Strategy(name: o.isEmpty ? pipeline.name : pipeline.name + "+tuned", pipeline: pipeline, overrides: o)
    }

    /// The target devices, in workspace order (ids the catalog lacks are skipped).
    public var targetDevices: [Device] {
        let ids = workspace.devices.isEmpty ? simulator.catalog.devices.prefix(1).map(\.id) : workspace.devices
        return ids.compactMap { simulator.catalog.device($0) }
    }

    /// The selected device: `selection.device`, else the first target.
    public var device: Device? {
        if let id = workspace.selection.device, let d = simulator.catalog.device(id) { return d }
        return targetDevices.first
    }

    /// Strategies the Compare screen lists: every pipeline, plus the tuned one when it has overrides.
    public var strategies: [Strategy] {
        var s = workspace.pipelines.map { Strategy(pipeline: $0) }
        if !workspace.selection.overrides.isEmpty { s.append(strategy) }
        return s
    }

    /// Unsaved changes: the workspace's content differs from what is on disk (selections alone do not count,
    /// except per-layer overrides, which are work).
    public var isDirty: Bool {
        var a = workspace.selection, b = savedWorkspace.selection
        (a.screen, a.model, a.pipeline, a.device, a.theme) = (b.screen, b.model, b.pipeline, b.device, b.theme)
        return workspace.name != savedWorkspace.name || workspace.models != savedWorkspace.models
            || workspace.pipelines != savedWorkspace.pipelines || workspace.devices != savedWorkspace.devices
            || workspace.scenario != savedWorkspace.scenario || a != b
    }

    public var focusedPane: Int { focus[screen] ?? 0 }

    /// Allocates a background job number.
    public mutating func newJob() -> Int {
        defer { nextJob += 1 }
        return nextJob
    }

    public mutating func setStatus(_ text: String, _ kind: StatusMessage.Kind = .info, seconds: Double = 4) {
        status = StatusMessage(text: text, kind: kind, expires: now + seconds)
    }
}
