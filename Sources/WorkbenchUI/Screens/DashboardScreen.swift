import EdgeSim
import TermCore
import Workbench

/// What the Dashboard remembers: the sustained run shown, and the one being computed in the background.
public struct DashboardScreenState: Sendable {
    var key = ""
    var runningKey = ""
    public var job: Int?
    public var started = 0.0
    public var run: SustainedRun?
    public var error: String?

    public init() {}
}

/// Screen 5: a (model, strategy, device, scenario) over a sustained run — temperature, clock, latency and power
/// with throttling events and the scenario's budget lines (33 ms for 30 fps, 10 ms hard real-time), a jitter
/// histogram, energy and battery life. The run is simulated off the UI thread.
enum DashboardScreen {
    struct Layout {
        var temperature: Rect
        var clock: Rect
        var latency: Rect
        var power: Rect
        var jitter: Rect
        var summary: Rect

        init(_ area: Rect) {
            let cols = area.split(.horizontal, [.percentage(66), .fill(1)])
            let rows = cols[0].split(.vertical, [.percentage(50), .fill(1)])
            let top = rows[0].split(.horizontal, [.percentage(50), .fill(1)])
            let bottom = rows[1].split(.horizontal, [.percentage(50), .fill(1)])
            temperature = top[0]
            clock = top[1]
            latency = bottom[0]
            power = bottom[1]
            let right = cols[1].split(.vertical, [.percentage(38), .fill(1)])
            jitter = right[0]
            summary = right[1]
        }
    }

    static func key(_ state: AppState) -> String? {
        guard let d = state.device, state.cache != nil else { return nil }
        let s = state.workspace.scenario
        return "\(state.modelIndex)|\(state.strategy.hashValue)|\(d.id)|\(s.fps)|\(s.durationS)|\(s.ambientC)|\(s.latencyBudgetMs)|\(s.deadline)|\(s.batteryWh ?? 0)|\(s.dutyCycle)"
    }

    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        if action == .rerun { state.dashboard.key = "" }
        return []
    }

    static func reconcile(_ state: inout AppState) -> [Effect] {
        guard let k = key(state), let device = state.device, let cache = state.cache else { return [] }
        guard k != state.dashboard.key, k != state.dashboard.runningKey else { return [] }
        var effects: [Effect] = []
        if let old = state.dashboard.job { effects.append(.cancel(job: old)) }
        let job = state.newJob()
        state.dashboard.job = job
        state.dashboard.runningKey = k
        state.dashboard.started = state.now
        effects.append(.sustain(job: job, SustainedRequest(cache: cache, strategy: state.strategy, device: device,
                                                           scenario: state.workspace.scenario, simulator: state.simulator)))
        return effects
    }

    static func finished(job: Int, result: Result<SustainedRun, WorkbenchError>, _ state: inout AppState) {
        guard job == state.dashboard.job else { return }
        state.dashboard.job = nil
        state.dashboard.key = state.dashboard.runningKey
        state.dashboard.runningKey = ""
        switch result {
        case .success(let r): (state.dashboard.run, state.dashboard.error) = (r, nil)
        case .failure(let e): (state.dashboard.run, state.dashboard.error) = (nil, e.description)
        }
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let layout = Layout(area)
        let d = state.dashboard
        let scenario = state.workspace.scenario
        guard let run = d.run else {
            let inner = WorkbenchApp.pane("Sustained run", area, focused: false, state, &buffer)
            var lines: [(String, Style)] = []
            if d.job != nil {
                lines.append(("simulating \(NumberFormat.compact(scenario.durationS)) s at \(NumberFormat.compact(scenario.fps)) fps, \(NumberFormat.compact(scenario.ambientC)) °C ambient on \(state.device?.id ?? "?")… (\(Fmt.sig(max(0, state.now - d.started))) s)", t[.text]))
            }
            if let e = d.error { lines.append(("cannot simulate: \(e)", t[.bad])) }
            WorkbenchApp.lines(lines, inner, state, &buffer)
            return
        }
        let stale = d.job != nil
        let suffix = stale ? " · updating…" : ""
        let xs = run.samples.map(\.time)
        func chart(_ title: String, _ area: Rect, _ ys: [Double], _ style: Style, thresholds: [LineChart.Threshold] = [],
                   yBounds: ClosedRange<Double>? = nil) {
            let inner = WorkbenchApp.pane(title + suffix, area, focused: false, state, &buffer)
            LineChart(series: [LineChart.Series(name: "", points: zip(xs, ys).map { (x: $0, y: $1) }, style: style)],
                      thresholds: thresholds, yBounds: yBounds, showLegend: false, axisStyle: t[.axis], textStyle: t[.text],
                      glyphs: state.glyphs).render(into: &buffer, area: inner)
        }
        let trips = run.trips.enumerated().map { LineChart.Threshold($0.element, label: "trip \($0.offset + 1)", style: t[.warning]) }
        let temps = run.samples.map(\.temperature)
        chart("Temperature °C over \(NumberFormat.compact(scenario.durationS)) s (simulated)", layout.temperature, temps, t[.series1],
              thresholds: trips + [LineChart.Threshold(run.shutdownTemperature, label: "shutdown", style: t[.bad])],
              yBounds: (min(scenario.ambientC, temps.min() ?? 0) - 2)...(max(run.shutdownTemperature, temps.max() ?? 0) + 2))
        chart("Clock % of max · \(run.events.filter(\.isThrottle).count) throttling events", layout.clock,
              run.samples.map { $0.clock * 100 }, t[.series2], yBounds: 0...105)
        let budgetLines = run.budgets.map { LineChart.Threshold($0.seconds * 1000, label: $0.label, style: t[.budgetLine]) }
        chart("Latency ms per frame (estimated)", layout.latency, run.samples.map { $0.latency * 1000 }, t[.series3],
              thresholds: budgetLines)
        var powerLines: [LineChart.Threshold] = []
        if let b = scenario.powerBudgetW { powerLines.append(LineChart.Threshold(b, label: "budget \(Fmt.power(b))", style: t[.budgetLine])) }
        chart("Power W at \(NumberFormat.compact(scenario.fps)) fps (estimated)", layout.power, run.samples.map(\.power), t[.series4],
              thresholds: powerLines)

        // Jitter histogram.
        let jitterInner = WorkbenchApp.pane("Frame latency distribution (ms)", layout.jitter, focused: false, state, &buffer)
        let ms = run.latencyMilliseconds
        if !ms.isEmpty {
            let bins = Histogram.bin(ms, bins: max(1, jitterInner.width))
            Histogram(counts: bins.counts, lowerBound: bins.range.lowerBound, upperBound: bins.range.upperBound,
                      barStyle: t[.series3], labelStyle: t[.dim], glyphs: state.glyphs, format: { Fmt.sig($0) })
                .render(into: &buffer, area: jitterInner)
        }

        // Summary.
        let summaryInner = WorkbenchApp.pane("Run summary · \(run.strategy) on \(run.deviceID)", layout.summary, focused: false, state, &buffer)
        let tr = run.trace
        var lines: [(String, Style)] = []
        if let v = run.verdict {
            lines.append((v.passes ? "MEETS the \(Fmt.sig(v.budget * 1000)) ms \(v.mode.rawValue) budget" : "MISSES: " + v.reasons.joined(separator: "; "),
                          v.passes ? t[.good] : t[.bad]))
        }
        lines += [
            ("sustained \(Fmt.sig(tr.sustainedFPS)) fps · dropped \(tr.dropped) of \(tr.frames)", t[.text]),
            ("p50 \(Fmt.time(tr.p50)) · p99 \(Fmt.time(tr.p99)) · worst \(Fmt.time(tr.worst))", t[.text]),
            ("jitter (p99−p50) \(Fmt.time(tr.jitter))", t[.text]),
            ("peak \(Fmt.sig(tr.peakTemperature)) °C · steady state \(Fmt.sig(tr.steadyStateTemperature)) °C", t[.text]),
            ("energy \(Fmt.energy(run.energyPerInference))/inference · average \(Fmt.power(run.averagePower))", t[.text]),
        ]
        if let h = run.batteryHours {
            lines.append(("battery \(Fmt.sig(scenario.batteryWh ?? 0)) Wh lasts \(Fmt.sig(h)) h at duty \(Fmt.percent(scenario.dutyCycle))", t[.accent]))
        } else {
            lines.append(("mains powered (no battery in the scenario)", t[.dim]))
        }
        if let s = tr.shutdownAt { lines.append(("SHUTDOWN at \(Fmt.sig(s)) s: over \(Fmt.sig(run.shutdownTemperature)) °C", t[.bad])) }
        let marker = state.glyphs == .ascii ? "v" : "▼"
        for e in run.events.prefix(4) {
            lines.append(("\(e.isThrottle ? marker : "^") \(Fmt.sig(e.time)) s: \(e.from) → \(e.to)", e.isThrottle ? t[.warning] : t[.dim]))
        }
        if run.events.count > 4 { lines.append(("… \(run.events.count - 4) more clock changes", t[.dim])) }
        lines.append(("all figures simulated: estimated from the device's published/estimated parameters", t[.dim]))
        WorkbenchApp.lines(lines, summaryInner, state, &buffer)
    }
}
