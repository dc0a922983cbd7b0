import ArgumentParser
import EdgeSim
import Foundation
import Workbench
import WorkbenchUI

/// `edgewise workspace [WORKSPACE]`: what the workbench holds (models, pipelines, target devices, scenario,
/// selections) and the edits the Models and Devices screens make — add a catalog model (Enter on a catalog
/// entry), add or remove a target device (Space), select model/pipeline/device (`M`, `S`, `D`) — saved as `s`
/// saves (atomically), headless.
struct WorkspaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workspace",
        abstract: "Show or edit a workspace: models, pipelines, target devices, scenario, selections (the TUI's Models/Devices edits and `s`).")

    @Argument(help: "A workspace file (default: Workspaces/default.yaml).")
    var workspace: String?

    @Option(name: .customLong("add-model"), help: "A catalog reference (zoo:<id>…) or a model file to add to the workspace (repeatable).")
    var addModels: [String] = []

    @Option(name: .customLong("add-device"), help: "A catalog device id to add to the target devices (repeatable).")
    var addDevices: [String] = []

    @Option(name: .customLong("remove-device"), help: "A target device id to remove (repeatable).")
    var removeDevices: [String] = []

    @Option(name: .customLong("select-model"), help: "Index of the model to select.")
    var selectModel: Int?

    @Option(name: .customLong("select-strategy"), help: "Name of the pipeline to select.")
    var selectStrategy: String?

    @Option(name: .customLong("select-device"), help: "Target device id to select.")
    var selectDevice: String?

    @Flag(help: "Save the workspace (atomically: temporary file, fsync, rename).")
    var save = false

    @Flag(help: "Emit JSON (schema edgewise.workspace, version 1).")
    var json = false

    struct Model: Encodable {
        var reference: String
        var label: String
        var loaded: Bool
        var error: String?
        var parameters: Int?
        var weightBytes: Int?
        var macs: Int?
    }

    struct Document: Encodable {
        var schema = "edgewise.workspace"
        var schemaVersion = 1
        var path: String
        var name: String
        var models: [Model]
        var pipelines: [[String: String]]
        var devices: [String]
        var scenario: [String: String]
        var selection: [String: String]
        var overrides: [String: String]
        var unsaved: Bool
        var saved: Bool
    }

    func run() throws {
        var session = try HeadlessSession(workspace: workspace, model: selectModel, strategy: selectStrategy)
        for ref in addModels {
            if session.state.workspace.models.contains(where: { $0.reference == ref }) { continue }
            let label = ref.hasPrefix("zoo:") ? String(ref.dropFirst(4)) : (ref as NSString).lastPathComponent
            let slot = ModelSlot(reference: ref, label: label)
            do {
                let m = try WorkbenchModel(slot: slot)
                session.state.workspace.models.append(slot)
                session.state.models.append(.ready(EstimationCache(model: m)))
            } catch {
                throw CLIError("--add-model '\(ref)': \(error)")
            }
        }
        let known = Set(session.state.simulator.catalog.devices.map(\.id))
        for id in addDevices {
            guard known.contains(id) else { throw CLIError("--add-device '\(id)' is not in the device catalog (see `edgewise devices`)") }
            if !session.state.workspace.devices.contains(id) { session.state.workspace.devices.append(id) }
        }
        for id in removeDevices {
            guard let i = session.state.workspace.devices.firstIndex(of: id) else {
                throw CLIError("--remove-device '\(id)' is not a target device of the workspace")
            }
            session.state.workspace.devices.remove(at: i)
            if session.state.workspace.selection.device == id { session.state.workspace.selection.device = session.state.workspace.devices.first }
        }
        if let selectDevice {
            guard session.state.workspace.devices.contains(selectDevice) else {
                throw CLIError("--select-device '\(selectDevice)' is not a target device of the workspace")
            }
            session.state.workspace.selection.device = selectDevice
        }
        session.show(.models)
        if save { try session.save() }
        let s = session.state
        let ws = s.workspace
        let models = s.models.map { entry -> Model in
            switch entry {
            case .ready(let c):
                let sum = c.model.inspection.summary
                return Model(reference: c.model.slot.reference, label: c.model.slot.label, loaded: true,
                             parameters: sum.parameters, weightBytes: sum.weightBytes, macs: sum.macs)
            case .failed(let slot, let reason):
                return Model(reference: slot.reference, label: slot.label, loaded: false, error: reason)
            }
        }
        let sc = ws.scenario
        var scenario = ["name": sc.name, "use_case": sc.useCase, "fps": "\(sc.fps)", "latency_budget_ms": "\(sc.latencyBudgetMs)",
                        "deadline": sc.deadline.rawValue, "duration_s": "\(sc.durationS)", "ambient_c": "\(sc.ambientC)"]
        if let b = sc.batteryWh { scenario["battery_wh"] = "\(b)" }
        var selection = ["screen": ws.selection.screen, "model": "\(s.modelIndex)", "pipeline": s.pipeline.name]
        if let d = s.device?.id { selection["device"] = d }
        let doc = Document(path: s.workspacePath, name: ws.name, models: models,
                           pipelines: ws.pipelines.map { ["name": $0.name, "steps": $0.summary] }, devices: ws.devices,
                           scenario: scenario, selection: selection, overrides: ws.selection.overrides.mapValues(\.rawValue),
                           unsaved: s.isDirty, saved: save)
        if json { return try JSONOutput.write(doc) }
        print("\(ws.name) — \(s.workspacePath)\(doc.unsaved ? " (unsaved changes)" : "")")
        var t = TextTable([("#", .right), ("model", .left), ("reference", .left), ("params", .right), ("MACs", .right)])
        for (i, m) in models.enumerated() {
            t.add(["\(i)\(i == s.modelIndex ? "*" : "")", m.label, m.reference, m.parameters.map(Format.si) ?? "n/a",
                   m.macs.map(Format.si) ?? (m.error ?? "")])
        }
        print(t.render())
        print("pipelines: " + ws.pipelines.map { ($0.name == s.pipeline.name ? "*" : "") + "\($0.name) (\($0.summary))" }.joined(separator: ", "))
        print("devices: " + ws.devices.map { ($0 == s.device?.id ? "*" : "") + $0 }.joined(separator: ", "))
        print("scenario: \(sc.name) — \(sc.fps) fps, budget \(sc.latencyBudgetMs) ms (\(sc.deadline.rawValue)), \(sc.durationS) s at \(sc.ambientC) °C")
        if !ws.selection.overrides.isEmpty { print("overrides: \(ws.selection.overrides.count) layers") }
        if save { print("saved \(s.workspacePath)") }
    }
}
