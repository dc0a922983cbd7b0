import EdgeIR
import EdgeZoo
import Foundation
import TermCore
import Workbench

/// What the Models screen remembers: the model tree, the layer table, and the estimate its latency column shows.
public struct ModelsScreenState: Sendable {
    public var tree = TreeState(expanded: ["ws"])
    public var table = TableState()
    /// Index into ``ModelsScreen/sortColumns``.
    public var sortIndex = 0
    /// (model, strategy, device) the estimate is for.
    var key: String = ""
    public var estimate: MixedEstimate?
    public var estimateError: String?

    public init() {}
}

/// Screen 1: the catalog and the workspace's models; per-layer table sortable by params, MACs, bytes, intensity
/// and latency on the selected device; layer detail; op histogram; peak-memory timeline.
enum ModelsScreen {
    /// Table columns; indices into ``columns``.
    static let sortColumns = [0, 4, 5, 6, 7, 8]
    static let sortNames = ["order", "params", "MACs", "bytes", "intensity", "latency"]

    static func columns(_ state: AppState) -> [TableColumn] {
        [TableColumn("#", alignment: .right, width: .auto(min: 2, max: 4)),
         TableColumn("layer", width: .fill(min: 8)),
         TableColumn("op", width: .auto(min: 4, max: 16)),
         TableColumn("output", width: .auto(min: 6, max: 18)),
         TableColumn("params", alignment: .right, width: .auto(min: 5, max: 8)),
         TableColumn("MACs", alignment: .right, width: .auto(min: 5, max: 8)),
         TableColumn("bytes", alignment: .right, width: .auto(min: 5, max: 9)),
         TableColumn("FLOP/B", alignment: .right, width: .auto(min: 5, max: 7)),
         TableColumn("ms est", alignment: .right, width: .auto(min: 6, max: 8))]
    }

    // MARK: Layout

    struct Layout {
        var tree: Rect
        var summary: Rect
        var table: Rect
        var detail: Rect
        var ops: Rect
        var memory: Rect

        init(_ area: Rect) {
            let cols = area.split(.horizontal, [.percentage(22), .fill(1)])
            tree = cols[0]
            let right = cols[1].split(.vertical, [.fixed(1), .fill(3), .percentage(32)])
            summary = right[0]
            table = right[1]
            let bottom = right[2].split(.horizontal, [.percentage(36), .percentage(28), .fill(1)])
            detail = bottom[0]
            ops = bottom[1]
            memory = bottom[2]
        }
    }

    // MARK: Tree

    static func treeRoots(_ state: AppState) -> [TreeNode] {
        let ws = TreeNode(id: "ws", label: "Workspace models (\(state.models.count))",
                          children: state.models.enumerated().map { i, m in
                              TreeNode(id: "ws:\(i)", label: (i == state.modelIndex ? "● " : "  ") + m.label)
                          })
        var byTask: [(ZooTask, [ZooEntry])] = []
        for task in ZooTask.allCases {
            let e = Zoo.entries.filter { $0.task == task }
            if !e.isEmpty { byTask.append((task, e)) }
        }
        let catalog = TreeNode(id: "cat", label: "Catalog (\(Zoo.entries.count))", children: byTask.map { task, entries in
            TreeNode(id: "task:\(task.rawValue)", label: "\(task.rawValue) (\(entries.count))",
                     children: entries.map { TreeNode(id: "zoo:\($0.id)", label: $0.id) })
        })
        return [ws, catalog]
    }

    // MARK: Update

    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        if action == .addModel {
            state.addModelInput = TextInputState()
            return []
        }
        let layout = Layout(Chrome(cols: state.cols, rows: state.rows).content)
        if state.focusedPane == 0 {
            let roots = treeRoots(state)
            let key: Key?
            switch action {
            case .up: key = .up
            case .down: key = .down
            case .left: key = .left
            case .right: key = .right
            case .select: return open(roots, &state)
            case .top: state.modelsScreen.tree.selection = 0; key = nil
            case .bottom: state.modelsScreen.tree.selection = Int.max / 2; key = nil
            case .pageUp, .pageDown:
                let rows = state.modelsScreen.tree.visibleRows(roots).count
                let h = max(1, layout.tree.height - 2)
                state.modelsScreen.tree.selection = min(max(0, state.modelsScreen.tree.selection + (action == .pageUp ? -h : h)), max(0, rows - 1))
                key = nil
            default: key = nil
            }
            if let key { _ = state.modelsScreen.tree.handle(key, roots: roots, height: max(1, layout.tree.height - 2)) }
            let rows = state.modelsScreen.tree.visibleRows(roots).count
            state.modelsScreen.tree.selection = min(state.modelsScreen.tree.selection, max(0, rows - 1))
            return []
        }
        let count = rowCount(state)
        let h = max(1, layout.table.height - 3)
        switch action {
        case .up: state.modelsScreen.table.moveSelection(by: -1, rowCount: count, height: h)
        case .down: state.modelsScreen.table.moveSelection(by: 1, rowCount: count, height: h)
        case .pageUp: state.modelsScreen.table.moveSelection(by: -h, rowCount: count, height: h)
        case .pageDown: state.modelsScreen.table.moveSelection(by: h, rowCount: count, height: h)
        case .top: state.modelsScreen.table.moveSelection(by: -count, rowCount: count, height: h)
        case .bottom: state.modelsScreen.table.moveSelection(by: count, rowCount: count, height: h)
        case .sortNext:
            let i = (state.modelsScreen.sortIndex + 1) % sortColumns.count
            state.modelsScreen.sortIndex = i
            state.modelsScreen.table.sortColumn = i == 0 ? nil : sortColumns[i]
            state.modelsScreen.table.ascending = i == 0
            state.setStatus("layers sorted by \(sortNames[i])")
        case .sortReverse:
            if state.modelsScreen.table.sortColumn == nil { state.modelsScreen.table.sortColumn = 0 }
            state.modelsScreen.table.ascending.toggle()
        default: break
        }
        return []
    }

    /// Enter on the tree: select a workspace model, add a catalog entry to the workspace, or fold a group.
    /// `a`: a `zoo:` reference is built at once (no I/O); a file is loaded by the runner in the background.
    static func add(_ reference: String, _ state: inout AppState) -> [Effect] {
        guard !reference.isEmpty else { return [] }
        if let i = state.workspace.models.firstIndex(where: { $0.reference == reference }) {
            state.workspace.selection.model = i
            return []
        }
        if reference.hasPrefix("zoo:") {
            let slot = ModelSlot(reference: reference, label: String(reference.dropFirst(4)))
            do {
                append(try WorkbenchModel(slot: slot), &state)
            } catch {
                state.setStatus("\(error)", .error, seconds: 8)
            }
            return []
        }
        let slot = ModelSlot(reference: reference, label: (reference as NSString).lastPathComponent)
        let job = state.newJob()
        state.loadingModels[job] = slot
        state.setStatus("loading \(reference)…", seconds: 600)
        return [.loadModel(job: job, slot)]
    }

    static func append(_ model: WorkbenchModel, _ state: inout AppState) {
        state.workspace.models.append(model.slot)
        state.models.append(.ready(EstimationCache(model: model)))
        state.workspace.selection.model = state.models.count - 1
        state.modelsScreen.table = TableState(sortColumn: state.modelsScreen.table.sortColumn, ascending: state.modelsScreen.table.ascending)
        state.setStatus("added \(model.slot.reference) to the workspace", .success)
    }

    /// A background load finished; results of unknown jobs are dropped.
    static func loaded(job: Int, result: Result<WorkbenchModel, WorkbenchError>, _ state: inout AppState) {
        guard state.loadingModels.removeValue(forKey: job) != nil else { return }
        switch result {
        case .success(let m): append(m, &state)
        case .failure(let e): state.setStatus("not added: \(e)", .error, seconds: 10)
        }
    }

    static func open(_ roots: [TreeNode], _ state: inout AppState) -> [Effect] {
        let rows = state.modelsScreen.tree.visibleRows(roots)
        guard rows.indices.contains(state.modelsScreen.tree.selection) else { return [] }
        let id = rows[state.modelsScreen.tree.selection].node.id
        if id.hasPrefix("ws:"), let i = Int(id.dropFirst(3)) {
            state.workspace.selection.model = i
            state.modelsScreen.table = TableState(sortColumn: state.modelsScreen.table.sortColumn,
                                                  ascending: state.modelsScreen.table.ascending)
            return []
        }
        if id.hasPrefix("zoo:") {
            if let i = state.workspace.models.firstIndex(where: { $0.reference == id }) {
                state.workspace.selection.model = i
                return []
            }
            let slot = ModelSlot(reference: id, label: String(id.dropFirst(4)))
            do {
                let m = try WorkbenchModel(slot: slot)
                state.workspace.models.append(slot)
                state.models.append(.ready(EstimationCache(model: m)))
                state.workspace.selection.model = state.models.count - 1
                state.setStatus("added \(id) to the workspace")
            } catch {
                state.setStatus("\(error)", .error, seconds: 8)
            }
            return []
        }
        _ = state.modelsScreen.tree.handle(.enter, roots: roots, height: 10)
        return []
    }

    static func click(x: Int, y: Int, _ content: Rect, _ state: inout AppState) {
        let layout = Layout(content)
        if layout.tree.contains(x: x, y: y) {
            state.focus[.models] = 0
            let inner = layout.tree.inset(by: 1)
            let offset = TableState.offset(keeping: state.modelsScreen.tree.selection, from: state.modelsScreen.tree.offset,
                                           height: inner.height)
            let rows = state.modelsScreen.tree.visibleRows(treeRoots(state)).count
            let i = offset + (y - inner.y)
            if y >= inner.y, i < rows { state.modelsScreen.tree.selection = i }
        } else if layout.table.contains(x: x, y: y) {
            state.focus[.models] = 1
            let inner = layout.table.inset(by: 1)
            let t = Table(columns: columns(state), rows: [], state: state.modelsScreen.table)
            if let p = t.rowPosition(atY: y, area: inner, visibleCount: rowCount(state)) {
                state.modelsScreen.table.selection = p
            }
        }
    }

    static func rowCount(_ state: AppState) -> Int {
        guard let c = state.cache else { return 0 }
        return state.modelsScreen.table.visibleRows(rows(state, c)).count
    }

    static func reconcile(_ state: inout AppState) {
        guard let device = state.device else { return }
        let strategy = state.strategy
        let key = "\(state.modelIndex)|\(strategy.hashValue)|\(device.id)"
        guard key != state.modelsScreen.key else { return }
        let sim = state.simulator
        let result = WorkbenchApp.withCache(&state) { $0.estimate(strategy, on: device, simulator: sim) }
        state.modelsScreen.key = key
        switch result {
        case .success(let e)?: (state.modelsScreen.estimate, state.modelsScreen.estimateError) = (e, nil)
        case .failure(let e)?: (state.modelsScreen.estimate, state.modelsScreen.estimateError) = (nil, e.description)
        case nil: (state.modelsScreen.estimate, state.modelsScreen.estimateError) = (nil, nil)
        }
    }

    // MARK: View

    static func rows(_ state: AppState, _ cache: EstimationCache) -> [TableRow] {
        let layers = cache.model.inspection.layers
        let times = state.modelsScreen.estimate?.layerTimes
        return layers.enumerated().map { i, l in
            let shape = l.outputShapes.first.map { "[" + $0.map { d -> String in
                if case .value(let v) = d { return String(v) } else if case .symbol(let s) = d { return s } else { return "?" }
            }.joined(separator: ",") + "]" } ?? ""
            let bytes = l.bytesRead + l.bytesWritten
            let t = times.flatMap { i < $0.count ? $0[i] : nil }
            return TableRow([String(i), l.name, l.op, shape, Fmt.count(l.parameters), Fmt.count(l.macs), Fmt.bytes(bytes),
                             Fmt.sig(l.arithmeticIntensity), t.map(Fmt.ms) ?? "—"],
                            keys: [.number(Double(i)), .text(l.name), .text(l.op), .text(shape), .number(Double(l.parameters)),
                                   .number(Double(l.macs)), .number(Double(bytes)), .number(l.arithmeticIntensity),
                                   .number(t ?? -1)])
        }
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let layout = Layout(area)
        let treeInner = WorkbenchApp.pane("Models", layout.tree, focused: state.focusedPane == 0, state, &buffer)
        Tree(treeRoots(state), state: state.modelsScreen.tree, glyphs: state.glyphs, textStyle: t[.text],
             markerStyle: t[.accent], selectionStyle: state.focusedPane == 0 ? t[.selection] : t[.selection].adding(.dim))
            .render(into: &buffer, area: treeInner)

        guard state.models.indices.contains(state.modelIndex) else { return }
        guard let cache = state.cache else {
            if case .failed(let slot, let reason) = state.models[state.modelIndex] {
                WorkbenchApp.lines([("\(slot.reference) could not be loaded:", t[.bad]), (reason, t[.text])],
                                   layout.table, state, &buffer)
            }
            return
        }
        let s = cache.model.inspection.summary
        let summary = "\(cache.model.slot.label) · \(Fmt.count(s.parameters)) params · \(Fmt.bytes(s.weightBytes)) weights · "
            + "\(Fmt.count(s.macs))MACs · peak activations \(Fmt.bytes(s.peakActivationBytes)) · computed from the graph"
        buffer.write(summary, x: layout.summary.x + 1, y: layout.summary.y, width: layout.summary.width - 1,
                     style: t[.dim], ellipsis: state.glyphs.ellipsis)

        let sortName = sortNames[state.modelsScreen.sortIndex]
        let deviceName = state.device?.id ?? "—"
        let title = "Layers (\(cache.model.layerCount)) · sort \(sortName) · ms on \(deviceName), \(state.strategy.name), estimated"
        let tableInner = WorkbenchApp.pane(title, layout.table, focused: state.focusedPane == 1, state, &buffer)
        let allRows = rows(state, cache)
        WorkbenchApp.table(columns(state), allRows, state.modelsScreen.table, focused: state.focusedPane == 1, state)
            .render(into: &buffer, area: tableInner)

        // Layer detail.
        let visible = state.modelsScreen.table.visibleRows(allRows)
        let selected = visible.isEmpty ? nil : visible[min(state.modelsScreen.table.selection, visible.count - 1)]
        let detailInner = WorkbenchApp.pane("Layer · computed", layout.detail, focused: false, state, &buffer)
        if let i = selected {
            let l = cache.model.inspection.layers[i]
            var lines: [(String, Style)] = [
                ("\(l.name)  (\(l.op))", t[.accent]),
                ("params \(Fmt.count(l.parameters)) · weights \(Fmt.bytes(l.weightBytes)) \(l.weightType ?? "")", t[.text]),
                ("MACs \(Fmt.count(l.macs)) · FLOPs \(Fmt.count(l.flops)) · \(Fmt.percent(l.share)) of model", t[.text]),
                ("read \(Fmt.bytes(l.bytesRead)) · written \(Fmt.bytes(l.bytesWritten)) · \(Fmt.sig(l.arithmeticIntensity)) FLOP/B", t[.text]),
                ("live activations \(Fmt.bytes(l.liveBytes))", t[.dim]),
            ]
            if let e = state.modelsScreen.estimate, i < e.layerTimes.count {
                let r = state.modelsScreen.estimate.flatMap { _ in cache.profiles[e.deviceID]?.run(e.dominant)?.result.layers[i] }
                lines.append(("\(Fmt.time(e.layerTimes[i])) on \(e.layerUnits[i]) (estimated)", t[.good]))
                if let r, !r.reason.isEmpty { lines.append((r.reason, t[.warning])) }
                if let r { lines.append(("bound: \(r.bound.rawValue)", t[.dim])) }
            } else if let err = state.modelsScreen.estimateError {
                lines.append((err, t[.bad]))
            }
            WorkbenchApp.lines(lines, detailInner, state, &buffer)
        }

        // Op histogram.
        let opsInner = WorkbenchApp.pane("Ops", layout.ops, focused: false, state, &buffer)
        let hist = s.opHistogram.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        BarList(hist.prefix(opsInner.height).map { BarList.Item($0.key, Double($0.value)) }, barStyle: t[.series1],
                labelStyle: t[.text], valueStyle: t[.dim], glyphs: state.glyphs, format: { String(Int($0)) })
            .render(into: &buffer, area: opsInner)

        // Peak-memory timeline.
        let peak = Double(s.peakActivationBytes) / 1e6
        let memInner = WorkbenchApp.pane("Live activations (MB) by layer", layout.memory, focused: false, state, &buffer)
        let points = cache.model.inspection.layers.enumerated().map { (x: Double($0.offset), y: Double($0.element.liveBytes) / 1e6) }
        var thresholds = [LineChart.Threshold(peak, label: "peak \(Fmt.sig(peak)) MB" + (s.peakAtNode.map { " at \($0)" } ?? ""),
                                              style: t[.budgetLine])]
        if let i = selected { thresholds.append(LineChart.Threshold(Double(cache.model.inspection.layers[i].liveBytes) / 1e6, label: "", style: t[.dim])) }
        LineChart(series: [LineChart.Series(name: "", points: points, style: t[.series2])], thresholds: thresholds,
                  showLegend: false, axisStyle: t[.axis], textStyle: t[.text], glyphs: state.glyphs)
            .render(into: &buffer, area: memInner)
    }
}
