import EdgeOptimize
import EdgeSim
import Foundation
import TermCore
import Workbench
import WorkbenchUI

/// The workbench without a terminal: the same ``AppState`` and pure ``WorkbenchApp/update(_:_:now:)`` the TUI runs,
/// opened on a workspace, so a headless command's figures are the screen's figures by construction.
///
/// Commands set selections the way keys do (model, strategy, device, overrides), show a screen (its figures are
/// reconciled in the same update, as after a keypress) and read the screen's state. Background effects (quality
/// evaluation, sustained runs) are run synchronously on the calling thread and fed back as messages.
struct HeadlessSession {
    var state: AppState

    /// Opens `workspace` (default: the repository's Workspaces/default.yaml) with the selections given.
    /// - Throws: ``CLIError`` naming the workspace line, an unknown model index, strategy or device.
    init(workspace: String?, model: Int? = nil, strategy: String? = nil, device: String? = nil) throws {
        guard let path = workspace ?? Startup.locate("Workspaces/default.yaml") else {
            throw CLIError("cannot find Workspaces/default.yaml; give a workspace file")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw CLIError("no such workspace file '\(path)'") }
        do {
            state = try Startup.open(workspacePath: path, themeSpec: nil, themesDirectory: nil,
                                     capabilities: TerminalCapabilities(utf8: true, colorDepth: .none), cols: 120, rows: 40)
        } catch {
            throw CLIError("\(error)")
        }
        if let model {
            guard state.models.indices.contains(model) else {
                throw CLIError("--model must be 0…\(state.models.count - 1) (the workspace has \(state.models.count) models)")
            }
            state.workspace.selection.model = model
        }
        if let strategy {
            guard state.workspace.pipelines.contains(where: { $0.name == strategy }) else {
                throw CLIError("--strategy '\(strategy)' is not a pipeline of the workspace (\(state.workspace.pipelines.map(\.name).joined(separator: ", ")))")
            }
            state.workspace.selection.pipeline = strategy
        }
        if let device {
            guard state.simulator.catalog.device(device) != nil else {
                throw CLIError("--device '\(device)' is not in the device catalog (see `edgewise devices`)")
            }
            state.workspace.selection.device = device
        }
        if case .failed(let slot, let reason)? = state.models.indices.contains(state.modelIndex) ? state.models[state.modelIndex] : nil {
            throw CLIError("model '\(slot.reference)' did not load: \(reason)")
        }
    }

    /// Shows `screen` and brings its figures up to date (one update, as a keypress would).
    /// - Returns: the effects the screen asked for (background work).
    @discardableResult
    mutating func show(_ screen: Screen) -> [Effect] {
        state.screen = screen
        // Device simulations the screen queued for the background run here, now: a report has every figure.
        var effects = WorkbenchApp.update(&state, .event(.tick), now: 0)
        while effects.contains(where: { if case .simulate = $0 { return true } else { return false } }) {
            let sims = effects.filter { if case .simulate = $0 { return true } else { return false } }
            effects.removeAll { if case .simulate = $0 { return true } else { return false } }
            run(sims)
            effects += WorkbenchApp.update(&state, .event(.tick), now: 0).filter { if case .simulate = $0 { return false } else { return true } }
        }
        return effects
    }

    /// Runs background effects on this thread and feeds their results back; `progress` sees evaluation progress.
    mutating func run(_ effects: [Effect], progress: (Double) -> Void = { _ in }) {
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
                run(WorkbenchApp.update(&state, .modelLoaded(job: job, result: r), now: 0))
            case .analyzeSensitivity(let job, let request):
                let r: Result<LayerSensitivity, EvaluationError>
                do { r = .success(try request.run(cancel: CancellationFlag()) { _ in }) } catch { r = .failure(error) }
                run(WorkbenchApp.update(&state, .sensitivityFinished(job: job, result: r), now: 0))
            case .simulate(let job, let request):
                run(WorkbenchApp.update(&state, .simulationFinished(job: job, request.run()), now: 0))
            case .sustain(let job, let request):
                run(WorkbenchApp.update(&state, .sustainedFinished(job: job, result: request.run()), now: 0))
            case .evaluate(let job, let evaluation):
                let r: Result<EvaluationResult, EvaluationError>
                do { r = .success(try evaluation.run(cancel: CancellationFlag(), progress: progress)) } catch { r = .failure(error) }
                run(WorkbenchApp.update(&state, .evaluationFinished(job: job, result: r), now: 0))
            case .save(let ws, let path, _):
                var failure: String?
                do { try ws.save(to: path) } catch { failure = "\(error)" }
                run(WorkbenchApp.update(&state, .saveFinished(error: failure, thenQuit: false), now: 0))
            case .quit, .cancel:
                break
            }
        }
    }

    /// Saves the workspace as `s` does (atomically); throws with the reason when the write failed.
    mutating func save() throws {
        let path = state.workspacePath
        do {
            try state.workspace.save(to: path)
        } catch {
            throw CLIError("saving \(path): \(error)")
        }
        state.savedWorkspace = state.workspace
    }
}

/// JSON output shared by the headless commands: pretty, sorted keys, non-finite numbers as strings.
enum JSONOutput {
    static func write<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        FileHandle.standardOutput.write(try enc.encode(value))
        print()
    }
}

/// A figure in JSON: value, provenance word and, for estimates, the band.
struct FigureJSON: Encodable {
    var value: Double
    var provenance: String
    var low: Double?
    var high: Double?

    init(_ f: Figure) {
        value = f.value
        provenance = f.provenanceWord
        if case .estimated(let lo, let hi, _, _) = f.provenance { (low, high) = (lo, hi) }
    }
}
