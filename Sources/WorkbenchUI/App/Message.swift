import EdgeOptimize
import EdgeSim
import TermCore
import Workbench

/// Everything that can change the application: terminal events and reports from background work.
public enum Message: Sendable {
    case event(TerminalEvent)
    case evaluationProgress(job: Int, fraction: Double)
    case evaluationFinished(job: Int, result: Result<EvaluationResult, EvaluationError>)
    case sustainedFinished(job: Int, result: Result<SustainedRun, WorkbenchError>)
    /// A model file finished loading (or failed, with the importer's reason).
    case modelLoaded(job: Int, result: Result<WorkbenchModel, WorkbenchError>)
    /// A background device simulation finished (see ``Effect/simulate(job:_:)``).
    case simulationFinished(job: Int, SimulationReport)
    /// The per-layer sensitivity analysis of a model advanced or finished (see ``Effect/analyzeSensitivity(job:_:)``).
    case sensitivityProgress(job: Int, fraction: Double)
    case sensitivityFinished(job: Int, result: Result<LayerSensitivity, EvaluationError>)
    /// A save finished (nil error: written); `thenQuit` when it was "Save and quit".
    case saveFinished(error: String?, thenQuit: Bool)
}

/// What `update` asks the runner to do: I/O and background work, never done inside `update` itself.
public enum Effect: Sendable {
    case quit
    /// Write `workspace` atomically to `path`.
    case save(Workspace, path: String, thenQuit: Bool)
    /// Run an evaluation off the UI thread, reporting `evaluationProgress` and `evaluationFinished`.
    case evaluate(job: Int, QualityEvaluation)
    /// Run a sustained (thermal) simulation off the UI thread, reporting `sustainedFinished`.
    case sustain(job: Int, SustainedRequest)
    /// Load and prepare a model file off the UI thread, reporting `modelLoaded`.
    case loadModel(job: Int, ModelSlot)
    /// Simulate one device at the precisions a keypress needed but did not wait for, reporting `simulationFinished`.
    case simulate(job: Int, SimulationRequest)
    /// Run the pipeline's per-layer sensitivity analysis off the UI thread (once per model file with eval data).
    case analyzeSensitivity(job: Int, LayerSensitivityRequest)
    /// Stop a background job (its result, if any, is ignored).
    case cancel(job: Int)
}

/// The inputs of a sustained run, captured so it can run on another thread.
public struct SustainedRequest: Sendable {
    public var cache: EstimationCache
    public var strategy: Strategy
    public var device: Device
    public var scenario: Scenario
    public var simulator: Simulator

    /// Runs it (on whatever thread calls this).
    public func run() -> Result<SustainedRun, WorkbenchError> {
        var c = cache
        do {
            return .success(try SustainedRun.simulate(cache: &c, strategy: strategy, device: device, scenario: scenario,
                                                      simulator: simulator))
        } catch let e as WorkbenchError {
            return .failure(e)
        } catch {
            return .failure(.simulation(device: device.id, reason: "\(error)"))
        }
    }
}

import EdgeSim

/// A device simulation moved off the keypress: the model, one device and the precisions it lacks.
public struct SimulationRequest: Sendable {
    /// Which workspace model (index, and its reference to recognise it after the list changed).
    public var modelIndex: Int
    public var model: WorkbenchModel
    public var device: Device
    public var precisions: [LayerPrecision]
    public var simulator: Simulator

    /// Runs it (on whatever thread calls this): the same simulation ``DeviceProfile/ensure(_:model:simulator:)``
    /// does in place.
    public func run() -> SimulationReport {
        SimulationReport(modelIndex: modelIndex, reference: model.slot.reference, device: device,
                         outcomes: precisions.map { ($0, DeviceProfile.simulate($0, model: model, device: device, simulator: simulator)) })
    }
}

/// What a ``SimulationRequest`` produced, for ``EstimationCache/record(_:on:_:)``.
public struct SimulationReport: Sendable {
    public var modelIndex: Int
    public var reference: String
    public var device: Device
    public var outcomes: [(precision: LayerPrecision, result: Result<DeviceProfile.Run, SimulationFailure>)]
}
