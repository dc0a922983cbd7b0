import EdgeSim
import TermCore
import Workbench

/// What the Devices screen remembers: the catalog table, the specs scroll, and the estimate its roofline plots.
public struct DevicesScreenState: Sendable {
    public var table = TableState()
    public var specsScroll = 0
    var key = ""
    public var estimate: MixedEstimate?
    public var estimateError: String?

    public init() {}
}

/// Screen 2: the hardware catalog with specs and where each number comes from; the highlighted device's roofline
/// with the selected model's layers plotted; DVFS and thermal parameters; lifecycle warnings (NCS2 end of life).
enum DevicesScreen {
    static func columns() -> [TableColumn] {
        [TableColumn("", width: .fixed(1)),
         TableColumn("device", width: .auto(min: 6, max: 24)),
         TableColumn("name", width: .fill(min: 6)),
         TableColumn("status", width: .auto(min: 4, max: 12))]
    }

    struct Layout {
        var list: Rect
        var specs: Rect
        var roofline: Rect

        init(_ area: Rect) {
            let cols = area.split(.horizontal, [.percentage(34), .fill(1)])
            list = cols[0]
            let right = cols[1].split(.vertical, [.percentage(52), .fill(1)])
            specs = right[0]
            roofline = right[1]
        }
    }

    static func rows(_ state: AppState) -> [TableRow] {
        let targets = Set(state.workspace.devices)
        let mark = state.glyphs == .ascii ? "*" : "●"
        return state.simulator.catalog.devices.map { d in
            let status = d.lifecycle.status == .available ? "" : d.lifecycle.status.rawValue
            return TableRow([targets.contains(d.id) ? mark : "", d.id, d.name, status],
                            styles: [state.theme[.good], nil, nil, d.lifecycle.status == .available ? nil : state.theme[.bad]])
        }
    }

    /// The highlighted device (in the filtered, sorted table).
    static func highlighted(_ state: AppState) -> Device? {
        let visible = state.devicesScreen.table.visibleRows(rows(state))
        guard !visible.isEmpty else { return nil }
        return state.simulator.catalog.devices[visible[min(state.devicesScreen.table.selection, visible.count - 1)]]
    }

    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        let layout = Layout(Chrome(cols: state.cols, rows: state.rows).content)
        if state.focusedPane == 1 {
            let page = max(1, layout.specs.height - 2)
            let limit = highlighted(state).map { max(0, specLines($0, state).count - page) } ?? 0
            var scroll = state.devicesScreen.specsScroll
            switch action {
            case .up: scroll -= 1
            case .down: scroll += 1
            case .pageUp: scroll -= page
            case .pageDown: scroll += page
            case .top: scroll = 0
            case .bottom: scroll = limit
            default: break
            }
            state.devicesScreen.specsScroll = min(max(0, scroll), limit)
            return []
        }
        let count = state.devicesScreen.table.visibleRows(rows(state)).count
        let h = max(1, layout.list.height - 3)
        switch action {
        case .up: state.devicesScreen.table.moveSelection(by: -1, rowCount: count, height: h)
        case .down: state.devicesScreen.table.moveSelection(by: 1, rowCount: count, height: h)
        case .pageUp: state.devicesScreen.table.moveSelection(by: -h, rowCount: count, height: h)
        case .pageDown: state.devicesScreen.table.moveSelection(by: h, rowCount: count, height: h)
        case .top: state.devicesScreen.table.moveSelection(by: -count, rowCount: count, height: h)
        case .bottom: state.devicesScreen.table.moveSelection(by: count, rowCount: count, height: h)
        case .toggleDevice:
            guard let d = highlighted(state) else { break }
            if let i = state.workspace.devices.firstIndex(of: d.id) {
                state.workspace.devices.remove(at: i)
                if state.workspace.selection.device == d.id { state.workspace.selection.device = state.workspace.devices.first }
                state.setStatus("\(d.id) removed from the target devices")
            } else {
                state.workspace.devices.append(d.id)
                state.setStatus("\(d.id) added to the target devices")
            }
        case .select:
            guard let d = highlighted(state) else { break }
            if state.workspace.devices.contains(d.id) { state.workspace.selection.device = d.id }
        default: break
        }
        state.devicesScreen.specsScroll = 0
        return []
    }

    static func click(x: Int, y: Int, _ content: Rect, _ state: inout AppState) {
        let layout = Layout(content)
        if layout.list.contains(x: x, y: y) {
            state.focus[.devices] = 0
            let t = Table(columns: columns(), rows: [], state: state.devicesScreen.table)
            let count = state.devicesScreen.table.visibleRows(rows(state)).count
            if let p = t.rowPosition(atY: y, area: layout.list.inset(by: 1), visibleCount: count) {
                state.devicesScreen.table.selection = p
                state.devicesScreen.specsScroll = 0
            }
        } else if layout.specs.contains(x: x, y: y) {
            state.focus[.devices] = 1
        }
    }

    static func reconcile(_ state: inout AppState) {
        guard let device = highlighted(state) else { return }
        let strategy = state.strategy
        let key = "\(state.modelIndex)|\(strategy.hashValue)|\(device.id)"
        guard key != state.devicesScreen.key else { return }
        let sim = state.simulator
        let result = WorkbenchApp.withCache(&state) { $0.estimate(strategy, on: device, simulator: sim) }
        state.devicesScreen.key = key
        switch result {
        case .success(let e)?: (state.devicesScreen.estimate, state.devicesScreen.estimateError) = (e, nil)
        case .failure(let e)?: (state.devicesScreen.estimate, state.devicesScreen.estimateError) = (nil, e.description)
        case nil: (state.devicesScreen.estimate, state.devicesScreen.estimateError) = (nil, nil)
        }
    }

    /// The spec sheet: every number with its provenance word and source.
    static func specLines(_ d: Device, _ state: AppState) -> [(String, Style)] {
        let t = state.theme
        func tagged(_ label: String, _ text: String, _ s: ValueSource) -> [(String, Style)] {
            let (word, detail) = Fmt.source(s)
            return [("\(label) \(text)  [\(word)]", t[.text]), ("    \(detail)", t[.dim])]
        }
        var out: [(String, Style)] = [("\(d.name) — \(d.summary)", t[.accent])]
        if d.lifecycle.status != .available {
            out.append(("⚠ \(d.lifecycle.status.rawValue.uppercased()): \(d.lifecycle.note)", t[.bad]))
        }
        for u in d.units {
            out.append(("\(u.kind.rawValue.uppercased()) \(u.name.isEmpty ? u.id : u.name) (\(u.unitClass))", t[.header]))
            for p in ComputePrecision.allCases.reversed() {
                guard let v = u.peak[p] else { continue }
                out += tagged("  peak \(p.rawValue)", Fmt.count(v.value) + "OP/s", v.source)
            }
            if let w = u.weightMemory { out += tagged("  on-chip weight memory", Fmt.bytes(w.value), w.source) }
            out += tagged("  active power", Fmt.power(u.activePower.value), u.activePower.source)
        }
        out += tagged("RAM", Fmt.bytes(d.memory.ram.value), d.memory.ram.source)
        out += tagged("memory bandwidth", Fmt.bytes(d.memory.bandwidth.value) + "/s", d.memory.bandwidth.source)
        if let f = d.memory.flash { out += tagged("flash", Fmt.bytes(f.value), f.source) }
        out += tagged("idle power", Fmt.power(d.power.idle.value), d.power.idle.source)
        out.append(("DVFS states (clock, active power vs. top state):", t[.header]))
        for s in d.dvfs {
            out.append(("  \(s.name): clock \(Fmt.percent(s.clockScale)), power \(Fmt.percent(s.powerScale))  [\(Fmt.source(s.source).word)]", t[.text]))
        }
        let th = d.thermal
        out.append(("Thermal:", t[.header]))
        out += tagged("  R junction-ambient", Fmt.sig(th.resistance.value) + " °C/W", th.resistance.source)
        out += tagged("  heat capacity", Fmt.sig(th.capacitance.value) + " J/°C", th.capacitance.source)
        out.append(("  trips " + th.trips.map { Fmt.sig($0) + " °C" }.joined(separator: ", ")
                    + "  (hysteresis \(Fmt.sig(th.hysteresis)) °C)  [\(Fmt.source(th.tripSource).word)]", t[.text]))
        out += tagged("  shutdown", Fmt.sig(th.shutdown.value) + " °C", th.shutdown.source)
        out.append(("Runtimes: " + d.runtimes.map(\.name).joined(separator: "; "), t[.dim]))
        out.append(("defined in \(d.definedIn)", t[.dim]))
        return out
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let layout = Layout(area)
        let n = state.simulator.catalog.devices.count
        let listInner = WorkbenchApp.pane("Devices (\(n)) · ● target", layout.list, focused: state.focusedPane == 0, state, &buffer)
        WorkbenchApp.table(columns(), rows(state), state.devicesScreen.table, focused: state.focusedPane == 0, state)
            .render(into: &buffer, area: listInner)
        guard let d = highlighted(state) else { return }
        let specsInner = WorkbenchApp.pane("Specs · \(d.id)", layout.specs, focused: state.focusedPane == 1, state, &buffer)
        WorkbenchApp.lines(specLines(d, state), specsInner, scroll: state.devicesScreen.specsScroll, state, &buffer)

        // Roofline of the unit the model mostly runs on, with the model's layers plotted.
        let unit = mainUnit(d, state.devicesScreen.estimate)
        let precision = state.devicesScreen.estimate.map { $0.dominant.simulatorPrecision.compute } ?? .fp32
        let datapath = unit.flatMap { $0.datapath(for: precision) } ?? precision
        let peak = unit?.peak[datapath]?.value ?? 0
        let bandwidth = unit?.memoryBandwidth?.value ?? d.memory.bandwidth.value
        let title = "Roofline · \(unit?.id ?? "?") \(datapath.rawValue) · layers of \(state.cache?.model.slot.label ?? "—") (estimated)"
        let rooflineInner = WorkbenchApp.pane(title, layout.roofline, focused: false, state, &buffer)
        var points: [RooflineChart.Point] = []
        if let e = state.devicesScreen.estimate, let c = state.cache {
            for (i, l) in c.model.inspection.layers.enumerated() where i < e.layerTimes.count {
                let bytes = Double(l.bytesRead + l.bytesWritten)
                guard l.flops > 0, bytes > 0, e.layerTimes[i] > 0 else { continue }
                points.append(RooflineChart.Point(l.name, intensity: Double(l.flops) / bytes,
                                                  performance: Double(l.flops) / e.layerTimes[i],
                                                  style: e.layerUnits[i] == unit?.id ? t[.series2] : t[.warning]))
            }
        } else if let err = state.devicesScreen.estimateError {
            WorkbenchApp.lines([(err, t[.bad])], rooflineInner, state, &buffer)
            return
        }
        RooflineChart(peakPerformance: peak, bandwidth: bandwidth, points: points, roofStyle: t[.series1], axisStyle: t[.axis],
                      glyphs: state.glyphs).render(into: &buffer, area: rooflineInner)
    }

    /// The unit most of the estimate's layers ran on (the device's first unit without an estimate).
    static func mainUnit(_ d: Device, _ e: MixedEstimate?) -> ComputeUnit? {
        guard let e else { return d.units.first }
        var count: [String: Int] = [:]
        for u in e.layerUnits { count[u, default: 0] += 1 }
        let id = count.max { $0.value < $1.value }?.key
        return id.flatMap { d.unit($0) } ?? d.units.first
    }
}
