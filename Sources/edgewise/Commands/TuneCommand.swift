import ArgumentParser
import EdgeOptimize
import EdgeSim
import Foundation
import Workbench
import WorkbenchUI

/// `edgewise tune [WORKSPACE]`: the Tune screen headless — per-layer precision overrides and the pipeline's
/// settings in, size, MACs and every target device's latency, energy and memory fit out; `--evaluate` runs the
/// quality evaluation the `e` key starts; `--save` writes the workspace as `s` does.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Per-layer precision and compression settings → size, MACs, latency and energy on the target devices (the TUI's Tune screen).",
        discussion: """
            Example: edgewise tune Workspaces/default.yaml --set features.0.0=fp16 --json
            Overrides and settings edit the selected pipeline exactly as the Tune screen's keys do; without --save \
            nothing is written.
            """)

    @Argument(help: "A workspace file (default: Workspaces/default.yaml).")
    var workspace: String?

    @Option(help: "Index of the workspace model (default: the workspace's selected model).")
    var model: Int?

    @Option(help: "Pipeline to tune (default: the workspace's selected pipeline).")
    var strategy: String?

    @Option(name: .customLong("set"), help: "LAYER=PRECISION (fp32, fp16, int8, int4, skip): override one layer (repeatable).")
    var overrides: [String] = []

    @Option(name: .customLong("unset"), help: "LAYER: remove a layer's override (repeatable).")
    var unset: [String] = []

    @Flag(help: "Remove every per-layer override first.")
    var clearOverrides = false

    @Option(help: "Pipeline precision: none, fp16, int8, int4.")
    var precision: String?

    @Option(help: "Pipeline granularity: per-tensor, per-channel, group.")
    var granularity: String?

    @Option(help: "Pipeline calibration: minmax, percentile, entropy, mse.")
    var calibration: String?

    @Option(help: "Sparsity: none, 2:4, 0.3, 0.5, 0.7 (magnitude).")
    var sparsity: String?

    @Option(name: .customLong("low-rank-energy"), help: "Low-rank energy kept: none, 0.99, 0.95, 0.9, 0.8.")
    var lowRankEnergy: String?

    @Flag(help: "Run the quality evaluation (weight SQNR per layer and sensitivity; progress on stderr).")
    var evaluate = false

    @Flag(help: "Save the workspace (atomically) with the overrides and settings.")
    var save = false

    @Flag(help: "List every weighted layer (precision, override, sensitivity, time on the selected device).")
    var layers = false

    @Flag(help: "Emit JSON (schema edgewise.tune, version 1).")
    var json = false

    struct DeviceRow: Encodable {
        var device: String
        var latency: FigureJSON?
        var fps: Double?
        var energyJoulesPerInference: Double?
        var memoryFits: Bool?
        var memory: String?
        var composed: Bool?
        var error: String?
    }

    struct LayerRow: Encodable {
        var layer: String
        var op: String
        var parameters: Double
        var precision: String
        var overridden: Bool
        var sensitivityDB: Double?
        var sqnrDB: Double?
        var secondsOnSelectedDevice: Double?
    }

    struct Quality: Encodable {
        var metric: String
        var valueDB: Double
        var weights: String
        var notes: [String]
        /// The engine run on the workspace's eval data (model files with `eval:`), as the Tune screen shows it.
        var measured: DataMeasurement?
    }

    struct Document: Encodable {
        var schema = "edgewise.tune"
        var schemaVersion = 1
        var workspace: String
        var model: String
        var strategy: String
        var pipeline: String
        var overrides: [String: String]
        var weightBytes: Int
        var parameters: Int
        var macs: Int
        var peakActivationBytes: Int
        var sparsity: Double
        var precisions: [String]
        var selectedDevice: String?
        var devices: [DeviceRow]
        var quality: Quality?
        var layers: [LayerRow]?
        /// What `layers[].sensitivityDB` is, as the Tune screen's column title says it.
        var sensitivity: String
        var notes: [String]
        var saved: Bool
    }

    func run() throws {
        var session = try HeadlessSession(workspace: workspace, model: model, strategy: strategy)
        session.show(.tune)
        guard let cache = session.state.cache else { throw CLIError("the selected model did not load") }
        let names = Set(cache.model.graph.nodes.map(\.name))
        let weighted = Set(cache.model.isWeighted.indices.filter { cache.model.isWeighted[$0] }.map { cache.model.graph.nodes[$0].name })
        if clearOverrides { session.state.workspace.selection.overrides = [:] }
        for name in unset { session.state.workspace.selection.overrides[name] = nil }
        for spec in overrides {
            let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let p = LayerPrecision(rawValue: parts[1]) else {
                throw CLIError("--set '\(spec)': expected LAYER=PRECISION with PRECISION one of fp32, fp16, int8, int4, skip")
            }
            guard names.contains(parts[0]) else { throw CLIError("--set '\(spec)': the model has no layer '\(parts[0])'") }
            guard weighted.contains(parts[0]) else { throw CLIError("--set '\(spec)': layer '\(parts[0])' has no weights to quantize") }
            session.state.workspace.selection.overrides[parts[0]] = p
        }
        try applySettings(&session.state)
        var effects = session.show(.tune)
        if evaluate {
            session.state.screen = .tune
            effects += WorkbenchApp.update(&session.state, .event(.key(.char("e"))), now: 0)
            var last = -1
            session.run(effects) { f in
                let pct = Int(f * 100)
                if !json && pct / 10 != last / 10 {
                    FileHandle.standardError.write(Data("evaluating… \(pct) %\n".utf8))
                }
                last = pct
            }
        }
        if save { try session.save() }
        try report(session)
    }

    /// Applies the pipeline settings with the same choices the Tune screen cycles through.
    func applySettings(_ state: inout AppState) throws {
        guard !state.workspace.pipelines.isEmpty else { return }
        var p = state.pipeline
        var q = Strategy(pipeline: p).quantize
        if let precision {
            if precision == "none" {
                q = nil
            } else {
                guard let v = QuantPrecision(rawValue: precision), [.fp16, .int8, .int4].contains(v) else {
                    throw CLIError("--precision must be none, fp16, int8 or int4")
                }
                var s = q ?? QuantizeSettings(precision: v)
                s.precision = v
                if v == .int4 { s.granularity = .group; s.mode = .weightOnly }
                if v == .int8, s.granularity == .group { s.granularity = .perChannel }
                if v == .int8, s.mode == .weightOnly { s.mode = .static }
                q = s
            }
        }
        if let granularity {
            guard var s = q else { throw CLIError("--granularity: the pipeline does not quantize; give --precision") }
            guard let g = QuantizeSettings.Granularity(rawValue: granularity) else {
                throw CLIError("--granularity must be per-tensor, per-channel or group")
            }
            s.granularity = g
            q = s
        }
        if let calibration {
            guard var s = q else { throw CLIError("--calibration: the pipeline does not quantize; give --precision") }
            guard let c = QuantizeSettings.Calibration(rawValue: calibration) else {
                throw CLIError("--calibration must be minmax, percentile, entropy or mse")
            }
            s.calibration = c
            q = s
        }
        if precision != nil || granularity != nil || calibration != nil {
            let at = p.steps.firstIndex { if case .quantize = $0 { return true } else { return false } }
            p.steps.removeAll { if case .quantize = $0 { return true } else { return false } }
            if let q { p.steps.insert(.quantize(q), at: min(at ?? p.steps.count, p.steps.count)) }
        }
        if let sparsity {
            let choice: PruneSettings?
            switch sparsity {
            case "none": choice = nil
            case "2:4": choice = PruneSettings(method: .nm, n: 2, m: 4)
            case "0.3", "0.5", "0.7": choice = PruneSettings(method: .magnitude, sparsity: Double(sparsity)!)
            default: throw CLIError("--sparsity must be none, 2:4, 0.3, 0.5 or 0.7")
            }
            p.steps.removeAll { if case .prune = $0 { return true } else { return false } }
            if let choice { p.steps.insert(.prune(choice), at: 0) }
        }
        if let lowRankEnergy {
            let value: Double?
            switch lowRankEnergy {
            case "none": value = nil
            case "0.99", "0.95", "0.9", "0.8": value = Double(lowRankEnergy)
            default: throw CLIError("--low-rank-energy must be none, 0.99, 0.95, 0.9 or 0.8")
            }
            let at = p.steps.firstIndex { if case .quantize = $0 { return true } else { return false } } ?? p.steps.count
            p.steps.removeAll { if case .lowRank = $0 { return true } else { return false } }
            if let value { p.steps.insert(.lowRank(LowRankSettings(target: .energy, value: value)), at: min(at, p.steps.count)) }
        }
        state.workspace.pipelines[state.pipelineIndex] = p
    }

    func report(_ session: HeadlessSession) throws {
        let state = session.state
        guard let cache = state.cache, let a = state.tune.assignment else { throw CLIError("no figures for the selected model") }
        let selected = state.device
        let evaluation = state.evaluations[state.modelIndex]?.last
        let rows = state.tune.estimates.map { row -> DeviceRow in
            switch row.result {
            case .success(let e):
                return DeviceRow(device: row.device.id, latency: FigureJSON(e.latency), fps: e.fps, energyJoulesPerInference: e.energyPerInference,
                                 memoryFits: e.memory.fits, memory: e.memory.summary, composed: e.isComposed)
            case .failure(let err):
                return DeviceRow(device: row.device.id, error: err.description)
            case nil:  // cannot happen headless: background simulations run before the report
                return DeviceRow(device: row.device.id, error: "not simulated")
            }
        }
        var layerRows: [LayerRow]?
        let measuredSensitivity = state.sensitivities[state.modelIndex]?.result
        if layers || json {
            let times = state.tune.estimates.first { $0.device.id == selected?.id }.flatMap { try? $0.result?.get() }?.layerTimes
            layerRows = cache.model.isWeighted.indices.filter { cache.model.isWeighted[$0] }.map { i in
                let name = cache.model.graph.nodes[i].name
                return LayerRow(layer: name, op: cache.model.graph.nodes[i].op.rawValue,
                                parameters: cache.model.workload.layers[i].parameters, precision: a.layers[i].rawValue,
                                overridden: state.workspace.selection.overrides[name] != nil,
                                sensitivityDB: measuredSensitivity.map { $0.outputSQNR[name] } ?? evaluation?.sensitivity[name],
                                sqnrDB: evaluation?.layerValues[name],
                                secondsOnSelectedDevice: times.flatMap { i < $0.count ? $0[i] : nil })
            }
        }
        let quality = evaluation.map { Quality(metric: $0.metric, valueDB: $0.value, weights: $0.weightsNote, notes: $0.notes, measured: $0.measured) }
        let doc = Document(workspace: state.workspacePath, model: cache.model.slot.reference, strategy: state.strategy.name,
                           pipeline: state.strategy.summary,
                           overrides: state.workspace.selection.overrides.mapValues(\.rawValue),
                           weightBytes: a.weightBytes, parameters: a.parameters, macs: a.macs,
                           peakActivationBytes: a.peakActivationBytes, sparsity: a.sparsity, precisions: a.used.map(\.rawValue),
                           selectedDevice: selected?.id, devices: rows, quality: quality, layers: json ? layerRows : nil,
                           sensitivity: state.sensitivityLabel, notes: a.notes, saved: save)
        if json { return try JSONOutput.write(doc) }
        print("\(cache.model.slot.label) — \(doc.strategy): \(doc.pipeline)")
        print("weights \(Format.bytes(doc.weightBytes)) · \(Format.si(doc.parameters)) params · \(Format.si(doc.macs)) MACs · precisions \(doc.precisions.joined(separator: "/"))")
        var t = TextTable([("device", .left), ("latency (estimated)", .right), ("fps", .right), ("mJ/inference", .right), ("memory", .left)])
        for r in rows {
            if let e = r.error { t.add([r.device, "n/a", "", "", e]); continue }
            t.add([r.device, r.latency.map { Units.time($0.value) } ?? "", r.fps.map { String(format: "%.1f", $0) } ?? "",
                   r.energyJoulesPerInference.map { String(format: "%.2f", $0 * 1000) } ?? "", r.memory ?? ""])
        }
        print(t.render())
        if let q = quality { print("quality: \(q.metric) \(String(format: "%.2f", q.valueDB)) dB (\(q.weights))") }
        if layers, let layerRows {
            var lt = TextTable([("layer", .left), ("op", .left), ("prec", .left), ("sens dB", .right), ("SQNR dB", .right), ("ms", .right)])
            for l in layerRows {
                lt.add([l.layer, l.op, l.precision + (l.overridden ? "*" : ""), l.sensitivityDB.map { String(format: "%.1f", $0) } ?? "",
                        l.sqnrDB.map { String(format: "%.1f", $0) } ?? "", l.secondsOnSelectedDevice.map { String(format: "%.3f", $0 * 1000) } ?? ""])
            }
            print(lt.render())
        }
        if save { print("saved \(state.workspacePath)") }
    }
}
