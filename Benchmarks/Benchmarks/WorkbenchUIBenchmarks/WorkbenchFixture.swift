import EdgeOptimize
import EdgeSim
import EdgeZoo
import Foundation
import TermCore
import Workbench
import WorkbenchUI

/// The states the workbench benchmarks drive: the shipped default workspace as the binary opens it, and issue 7's
/// worst case — ResNet-50 against every device in the catalog — on the Tune and Compare screens.
struct WorkbenchFixture {
    static let repo: String = {
        // Benchmarks/Benchmarks/WorkbenchUIBenchmarks/ → the repository root.
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let workspace = repo + "/Workspaces/default.yaml"
    static let themes = repo + "/Themes"
    static let capabilities = TerminalCapabilities(utf8: true, colorDepth: .indexed256)

    /// Everything `edgewise` does before its first frame, minus exec and curses: catalog, workspace, themes,
    /// three catalog models prepared, the first screen's figures, the first frame rendered.
    static func firstFrame() throws -> CellBuffer {
        var state = try Startup.open(workspacePath: workspace, themeSpec: nil, themesDirectory: themes,
                                     capabilities: capabilities, cols: 120, rows: 40)
        _ = WorkbenchApp.update(&state, .event(.tick), now: 0)
        var frame = CellBuffer(width: 120, height: 40, fill: .blank(state.theme[.background]))
        WorkbenchApp.view(state, into: &frame)
        return frame
    }

    static let slot = ModelSlot(reference: "zoo:resnet50", label: "ResNet-50")
    static let simulator = Result(catching: { Simulator(catalog: try DeviceCatalog.load()) })
    /// ResNet-50 prepared once (immutable; every state gets a fresh, empty estimation cache around it).
    static let resnet50 = Result(catching: { try WorkbenchModel(slot: slot) })

    /// ResNet-50 × every catalog device, on `screen`, with the first screen's figures computed and the background
    /// simulations of the first frame done (as a moment after start-up).
    static func resnetEverywhere(screen: Screen, model: Result<WorkbenchModel, any Error>? = nil) throws -> AppState {
        let sim = try simulator.get()
        let ws = Workspace(name: "bench", models: [slot],
                           pipelines: [.baseline, PipelineSpec(name: "fp16", steps: [.quantize(QuantizeSettings(precision: .fp16))]),
                                       PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))])],
                           devices: sim.catalog.devices.map(\.id),
                           scenario: Scenario(name: "30 fps", useCase: "", fps: 30, latencyBudgetMs: 33.3),
                           selection: Selection(screen: screen.rawValue, pipeline: "int8", device: "rpi5"))
        let themes = try Startup.themes(spec: nil, workspaceTheme: nil, themesDirectory: themes)
        var state = AppState(workspace: ws, path: "/nonexistent", simulator: sim,
                             models: [.ready(EstimationCache(model: try (model ?? resnet50).get()))],
                             themes: themes.themes, themeIndex: themes.index, capabilities: capabilities, cols: 120, rows: 40)
        runBackground(&state, WorkbenchApp.update(&state, .event(.tick), now: 0))
        return state
    }

    /// Runs the background simulations `effects` ask for on this thread and feeds their results back.
    static func runBackground(_ state: inout AppState, _ effects: [Effect]) {
        for e in effects {
            if case .simulate(let job, let request) = e {
                runBackground(&state, WorkbenchApp.update(&state, .simulationFinished(job: job, request.run()), now: 0))
            }
        }
    }

    static func frame(_ state: AppState) -> CellBuffer {
        var frame = CellBuffer(width: state.cols, height: state.rows, fill: .blank(state.theme[.background]))
        WorkbenchApp.view(state, into: &frame)
        return frame
    }
}
