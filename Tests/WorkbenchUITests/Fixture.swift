import EdgeIR
import EdgeOptimize
import EdgeSim
import EdgeTestSupport
import Foundation
import TermCore
import Workbench
@testable import WorkbenchUI

/// Shared set-up for the screen, update and runner tests: the shipped default workspace opened as the binary
/// opens it (real catalog models, real device catalog), rendered into in-memory grids.
enum Fixture {
    static let simulator: Simulator = (try? Simulator(catalog: DeviceCatalog.load())) ?? Simulator(catalog: DeviceCatalog(devices: []))
    static let workspacePath = TestPaths.repoRoot.appendingPathComponent("Workspaces/default.yaml").path
    static let themes = TestPaths.repoRoot.appendingPathComponent("Themes").path

    /// The default workspace opened once (three catalog models); tests copy the value.
    static let defaultState: Result<AppState, StartupError> = {
        do {
            return .success(try Startup.open(workspacePath: workspacePath, themeSpec: nil, themesDirectory: themes,
                                             capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256),
                                             cols: 120, rows: 40, now: 0, simulator: simulator))
        } catch let e as StartupError {
            return .failure(e)
        } catch {
            return .failure(StartupError("\(error)"))
        }
    }()

    static func state(cols: Int = 120, rows: Int = 40) throws -> AppState {
        var s = try defaultState.get()
        s.cols = cols
        s.rows = rows
        runEffects(WorkbenchApp.update(&s, .event(.tick), now: 0), &s)
        return s
    }

    /// A workspace around the hand-checkable tiny model (fast background jobs), on rpi5 and coral-usb.
    static func tinyState(path: String = "/nonexistent/tiny.yaml") throws -> AppState {
        var b = GraphBuilder(name: "tiny")
        let x = b.input("x", .float32, Shape([1, 16, 8, 8]))
        var y = try b.apply(.conv, [x, b.weight("conv.w", .float32, Shape([32, 16, 3, 3])), b.weight("conv.b", .float32, Shape([32]))],
                            ["pads": .ints([1, 1, 1, 1])], name: "conv")
        y = try b.apply(.relu, [y], name: "relu")
        y = try b.apply(.globalAveragePool, [y], name: "gap")
        y = try b.apply(.flatten, [y], name: "flat")
        y = try b.apply(.gemm, [y, b.weight("fc.w", .float32, Shape([10, 32])), b.weight("fc.b", .float32, Shape([10]))],
                        ["transB": .int(1)], name: "fc")
        b.output(y)
        let slot = ModelSlot(reference: "zoo:tiny", label: "tiny")
        let model = try WorkbenchModel(slot: slot, model: Model(graph: try b.finish(), metadata: ModelMetadata(format: "zoo", source: "tiny")))
        let ws = Workspace(name: "Tiny", models: [slot],
                           pipelines: [PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))]), .baseline],
                           devices: ["rpi5", "coral-usb"], scenario: Scenario(name: "s", useCase: "", fps: 30, latencyBudgetMs: 33.3, durationS: 20),
                           selection: Selection(screen: "tune", pipeline: "int8", device: "rpi5"))
        var s = AppState(workspace: ws, path: path, simulator: simulator, models: [.ready(EstimationCache(model: model))],
                         themes: [.plain], themeIndex: 0, capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256),
                         cols: 120, rows: 40)
        runEffects(WorkbenchApp.update(&s, .event(.tick), now: 0), &s)
        return s
    }

    static func render(_ s: AppState) -> CellBuffer {
        var b = CellBuffer(width: s.cols, height: s.rows, fill: .blank(s.theme[.background]))
        WorkbenchApp.view(s, into: &b)
        return b
    }

    static func text(_ s: AppState) -> String { render(s).lines.joined(separator: "\n") }

    @discardableResult
    static func press(_ s: inout AppState, _ keys: Key..., now: Double = 0) -> [Effect] {
        var effects: [Effect] = []
        for k in keys { effects += WorkbenchApp.update(&s, .event(.key(k)), now: now) }
        return effects
    }

    /// Runs the background work an update asked for, synchronously, and feeds the results back.
    static func runEffects(_ effects: [Effect], _ s: inout AppState) {
        for e in effects {
            switch e {
            case .loadModel(let job, let slot):
                let r: Result<WorkbenchModel, WorkbenchError>
                do {
                    r = .success(try WorkbenchModel(slot: slot))
                } catch let e as WorkbenchError {
                    r = .failure(e)
                } catch {
                    r = .failure(.model(reference: slot.reference, reason: "\(error)"))
                }
                runEffects(WorkbenchApp.update(&s, .modelLoaded(job: job, result: r), now: s.now), &s)
            case .analyzeSensitivity(let job, let request):
                let r: Result<LayerSensitivity, EvaluationError>
                do { r = .success(try request.run(cancel: CancellationFlag()) { _ in }) } catch { r = .failure(error) }
                runEffects(WorkbenchApp.update(&s, .sensitivityFinished(job: job, result: r), now: s.now), &s)
            case .simulate(let job, let request):
                runEffects(WorkbenchApp.update(&s, .simulationFinished(job: job, request.run()), now: s.now), &s)
            case .sustain(let job, let request):
                runEffects(WorkbenchApp.update(&s, .sustainedFinished(job: job, result: request.run()), now: s.now), &s)
            case .evaluate(let job, let evaluation):
                let r: Result<EvaluationResult, EvaluationError>
                do { r = .success(try evaluation.run(cancel: CancellationFlag()) { _ in }) } catch { r = .failure(error) }
                runEffects(WorkbenchApp.update(&s, .evaluationFinished(job: job, result: r), now: s.now), &s)
            default: break
            }
        }
    }
}

extension Effect {
    var isQuit: Bool { if case .quit = self { return true } else { return false } }
    var evaluateJob: Int? { if case .evaluate(let j, _) = self { return j } else { return nil } }
    var cancelledJob: Int? { if case .cancel(let j) = self { return j } else { return nil } }
    var simulateJob: Int? { if case .simulate(let j, _) = self { return j } else { return nil } }
    var savePath: String? { if case .save(_, let p, _) = self { return p } else { return nil } }
}
