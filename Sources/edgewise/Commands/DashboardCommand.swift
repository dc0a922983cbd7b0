import ArgumentParser
import EdgeSim
import Foundation
import Workbench
import WorkbenchUI

/// `edgewise dashboard [WORKSPACE]`: the Dashboard screen headless — a (model, strategy, device, scenario) over a
/// sustained run: temperature, clock, latency and power per second, throttling events, budget lines, jitter,
/// energy and battery life.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "A sustained run of the workspace's scenario: temperature, clock, latency, power, throttling, jitter, energy (the TUI's Dashboard).")

    @Argument(help: "A workspace file (default: Workspaces/default.yaml).")
    var workspace: String?

    @Option(help: "Index of the workspace model (default: the workspace's selected model).")
    var model: Int?

    @Option(help: "Pipeline (default: the workspace's selected pipeline; its Tune overrides apply).")
    var strategy: String?

    @Option(help: "Device id (default: the workspace's selected device).")
    var device: String?

    @Flag(help: "Print every one-second sample.")
    var samples = false

    @Flag(help: "Emit JSON (schema edgewise.dashboard, version 1).")
    var json = false

    struct Document: Encodable {
        var schema = "edgewise.dashboard"
        var schemaVersion = 1
        var workspace: String
        var model: String
        var strategy: String
        var device: String
        var scenario: String
        var fps: Double
        var durationSeconds: Double
        var ambientC: Double
        var budgets: [BudgetLine]
        var events: [ThrottleEvent]
        var samples: [SustainedSample]
        var latencyP50: Double
        var latencyP99: Double
        var latencyWorst: Double
        var jitter: Double
        var sustainedFPS: Double
        var droppedFrames: Int
        var firstThrottle: Double?
        var finalTemperature: Double?
        var trips: [Double]
        var shutdownTemperature: Double
        var energyJoulesPerInference: Double
        var averagePowerWatts: Double
        var batteryHours: Double?
        var verdict: RealTimeVerdict?
        var provenance = "estimated (simulated thermal RC model and DVFS governor)"
    }

    func num(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

    func run() throws {
        var session = try HeadlessSession(workspace: workspace, model: model, strategy: strategy, device: device)
        let effects = session.show(.dashboard)
        session.run(effects)
        let state = session.state
        if let e = state.dashboard.error { throw CLIError(e) }
        guard let r = state.dashboard.run, let cache = state.cache else { throw CLIError("no sustained run for the selection") }
        let t = r.trace
        let doc = Document(workspace: state.workspacePath, model: cache.model.slot.reference, strategy: r.strategy, device: r.deviceID,
                           scenario: r.scenario.name, fps: r.scenario.fps, durationSeconds: r.scenario.durationS,
                           ambientC: r.scenario.ambientC, budgets: r.budgets, events: r.events, samples: r.samples,
                           latencyP50: t.p50, latencyP99: t.p99, latencyWorst: t.worst, jitter: t.p99 - t.p50,
                           sustainedFPS: t.sustainedFPS, droppedFrames: t.dropped, firstThrottle: t.firstThrottle,
                           finalTemperature: t.samples.last?.temperature, trips: r.trips, shutdownTemperature: r.shutdownTemperature,
                           energyJoulesPerInference: r.energyPerInference, averagePowerWatts: r.averagePower,
                           batteryHours: r.batteryHours, verdict: r.verdict)
        if json { return try JSONOutput.write(doc) }
        print("\(cache.model.slot.label) · \(r.strategy) · \(r.deviceID) · \(r.scenario.name) (\(num(r.scenario.durationS)) s at \(num(r.scenario.fps)) fps, \(num(r.scenario.ambientC)) °C) — estimated")
        print("latency p50 \(Units.time(t.p50)) · p99 \(Units.time(t.p99)) · worst \(Units.time(t.worst)) · jitter \(Units.time(t.p99 - t.p50))")
        print("sustained \(String(format: "%.1f", t.sustainedFPS)) fps · dropped \(t.dropped) of \(t.frames) frames")
        print("temperature \(doc.finalTemperature.map { String(format: "%.1f °C", $0) } ?? "n/a") at the end · first throttle \(t.firstThrottle.map { String(format: "%.0f s", $0) } ?? "never")")
        print("energy \(String(format: "%.2f", r.energyPerInference * 1000)) mJ/inference · average \(String(format: "%.2f", r.averagePower)) W"
              + (r.batteryHours.map { String(format: " · battery %.1f h", $0) } ?? ""))
        for b in r.budgets { print("budget line: \(b.label)") }
        for e in r.events { print(String(format: "%6.0f s  ", e.time) + "\(e.isThrottle ? "throttle" : "recover") \(e.from) → \(e.to)") }
        if let v = r.verdict { print("real-time: \(v.passes ? "meets" : "misses") the budget" + (v.reasons.isEmpty ? "" : " — " + v.reasons.joined(separator: "; "))) }
        if samples {
            var table = TextTable([("s", .right), ("°C", .right), ("clock", .right), ("latency", .right), ("W", .right)])
            for s in r.samples {
                table.add([String(format: "%.0f", s.time), String(format: "%.1f", s.temperature), String(format: "%.2f", s.clock),
                           Units.time(s.latency), String(format: "%.2f", s.power)])
            }
            print(table.render())
        }
    }
}
