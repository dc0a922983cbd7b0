import ArgumentParser
import EdgeSim
import Foundation
import Workbench
import WorkbenchUI

/// `edgewise compare [WORKSPACE]`: the Compare screen's strategies × devices matrix, headless (text or JSON).
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Strategies × devices for a workspace model (the TUI's Compare screen), or two models layer by layer.",
        discussion: """
            With one argument (or none): the workspace's strategies × devices matrix. With two model files \
            (`edgewise compare A.onnx B.onnx`): per-layer differences — op, output shape, parameters and their \
            stored type, MACs, and each layer's output error (SQNR of B's output against A's, measured on this \
            host's engine) on --eval NAME=FILE inputs or --samples generated ones (schema edgewise.model-diff).
            """)

    @Argument(help: "A workspace file (default: Workspaces/default.yaml), or two model files A B to diff.")
    var paths: [String] = []
    var workspace: String? { paths.first }

    @Option(name: .customLong("eval"), help: "With two models: NAME=FILE input (repeatable, one per model input).")
    var evalInputs: [String] = []

    @Option(help: "With two models: generated inputs when --eval is not given.")
    var samples: Int = 2

    @Option(help: "With two models: seed of the generated inputs.")
    var seed: UInt64 = 0

    @Flag(help: "With two models: list every layer, not only those that differ.")
    var all = false

    @Option(help: "Index of the workspace model (default: the workspace's selected model).")
    var model: Int?

    @Flag(help: "Emit JSON (schema edgewise.compare, version 1).")
    var json = false

    @Option(help: "Open two cells side by side, as Enter on two cells does: STRATEGY@DEVICE,STRATEGY@DEVICE (per-layer differences).")
    var diff: String?

    struct DiffRow: Encodable {
        var layer: String
        var op: String
        var precisionA: String
        var precisionB: String
        var unitA: String
        var unitB: String
        var secondsA: Double
        var secondsB: Double
    }

    struct Diff: Encodable {
        var schema = "edgewise.compare-diff"
        var schemaVersion = 1
        var a: String
        var b: String
        var latencyA: Double
        var latencyB: Double
        var energyA: Double
        var energyB: Double
        var weightBytesA: Int
        var weightBytesB: Int
        /// Layers where precision, unit or time differ, largest time difference first.
        var differing: [DiffRow]
    }

    struct Cell: Encodable {
        var strategy: String
        var device: String
        var latencySeconds: Double?
        var latencyLow: Double?
        var latencyHigh: Double?
        var latencyProvenance: String?
        var fps: Double?
        var energyJoulesPerInference: Double?
        var memoryFits: Bool?
        var memory: String?
        var weightBytes: Int
        var pareto: Bool
        var error: String?
    }

    struct Document: Encodable {
        var schema = "edgewise.compare"
        var schemaVersion = 1
        var workspace: String
        var model: String
        var strategies: [String]
        var devices: [String]
        var cells: [Cell]
    }

    func run() throws {
        guard paths.count <= 2 else { throw CLIError("compare takes a workspace, or two model files; got \(paths.count) arguments") }
        if paths.count == 2 { return try runModelDiff(paths[0], paths[1]) }
        if let diff { return try runDiff(diff) }
        guard let path = workspace ?? Startup.locate("Workspaces/default.yaml") else {
            throw CLIError("cannot find Workspaces/default.yaml; give a workspace file")
        }
        let sim: Simulator
        do { sim = Simulator(catalog: try DeviceCatalog.load()) } catch { throw CLIError("\(error)") }
        let ws: Workspace
        do { ws = try Workspace.load(path: path, knownDevices: Set(sim.catalog.devices.map(\.id))) } catch { throw CLIError("\(error)") }
        let index = model ?? ws.selection.model
        guard ws.models.indices.contains(index) else { throw CLIError("--model must be 0…\(ws.models.count - 1)") }
        let m: WorkbenchModel
        do { m = try WorkbenchModel(slot: ws.models[index]) } catch { throw CLIError("\(error)") }
        var cache = EstimationCache(model: m)
        var strategies = ws.pipelines.map { Strategy(pipeline: $0) }
        if !ws.selection.overrides.isEmpty, let p = ws.pipelines.first(where: { $0.name == ws.selection.pipeline }) ?? ws.pipelines.first {
            strategies.append(Strategy(name: p.name + "+tuned", pipeline: p, overrides: ws.selection.overrides))
        }
        let devices = ws.devices.compactMap { sim.catalog.device($0) }
        let matrix = ComparisonMatrix.build(cache: &cache, strategies: strategies, devices: devices, simulator: sim)
        let cells = matrix.cells.map { c -> Cell in
            var cell = Cell(strategy: c.strategy, device: c.deviceID, weightBytes: c.weightBytes, pareto: c.pareto)
            switch c.estimate {
            case .success(let e):
                cell.latencySeconds = e.latency.value
                if case .estimated(let lo, let hi, _, _) = e.latency.provenance { (cell.latencyLow, cell.latencyHigh) = (lo, hi) }
                cell.latencyProvenance = e.latency.provenanceWord
                cell.fps = e.fps
                cell.energyJoulesPerInference = e.energyPerInference
                cell.memoryFits = e.memory.fits
                cell.memory = e.memory.summary
            case .failure(let err):
                cell.error = err.description
            }
            return cell
        }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            FileHandle.standardOutput.write(try enc.encode(Document(workspace: path, model: ws.models[index].reference,
                                                                     strategies: matrix.strategies, devices: matrix.devices,
                                                                     cells: cells)))
            print()
            return
        }
        print("\(ws.models[index].label) — latency (estimated), energy per inference, memory; * Pareto-optimal")
        var t = TextTable([("strategy", .left)] + matrix.devices.map { ($0, .right) })
        for (r, s) in matrix.strategies.enumerated() {
            t.add([s] + matrix.devices.indices.map { c -> String in
                let cell = matrix[r, c]
                guard let e = cell.estimateValue else { return "n/a" }
                return (cell.pareto ? "*" : "") + Units.time(e.latency.value) + (e.memory.fits ? "" : " NO FIT")
            })
        }
        print(t.render())
    }

    /// The side-by-side view through the Compare screen's own update (the same cells, the same rows).
    func runDiff(_ spec: String) throws {
        var refs: [CellRef] = []
        for part in spec.split(separator: ",") {
            let p = part.split(separator: "@", maxSplits: 1).map(String.init)
            guard p.count == 2 else { throw CLIError("--diff: expected STRATEGY@DEVICE,STRATEGY@DEVICE, got '\(spec)'") }
            refs.append(CellRef(strategy: p[0], device: p[1]))
        }
        guard refs.count == 2 else { throw CLIError("--diff: expected two cells, STRATEGY@DEVICE,STRATEGY@DEVICE") }
        var session = try HeadlessSession(workspace: workspace, model: model)
        let names = session.state.strategies.map(\.name), devices = session.state.targetDevices.map(\.id)
        for r in refs {
            guard names.contains(r.strategy) else { throw CLIError("--diff: no strategy '\(r.strategy)' (\(names.joined(separator: ", ")))") }
            guard devices.contains(r.device) else { throw CLIError("--diff: '\(r.device)' is not a target device (\(devices.joined(separator: ", ")))") }
        }
        session.state.compare.sideBySide = (refs[0], refs[1])
        session.show(.compare)
        guard let c = session.state.compare.comparison else {
            throw CLIError("--diff: one of the cells cannot run on its device; nothing to compare")
        }
        let rows = c.differing.map {
            DiffRow(layer: $0.layer, op: $0.op, precisionA: $0.precisionA.rawValue, precisionB: $0.precisionB.rawValue,
                    unitA: $0.unitA, unitB: $0.unitB, secondsA: $0.timeA, secondsB: $0.timeB)
        }
        let doc = Diff(a: c.titleA, b: c.titleB, latencyA: c.latencyA, latencyB: c.latencyB, energyA: c.energyA, energyB: c.energyB,
                       weightBytesA: c.weightBytesA, weightBytesB: c.weightBytesB, differing: rows)
        if json { return try JSONOutput.write(doc) }
        print("A: \(c.titleA) — \(Units.time(c.latencyA)), \(Format.bytes(c.weightBytesA)) weights (estimated)")
        print("B: \(c.titleB) — \(Units.time(c.latencyB)), \(Format.bytes(c.weightBytesB)) weights (estimated)")
        var t = TextTable([("layer", .left), ("op", .left), ("A", .left), ("B", .left), ("A ms", .right), ("B ms", .right), ("Δ ms", .right)])
        for r in c.differing.prefix(40) {
            t.add([r.layer, r.op, "\(r.precisionA.rawValue) \(r.unitA)", "\(r.precisionB.rawValue) \(r.unitB)",
                   String(format: "%.3f", r.timeA * 1000), String(format: "%.3f", r.timeB * 1000), String(format: "%+.3f", r.delta * 1000)])
        }
        print(t.render())
        if c.differing.count > 40 { print("… \(c.differing.count - 40) more differing layers (--json lists all)") }
    }
}
