import EdgeOptimize
import EdgeSim
import TermCore
import Workbench

/// What the Tune screen remembers: the layer table, the highlighted setting, and the figures of the current
/// strategy (recomputed within the keypress that changes it).
public struct TuneScreenState: Sendable {
    public var table = TableState()
    public var setting = 0
    var key = ""
    public var assignment: PrecisionAssignment?
    /// The pipeline alone (no overrides), to tell overridden layers apart.
    public var pipelineAssignment: PrecisionAssignment?
    /// Per target device: the estimate, or nil while its simulation runs in the background.
    public var estimates: [(device: Device, result: Result<MixedEstimate, WorkbenchError>?)] = []

    public init() {}
}

/// Screen 3: live quantization tuning. Per-layer precision (fp32/fp16/int8/int4/skip), the pipeline's precision,
/// granularity, calibration, sparsity and low-rank energy; size, MACs and every target device's latency and energy
/// recomputed in the keypress; the quality evaluation in the background with progress, cancel and a stale marker;
/// layer sensitivity as a column.
enum TuneScreen {
    static let settingNames = ["precision", "granularity", "calibration", "sparsity", "low-rank energy"]
    static let sparsityChoices: [PruneSettings?] = [nil, PruneSettings(method: .nm, n: 2, m: 4),
                                                    PruneSettings(method: .magnitude, sparsity: 0.3),
                                                    PruneSettings(method: .magnitude, sparsity: 0.5),
                                                    PruneSettings(method: .magnitude, sparsity: 0.7)]
    static let energyChoices: [Double?] = [nil, 0.99, 0.95, 0.9, 0.8]
    static let precisionChoices: [QuantPrecision?] = [nil, .fp16, .int8, .int4]

    static func columns() -> [TableColumn] {
        [TableColumn("layer", width: .fill(min: 8)),
         TableColumn("op", width: .auto(min: 3, max: 10)),
         TableColumn("params", alignment: .right, width: .auto(min: 5, max: 8)),
         TableColumn("prec", width: .auto(min: 5, max: 6)),
         TableColumn("sens dB", alignment: .right, width: .auto(min: 5, max: 7)),
         TableColumn("SQNR dB", alignment: .right, width: .auto(min: 5, max: 7)),
         TableColumn("ms est", alignment: .right, width: .auto(min: 5, max: 7))]
    }

    struct Layout {
        var header: Rect
        var table: Rect
        var settings: Rect
        var totals: Rect
        var evaluation: Rect

        init(_ area: Rect) {
            let rows = area.split(.vertical, [.fixed(1), .fill(1)])
            header = rows[0]
            let cols = rows[1].split(.horizontal, [.percentage(55), .fill(1)])
            table = cols[0]
            let right = cols[1].split(.vertical, [.fixed(7), .fill(1), .fixed(6)])
            settings = right[0]
            totals = right[1]
            evaluation = right[2]
        }
    }

    /// Workload layer indices the table lists (those quantization acts on).
    static func weightedLayers(_ cache: EstimationCache) -> [Int] {
        cache.model.isWeighted.indices.filter { cache.model.isWeighted[$0] }
    }

    // MARK: Update

    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        switch action {
        case .evaluate: return startEvaluation(&state, user: true)
        case .cancel: return cancelEvaluation(&state)
        default: break
        }
        if state.focusedPane == 1 {
            switch action {
            case .up: state.tune.setting = max(0, state.tune.setting - 1)
            case .down: state.tune.setting = min(settingNames.count - 1, state.tune.setting + 1)
            case .left: changeSetting(by: -1, &state)
            case .right: changeSetting(by: 1, &state)
            default: break
            }
            return []
        }
        guard let cache = state.cache else { return [] }
        let layers = weightedLayers(cache)
        let count = state.tune.table.visibleRows(rows(state, cache, layers)).count
        let h = max(1, Layout(Chrome(cols: state.cols, rows: state.rows).content).table.height - 3)
        switch action {
        case .up: state.tune.table.moveSelection(by: -1, rowCount: count, height: h)
        case .down: state.tune.table.moveSelection(by: 1, rowCount: count, height: h)
        case .pageUp: state.tune.table.moveSelection(by: -h, rowCount: count, height: h)
        case .pageDown: state.tune.table.moveSelection(by: h, rowCount: count, height: h)
        case .top: state.tune.table.moveSelection(by: -count, rowCount: count, height: h)
        case .bottom: state.tune.table.moveSelection(by: count, rowCount: count, height: h)
        case .left, .right:
            guard let i = highlightedLayer(state, cache, layers), let a = state.tune.assignment else { break }
            let name = cache.model.graph.nodes[i].name
            let current = state.workspace.selection.overrides[name] ?? a.layers[i]
            let next = action == .right ? current.next : current.previous
            let fromPipeline = state.tune.pipelineAssignment?.layers[i]
            if next == fromPipeline {
                state.workspace.selection.overrides[name] = nil
            } else {
                state.workspace.selection.overrides[name] = next
            }
        case .clearOverride:
            guard let i = highlightedLayer(state, cache, layers) else { break }
            state.workspace.selection.overrides[cache.model.graph.nodes[i].name] = nil
        default: break
        }
        return []
    }

    static func highlightedLayer(_ state: AppState, _ cache: EstimationCache, _ layers: [Int]) -> Int? {
        let visible = state.tune.table.visibleRows(rows(state, cache, layers))
        guard !visible.isEmpty else { return nil }
        return layers[visible[min(state.tune.table.selection, visible.count - 1)]]
    }

    /// Steps the highlighted setting; it edits the selected pipeline (the workspace changes).
    static func changeSetting(by delta: Int, _ state: inout AppState) {
        guard !state.workspace.pipelines.isEmpty else { return }
        var p = state.pipeline
        func cycle<T: Equatable>(_ choices: [T], _ current: T) -> T {
            let i = choices.firstIndex(of: current) ?? 0
            return choices[(i + delta + choices.count) % choices.count]
        }
        var quantize = Strategy(pipeline: p).quantize
        switch state.tune.setting {
        case 0:
            let next = cycle(precisionChoices, quantize?.precision)
            quantize = next.map { precision in
                var q = quantize ?? QuantizeSettings(precision: precision)
                q.precision = precision
                if precision == .int4 { q.granularity = .group; q.mode = .weightOnly }
                if precision == .int8, q.granularity == .group { q.granularity = .perChannel }
                if precision == .int8, q.mode == .weightOnly { q.mode = .static }
                return q
            }
        case 1:
            guard var q = quantize else { return state.setStatus("the pipeline does not quantize: set a precision first") }
            q.granularity = cycle(QuantizeSettings.Granularity.allCases, q.granularity)
            quantize = q
        case 2:
            guard var q = quantize else { return state.setStatus("the pipeline does not quantize: set a precision first") }
            q.calibration = cycle(QuantizeSettings.Calibration.allCases, q.calibration)
            quantize = q
        case 3:
            let current = Strategy(pipeline: p).prune
            let next = cycle(sparsityChoices, sparsityChoices.first { $0 == current } ?? nil)
            p.steps.removeAll { if case .prune = $0 { return true } else { return false } }
            if let next { p.steps.insert(.prune(next), at: 0) }
        default:
            let current = Strategy(pipeline: p).lowRank?.value
            let next = cycle(energyChoices, energyChoices.first { $0 == current } ?? nil)
            let at = p.steps.firstIndex { if case .quantize = $0 { return true } else { return false } } ?? p.steps.count
            p.steps.removeAll { if case .lowRank = $0 { return true } else { return false } }
            if let next { p.steps.insert(.lowRank(LowRankSettings(target: .energy, value: next)), at: min(at, p.steps.count)) }
        }
        if state.tune.setting <= 2 {
            let at = p.steps.firstIndex { if case .quantize = $0 { return true } else { return false } }
            p.steps.removeAll { if case .quantize = $0 { return true } else { return false } }
            if let quantize { p.steps.insert(.quantize(quantize), at: min(at ?? p.steps.count, p.steps.count)) }
        }
        state.workspace.pipelines[state.pipelineIndex] = p
    }

    static func startEvaluation(_ state: inout AppState, user: Bool) -> [Effect] {
        guard let cache = state.cache, let a = state.tune.assignment else { return [] }
        var effects: [Effect] = []
        var slot = state.evaluations[state.modelIndex] ?? EvaluationSlot()
        if let r = slot.running { effects.append(.cancel(job: r.job)) }
        let job = state.newJob()
        slot.running = EvaluationSlot.Running(job: job, strategy: state.strategy, fraction: 0, started: state.now)
        slot.lastOutcome = nil
        if user { slot.auto = true }
        state.evaluations[state.modelIndex] = slot
        let data = state.workspace.models.indices.contains(state.modelIndex) ? state.workspace.models[state.modelIndex].eval : nil
        effects.append(.evaluate(job: job, QualityEvaluation(model: cache.model, strategy: state.strategy, assignment: a, data: data)))
        return effects
    }

    /// The eval data of the selected model when it is a file (what measured figures need), else nil.
    static func evalData(_ state: AppState) -> EvalData? {
        guard let cache = state.cache, cache.model.metadata.format != "zoo",
              state.workspace.models.indices.contains(state.modelIndex) else { return nil }
        return state.workspace.models[state.modelIndex].eval
    }

    /// Starts the pipeline's per-layer sensitivity analysis for the selected model once (model files with eval
    /// data; the result is kept per model for the session).
    static func startSensitivity(_ state: inout AppState) -> [Effect] {
        guard state.sensitivities[state.modelIndex] == nil, let data = evalData(state), let cache = state.cache else { return [] }
        let job = state.newJob()
        state.sensitivities[state.modelIndex] = SensitivitySlot(job: job)
        return [.analyzeSensitivity(job: job, LayerSensitivityRequest(model: cache.model, data: data))]
    }

    static func cancelEvaluation(_ state: inout AppState) -> [Effect] {
        guard var slot = state.evaluations[state.modelIndex], let r = slot.running else { return [] }
        slot.running = nil
        slot.lastOutcome = "cancelled"
        slot.auto = false
        state.evaluations[state.modelIndex] = slot
        state.setStatus("evaluation cancelled")
        return [.cancel(job: r.job)]
    }

    /// A background evaluation reported back; results of jobs no longer running are dropped.
    static func finished(job: Int, result: Result<EvaluationResult, EvaluationError>, _ state: inout AppState) {
        guard let (m, found) = state.evaluations.first(where: { $0.value.running?.job == job }) else { return }
        var slot = found
        slot.running = nil
        switch result {
        case .success(let r):
            slot.last = r
            slot.lastOutcome = nil
        case .failure(.cancelled):
            slot.lastOutcome = "cancelled"
        case .failure(.failed(let why)):
            slot.lastOutcome = "failed: \(why)"
        }
        state.evaluations[m] = slot
    }

    static func click(x: Int, y: Int, _ content: Rect, _ state: inout AppState) {
        let layout = Layout(content)
        if layout.table.contains(x: x, y: y), let cache = state.cache {
            state.focus[.tune] = 0
            let layers = weightedLayers(cache)
            let count = state.tune.table.visibleRows(rows(state, cache, layers)).count
            let t = Table(columns: columns(), rows: [], state: state.tune.table)
            if let p = t.rowPosition(atY: y, area: layout.table.inset(by: 1), visibleCount: count) { state.tune.table.selection = p }
        } else if layout.settings.contains(x: x, y: y) {
            state.focus[.tune] = 1
            let i = y - layout.settings.y - 1
            if settingNames.indices.contains(i) { state.tune.setting = i }
        }
    }

    /// Brings the figures up to date with the strategy: the assignment (derived, no cost report), the selected
    /// device's estimate (simulated in place if it must be), every other device whose runs are cached (composed),
    /// and background jobs for the rest, whose results fill the pending rows as they arrive.
    static func reconcile(_ state: inout AppState) -> [Effect] {
        let strategy = state.strategy
        let devices = state.targetDevices
        let selected = state.device?.id
        let key = "\(state.modelIndex)|\(strategy.hashValue)|\(selected ?? "")|" + devices.map(\.id).joined(separator: ",")
        if key != state.tune.key {
            let sim = state.simulator
            let computed = WorkbenchApp.withCache(&state) { cache -> (PrecisionAssignment, PrecisionAssignment, [(Device, Result<MixedEstimate, WorkbenchError>?)]) in
                let a = cache.assignment(strategy)
                let base = cache.assignment(Strategy(pipeline: strategy.pipeline))
                return (a, base, devices.map { d in
                    (d, d.id == selected ? cache.estimate(a, on: d, simulator: sim) : cache.readyEstimate(a, on: d))
                })
            }
            state.tune.key = key
            state.tune.assignment = computed?.0
            state.tune.pipelineAssignment = computed?.1
            state.tune.estimates = computed?.2.map { (device: $0.0, result: $0.1) } ?? []
        } else if state.tune.estimates.contains(where: { $0.result == nil }), let a = state.tune.assignment, let cache = state.cache {
            // Background simulations arrived: fill in what they made ready.
            for k in state.tune.estimates.indices where state.tune.estimates[k].result == nil {
                state.tune.estimates[k].result = cache.readyEstimate(a, on: state.tune.estimates[k].device)
            }
        }
        var effects: [Effect] = []
        let pending = state.tune.estimates.filter { $0.result == nil }.map(\.device)
        if !pending.isEmpty, let a = state.tune.assignment {
            effects += WorkbenchApp.requestRuns(&state, assignment: a, devices: pending)
        }
        effects += startSensitivity(&state)
        // Re-evaluate automatically once the user has evaluated this model and the strategy moved on.
        if let slot = state.evaluations[state.modelIndex], slot.auto,
           let target = slot.running?.strategy ?? slot.last?.strategy, target != strategy {
            effects += startEvaluation(&state, user: false)
        }
        return effects
    }

    // MARK: View

    static func rows(_ state: AppState, _ cache: EstimationCache, _ layers: [Int]) -> [TableRow] {
        let a = state.tune.assignment
        let slot = state.evaluations[state.modelIndex]
        let result = slot?.last
        let times = state.tune.estimates.first { $0.device.id == state.device?.id }.flatMap { try? $0.result?.get() }?.layerTimes
        let overrides = state.workspace.selection.overrides
        let stale = result.map { $0.strategy != state.strategy } ?? false
        let measuredSensitivity = state.sensitivities[state.modelIndex]?.result
        return layers.map { i in
            let node = cache.model.graph.nodes[i]
            let l = cache.model.inspection.layers[i]
            let p = a?.layers[i].rawValue ?? "?"
            let overridden = overrides[node.name] != nil
            let sens = measuredSensitivity.map { $0.outputSQNR[node.name] } ?? result?.sensitivity[node.name]
            let sqnr = result?.layerValues[node.name]
            let t = times.flatMap { i < $0.count ? $0[i] : nil }
            let mark = overridden ? "*" : ""
            return TableRow([node.name, l.op, Fmt.count(l.parameters), p + mark, sens.map(Fmt.dB) ?? "—", sqnr.map(Fmt.dB) ?? "—",
                             t.map(Fmt.ms) ?? "—"],
                            keys: [.text(node.name), .text(l.op), .number(Double(l.parameters)), .text(p),
                                   .number(sens ?? .infinity), .number(sqnr ?? .infinity), .number(t ?? -1)],
                            styles: [nil, nil, nil, overridden ? state.theme[.accent] : nil,
                                     stale ? state.theme[.dim] : nil, stale ? state.theme[.dim] : nil, nil])
        }
    }

    static func settingValue(_ i: Int, _ strategy: Strategy) -> String {
        let q = strategy.quantize
        switch i {
        case 0: return q?.precision.rawValue ?? "none (fp32)"
        case 1: return q.map { $0.granularity == .group ? "group \($0.groupSize)" : $0.granularity.rawValue } ?? "—"
        case 2: return q.map { $0.calibration == .percentile ? "percentile \(NumberFormat.fixed($0.percentile, decimals: 4))" : $0.calibration.rawValue } ?? "—"
        case 3: return strategy.prune.map { $0.method == .nm ? "\($0.n):\($0.m)" : "\(Fmt.percent($0.sparsity)) magnitude" } ?? "off"
        default: return strategy.lowRank.map { "energy \($0.value)" } ?? "off"
        }
    }

    /// What the sens dB column holds, in words.
    static func sensitivityLabel(_ state: AppState) -> String {
        if let slot = state.sensitivities[state.modelIndex] {
            if slot.result != nil { return "output SQNR, layer alone int8 (measured)" }
            if slot.job != nil { return "analysing \(Int(slot.fraction * 100)) %" }
            if let f = slot.failure { return "analysis \(f)" }
        }
        return "int8 weight SQNR (estimate)"
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let layout = Layout(area)
        let strategy = state.strategy
        // The strategy first; right of it, in the room left, what the sens dB column is (measured or estimate).
        let head = "strategy \(strategy.name): \(strategy.summary)"
        let headWidth = min(TextWidth.of(head), max(0, layout.header.width - 1))
        buffer.write(head, x: layout.header.x + 1, y: layout.header.y, width: headWidth, style: t[.dim], ellipsis: state.glyphs.ellipsis)
        let sensNote = "sens dB: " + sensitivityLabel(state)
        let room = layout.header.width - 1 - headWidth - 3
        if room >= 12 {
            let w = min(TextWidth.of(sensNote), room)
            buffer.write(sensNote, x: layout.header.maxX - w, y: layout.header.y, width: w, style: t[.dim], ellipsis: state.glyphs.ellipsis)
        }
        guard let cache = state.cache else { return }
        let layers = weightedLayers(cache)
        let title = "Layers with weights (\(layers.count)) · ←→ precision · * override · ms on \(state.device?.id ?? "—")"
        let tableInner = WorkbenchApp.pane(title, layout.table, focused: state.focusedPane == 0, state, &buffer)
        WorkbenchApp.table(columns(), rows(state, cache, layers), state.tune.table, focused: state.focusedPane == 0, state)
            .render(into: &buffer, area: tableInner)

        // Settings.
        let settingsInner = WorkbenchApp.pane("Pipeline \(state.pipeline.name)", layout.settings, focused: state.focusedPane == 1, state, &buffer)
        for (i, name) in settingNames.enumerated() where i < settingsInner.height {
            let selected = state.focusedPane == 1 && i == state.tune.setting
            let style = selected ? t[.selection] : t[.text]
            let row = settingsInner.row(i)
            buffer.fill(row, with: .blank(style))
            let x = buffer.write(name, x: row.x, y: row.y, width: 16, style: selected ? style : t[.dim])
            _ = x
            let arrowL = state.glyphs == .ascii ? "< " : "◂ ", arrowR = state.glyphs == .ascii ? " >" : " ▸"
            buffer.write(arrowL + settingValue(i, strategy) + arrowR, x: row.x + 16, y: row.y, width: max(0, row.width - 16),
                         style: style, ellipsis: state.glyphs.ellipsis)
        }

        // Totals.
        let totalsInner = WorkbenchApp.pane("Size, compute, devices", layout.totals, focused: false, state, &buffer)
        if let a = state.tune.assignment {
            let base = cache.model.inspection.summary
            var lines: [(String, Style)] = [
                ("size \(Fmt.bytes(a.weightBytes)) (was \(Fmt.bytes(base.weightBytes))) · computed", t[.text]),
                ("MACs \(Fmt.count(a.macs)) · params \(Fmt.count(a.parameters)) · computed", t[.text]),
            ]
            if a.sparsity > 0 { lines.append(("sparsity \(Fmt.percent(a.sparsity)) of weights zero", t[.dim])) }
            for n in a.notes.prefix(1) { lines.append((n, t[.warning])) }
            WorkbenchApp.lines(lines, totalsInner, state, &buffer)
            let tableArea = totalsInner.inset(top: lines.count)
            let cols = [TableColumn("device", width: .fill(min: 6)), TableColumn("latency", alignment: .right, width: .auto(min: 6, max: 9)),
                        TableColumn("band", alignment: .right, width: .auto(min: 4, max: 10)),
                        TableColumn("fps", alignment: .right, width: .auto(min: 3, max: 6)),
                        TableColumn("energy", alignment: .right, width: .auto(min: 6, max: 9)),
                        TableColumn("fit", width: .auto(min: 3, max: 5))]
            let rows = state.tune.estimates.map { d, r -> TableRow in
                switch r {
                case .success(let e):
                    return TableRow([d.id, Fmt.time(e.latency.value), Fmt.band(e.latency), Fmt.sig(e.fps), Fmt.energy(e.energyPerInference),
                                     e.memory.fits ? "fits" : "NO"],
                                    styles: [nil, nil, t[.dim], nil, nil, e.memory.fits ? t[.good] : t[.bad]])
                case .failure(let err):
                    return TableRow([d.id, "cannot run: \(err)"], styles: [nil, t[.bad]])
                case nil:
                    // Simulating in the background; the row fills in when the job reports.
                    let e = state.glyphs.ellipsis
                    return TableRow([d.id, "sim\(e)", "", "\(e)", "\(e)", "\(e)"], styles: [nil, t[.dim], nil, t[.dim], t[.dim], t[.dim]])
                }
            }
            var ts = TableState()
            ts.selection = state.tune.estimates.firstIndex { $0.device.id == state.device?.id } ?? 0
            WorkbenchApp.table(cols, rows, ts, focused: false, state).render(into: &buffer, area: tableArea)
        }

        // Evaluation.
        let evalInner = WorkbenchApp.pane("Quality (background)", layout.evaluation, focused: false, state, &buffer)
        let slot = state.evaluations[state.modelIndex]
        var lines: [(String, Style)] = []
        if let r = slot?.last {
            let stale = r.strategy != strategy
            // STALE first: the line is cut at the pane's width, the marker must survive.
            lines.append(((stale ? "STALE (was \(r.strategy.name)) · " : "") + "\(r.metric) \(Fmt.dB(r.value)) dB"
                          + (r.measured != nil ? " · measured" : ""), stale ? t[.warning] : t[.good]))
            if let m = r.measured {
                var parts: [String] = []
                if let a = m.top1Agreement { parts.append("top-1 agreement \(Fmt.percent(a))") }
                if let acc = m.accuracy { parts.append("accuracy \(Fmt.percent(acc))" + (m.originalAccuracy.map { " (original \(Fmt.percent($0)))" } ?? "")) }
                if !parts.isEmpty { lines.append((parts.joined(separator: " · "), stale ? t[.warning] : t[.good])) }
            }
            if slot?.running == nil { lines.append(("on \(r.weightsNote)", t[.dim])) }
        } else if slot?.running == nil {
            let data = state.workspace.models.indices.contains(state.modelIndex) ? state.workspace.models[state.modelIndex].eval : nil
            lines.append((data != nil && cache.model.metadata.format != "zoo"
                          ? "not evaluated · e measures on the eval data"
                          : "not evaluated · e estimates weight SQNR (no eval data for this model)", t[.dim]))
        }
        if let outcome = slot?.lastOutcome { lines.insert(("last run \(outcome)", t[.warning]), at: min(lines.count, 1)) }
        if let running = slot?.running {
            let bar = Rect(x: evalInner.x, y: evalInner.y + lines.count, width: evalInner.width, height: 1)
            WorkbenchApp.lines(lines, evalInner, state, &buffer)
            ProgressBar(fraction: running.fraction, label: "evaluating", elapsed: state.now - running.started,
                        fillStyle: t[.accent], trackStyle: t[.dim], textStyle: t[.text], glyphs: state.glyphs)
                .render(into: &buffer, area: bar)
            buffer.write("Esc cancels", x: evalInner.x, y: bar.y + 1, width: evalInner.width, style: t[.dim])
            return
        }
        WorkbenchApp.lines(lines, evalInner, state, &buffer)
    }
}

extension AppState {
    /// What the Tune screen's sensitivity column holds for the selected model, in words (the JSON twin reports it).
    public var sensitivityLabel: String { TuneScreen.sensitivityLabel(self) }
}
