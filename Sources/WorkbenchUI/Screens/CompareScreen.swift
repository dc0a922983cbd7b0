import EdgeOptimize
import EdgeSim
import TermCore
import Workbench

/// A cell of the comparison named by its strategy and device (stable across re-sorting and recomputation).
public struct CellRef: Sendable, Hashable {
    public var strategy: String
    public var device: String

    public init(strategy: String, device: String) {
        self.strategy = strategy
        self.device = device
    }
}

/// What the Compare screen remembers: cursor, metric, sort, the picked cells and the matrix.
public struct CompareScreenState: Sendable {
    public var row = 0
    public var column = 0
    public var metric = ComparisonMetric.latency
    /// Device column rows are sorted by, and whether best comes first.
    public var sortColumn: Int?
    public var bestFirst = true
    public var picked: CellRef?
    public var sideBySide: (a: CellRef, b: CellRef)?
    public var diffTable = TableState()
    var key = ""
    /// Each strategy's row of cells (without quality and Pareto flags), kept across rebuilds: a changed strategy
    /// recomputes only its own row. Valid for `rowsKey` (the model and the device list).
    var rows: [Strategy: [ComparisonCell]] = [:]
    var rowsKey = ""
    public var matrix: ComparisonMatrix?
    public var comparison: CellComparison?

    public init() {}
}

/// Screen 4: strategies (rows) × devices (columns) — latency, fps, energy per inference, memory fit, accuracy —
/// Pareto-optimal cells highlighted, sortable by any metric, two cells side by side with per-layer differences.
enum CompareScreen {
    static let nameWidth = 16
    static let cellWidth = 11

    struct Layout {
        var header: Rect
        var matrix: Rect
        var detail: Rect

        init(_ area: Rect, rows: Int) {
            let parts = area.split(.vertical, [.fixed(1), .fixed(min(rows + 3, max(6, area.height / 2))), .fill(1)])
            header = parts[0]
            matrix = parts[1]
            detail = parts[2]
        }
    }

    /// Row order after sorting (indices into the matrix's strategies).
    static func order(_ s: CompareScreenState) -> [Int] {
        guard let m = s.matrix else { return [] }
        guard let c = s.sortColumn else { return Array(m.strategies.indices) }
        return m.rowOrder(by: s.metric, column: c, bestFirst: s.bestFirst)
    }

    /// First visible device column and how many fit.
    static func window(_ s: CompareScreenState, width: Int) -> (first: Int, count: Int) {
        let n = s.matrix?.devices.count ?? 0
        let fit = max(1, (width - nameWidth) / (cellWidth + 1))
        let first = min(max(0, s.column - fit + 1), max(0, n - fit))
        return (first, min(fit, n))
    }

    // MARK: Update

    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        var s = state.compare
        let rows = s.matrix?.strategies.count ?? 0, cols = s.matrix?.devices.count ?? 0
        if s.comparison != nil {
            let n = s.comparison?.rows.count ?? 0
            let h = max(1, Layout(Chrome(cols: state.cols, rows: state.rows).content, rows: rows).detail.height - 4)
            switch action {
            case .up: s.diffTable.moveSelection(by: -1, rowCount: n, height: h)
            case .down: s.diffTable.moveSelection(by: 1, rowCount: n, height: h)
            case .pageUp: s.diffTable.moveSelection(by: -h, rowCount: n, height: h)
            case .pageDown: s.diffTable.moveSelection(by: h, rowCount: n, height: h)
            case .back, .select:
                s.comparison = nil
                s.sideBySide = nil
                s.picked = nil
            default: break
            }
            state.compare = s
            return []
        }
        switch action {
        case .up: s.row = max(0, s.row - 1)
        case .down: s.row = min(max(0, rows - 1), s.row + 1)
        case .left: s.column = max(0, s.column - 1)
        case .right: s.column = min(max(0, cols - 1), s.column + 1)
        case .top: s.row = 0
        case .bottom: s.row = max(0, rows - 1)
        case .nextMetric:
            let all = ComparisonMetric.allCases
            s.metric = all[(all.firstIndex(of: s.metric)! + 1) % all.count]
        case .sortByMetric:
            if s.sortColumn == s.column { s.bestFirst.toggle() } else { (s.sortColumn, s.bestFirst) = (s.column, true) }
            state.setStatus("strategies sorted by \(s.metric.title) on \(s.matrix?.devices[s.column] ?? "?")"
                            + (s.bestFirst ? ", best first" : ", worst first"))
        case .select:
            guard let m = s.matrix, rows > 0, cols > 0 else { break }
            let r = order(s)[min(s.row, rows - 1)]
            let ref = CellRef(strategy: m.strategies[r], device: m.devices[min(s.column, cols - 1)])
            if let a = s.picked, a != ref {
                s.sideBySide = (a, ref)
                s.diffTable = TableState()
                s.key = ""  // build the comparison in reconcile
            } else {
                s.picked = ref
                state.setStatus("picked \(ref.strategy) on \(ref.device); pick another cell to compare")
            }
        case .back:
            s.picked = nil
        default: break
        }
        state.compare = s
        return []
    }

    static func click(x: Int, y: Int, _ content: Rect, _ state: inout AppState) {
        let rows = state.compare.matrix?.strategies.count ?? 0
        let layout = Layout(content, rows: rows)
        let inner = layout.matrix.inset(by: 1)
        guard inner.contains(x: x, y: y), y > inner.y else { return }
        let r = y - inner.y - 1
        if r < rows { state.compare.row = r }
        let w = window(state.compare, width: inner.width)
        let c = (x - inner.x - nameWidth) / (cellWidth + 1)
        if x >= inner.x + nameWidth, c < w.count { state.compare.column = w.first + c }
    }

    /// Brings the matrix up to date incrementally: rows of unchanged strategies are reused, a new strategy's row
    /// is composed (the selected device simulated in place, other devices lacking a run left pending for a
    /// background job), pending cells are filled when their runs arrive; quality and Pareto flags are then
    /// re-applied to the whole matrix (``ComparisonMatrix/assemble(strategies:devices:rows:quality:)``).
    static func reconcile(_ state: inout AppState) -> [Effect] {
        let strategies = state.strategies
        let devices = state.targetDevices
        var quality: [String: (value: Double, label: String)] = [:]
        if let r = state.evaluations[state.modelIndex]?.last, let s = strategies.first(where: { $0 == r.strategy }) {
            quality[s.name] = (r.value, r.metric)
        }
        let rowsKey = "\(state.modelIndex)|" + devices.map(\.id).joined(separator: ",")
        if rowsKey != state.compare.rowsKey {
            state.compare.rows = [:]
            state.compare.rowsKey = rowsKey
        }
        let key = rowsKey + "|" + strategies.map { "\($0.hashValue)" }.joined(separator: ",")
            + "|" + quality.map { "\($0.key)=\($0.value.value)" }.sorted().joined()
            + "|\(state.compare.sideBySide.map { "\($0.a)\($0.b)" } ?? "")"
        let pendingBefore = state.compare.matrix?.cells.contains { $0.pending } ?? false
        guard key != state.compare.key || pendingBefore else { return [] }
        let sim = state.simulator
        let selected: Set<String> = state.device.map { [$0.id] } ?? []
        var comparison: CellComparison?
        let picked = state.compare.sideBySide
        var rows = state.compare.rows
        let matrix = WorkbenchApp.withCache(&state) { cache -> ComparisonMatrix in
            var kept: [Strategy: [ComparisonCell]] = [:]
            for s in strategies {
                if var row = rows[s] {
                    if row.contains(where: { $0.pending }) {
                        let a = cache.assignment(s)
                        for (k, d) in devices.enumerated() where row[k].pending {
                            if let e = cache.readyEstimate(a, on: d) { row[k].estimate = e; row[k].pending = false }
                        }
                    }
                    kept[s] = row
                } else {
                    kept[s] = ComparisonMatrix.row(cache: &cache, strategy: s, devices: devices, simulator: sim, simulate: selected)
                }
            }
            rows = kept  // rows of strategies no longer listed (an earlier tuned variant) are dropped
            let m = ComparisonMatrix.assemble(strategies: strategies.map(\.name), devices: devices.map(\.id),
                                              rows: strategies.map { kept[$0]! }, quality: quality)
            if let (a, b) = picked,
               let sa = strategies.first(where: { $0.name == a.strategy }), let sb = strategies.first(where: { $0.name == b.strategy }),
               let da = devices.first(where: { $0.id == a.device }), let db = devices.first(where: { $0.id == b.device }),
               case .success(let ea) = cache.estimate(sa, on: da, simulator: sim),
               case .success(let eb) = cache.estimate(sb, on: db, simulator: sim) {
                comparison = CellComparison(model: cache.model, titleA: "\(a.strategy) on \(a.device)", a: ea,
                                            assignmentA: cache.assignment(sa), titleB: "\(b.strategy) on \(b.device)", b: eb,
                                            assignmentB: cache.assignment(sb))
            }
            return m
        }
        state.compare.rows = rows
        state.compare.key = key
        state.compare.matrix = matrix
        state.compare.comparison = comparison
        if state.compare.sideBySide != nil && comparison == nil {
            state.compare.sideBySide = nil
            state.setStatus("one of the picked cells cannot run; nothing to compare", .error)
        }
        let nRows = matrix?.strategies.count ?? 0, cols = matrix?.devices.count ?? 0
        state.compare.row = min(state.compare.row, max(0, nRows - 1))
        state.compare.column = min(state.compare.column, max(0, cols - 1))
        // Background jobs for the pending cells.
        var effects: [Effect] = []
        if let m = matrix, m.cells.contains(where: { $0.pending }) {
            for (r, s) in strategies.enumerated() {
                let pendingDevices = devices.enumerated().filter { m[r, $0.offset].pending }.map(\.element)
                guard !pendingDevices.isEmpty, let a = WorkbenchApp.withCache(&state, { $0.assignment(s) }) else { continue }
                effects += WorkbenchApp.requestRuns(&state, assignment: a, devices: pendingDevices)
            }
        }
        return effects
    }

    // MARK: View

    static func cellText(_ c: ComparisonCell, _ metric: ComparisonMetric, _ glyphs: GlyphSet) -> String {
        if c.pending { return "sim\(glyphs.ellipsis)" }
        guard let e = c.estimateValue else { return metric == .accuracy ? (c.quality.map { Fmt.dB($0) + " dB" } ?? "—") : "n/a" }
        switch metric {
        case .latency: return Fmt.ms(e.latency.value)
        case .fps: return Fmt.sig(e.fps)
        case .energy: return Fmt.energy(e.energyPerInference)
        case .memory:
            if e.memory.fits { return c.value(.memory).map(Fmt.percent) ?? "fits" }
            let worst = e.memory.regions.filter { !$0.fits }.map(\.shortfall).max() ?? 0
            return "NO +" + Fmt.bytes(worst)
        case .accuracy: return c.quality.map { Fmt.dB($0) + " dB" } ?? "—"
        }
    }

    static func view(_ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let s = state.compare
        guard let m = s.matrix else {
            WorkbenchApp.lines([("no model loaded", t[.dim])], area, state, &buffer)
            return
        }
        let layout = Layout(area, rows: m.strategies.count)
        let unit: String
        switch s.metric {
        case .latency: unit = "ms, estimated; band in the cell detail"
        case .fps: unit = "frames/s, estimated"
        case .energy: unit = "per inference, estimated"
        case .memory: unit = "% of the tightest memory, computed"
        case .accuracy: unit = "quality: output SQNR on eval data (measured) or weight SQNR (estimate)"
        }
        let star = state.glyphs == .ascii ? "*" : "★"
        let header = "metric \(s.metric.title) (\(unit)) · \(star) Pareto-optimal (latency, energy, quality; fitting cells)"
        buffer.write(header, x: layout.header.x + 1, y: layout.header.y, width: layout.header.width - 1, style: t[.dim],
                     ellipsis: state.glyphs.ellipsis)
        let sortNote = s.sortColumn.map { " · sorted by \(m.devices[$0])" } ?? ""
        let inner = WorkbenchApp.pane("Strategies × devices\(sortNote)", layout.matrix, focused: s.comparison == nil, state, &buffer)
        let w = window(s, width: inner.width)
        // Header row.
        buffer.fill(inner.row(0), with: .blank(t[.header]))
        buffer.write("strategy", x: inner.x, y: inner.y, width: nameWidth - 1, style: t[.header])
        for k in 0..<w.count {
            let c = w.first + k
            let x = inner.x + nameWidth + k * (cellWidth + 1)
            var title = m.devices[c]
            if s.sortColumn == c { title.unicodeScalars.append(s.bestFirst ? state.glyphs.sortAscending : state.glyphs.sortDescending) }
            buffer.write(title, x: x, y: inner.y, width: cellWidth, align: .right, style: t[.header], ellipsis: state.glyphs.ellipsis,
                         clip: inner)
        }
        let ordered = order(s)
        for (line, r) in ordered.enumerated() where line + 1 < inner.height {
            let y = inner.y + 1 + line
            let rowSelected = line == s.row
            buffer.write(m.strategies[r], x: inner.x, y: y, width: nameWidth - 1, style: rowSelected ? t[.accent] : t[.text],
                         ellipsis: state.glyphs.ellipsis)
            for k in 0..<w.count {
                let c = w.first + k
                let cell = m[r, c]
                let x = inner.x + nameWidth + k * (cellWidth + 1)
                var text = cellText(cell, s.metric, state.glyphs)
                var style = cell.estimateValue == nil ? t[.dim] : cell.fits ? t[.text] : t[.bad]
                if cell.pareto {
                    text = star + text
                    style = t[.good].adding(.bold)
                }
                let ref = CellRef(strategy: m.strategies[r], device: m.devices[c])
                if ref == s.picked || ref == s.sideBySide?.a || ref == s.sideBySide?.b { style = style.patched(with: Style(attributes: .underline)) }
                if rowSelected && c == s.column { style = style.patched(with: t[.selection]) }
                buffer.fill(Rect(x: x, y: y, width: cellWidth, height: 1).intersection(inner), with: .blank(style))
                buffer.write(text, x: x, y: y, width: cellWidth, align: .right, style: style, ellipsis: state.glyphs.ellipsis, clip: inner)
            }
        }
        if w.count < m.devices.count {
            let more = "\(w.first + 1)–\(w.first + w.count) of \(m.devices.count) devices, ←→ scroll"
            buffer.write(more, x: inner.maxX - min(inner.width, TextWidth.of(more)), y: inner.maxY - 1, style: t[.dim], clip: inner)
        }

        if let cmp = s.comparison {
            sideBySide(cmp, state, &buffer, layout.detail)
        } else {
            detail(m, ordered, state, &buffer, layout.detail)
        }
    }

    static func detail(_ m: ComparisonMatrix, _ ordered: [Int], _ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let s = state.compare
        guard !ordered.isEmpty, !m.devices.isEmpty else { return }
        let r = ordered[min(s.row, ordered.count - 1)], c = min(s.column, m.devices.count - 1)
        let cell = m[r, c]
        let inner = WorkbenchApp.pane("\(cell.strategy) on \(cell.deviceID) · Enter picks for side by side", area, focused: false, state, &buffer)
        var lines: [(String, Style)] = []
        let strategy = state.strategies.first { $0.name == cell.strategy }
        if let st = strategy { lines.append((st.summary, t[.dim])) }
        switch cell.estimate {
        case .success(let e):
            lines.append(("latency " + Fmt.latencyLabelled(e.latency) + " · \(Fmt.sig(e.fps)) fps", t[.text]))
            lines.append(("energy \(Fmt.energy(e.energyPerInference))/inference (estimated) · busy \(Fmt.power(e.busyPower)), idle \(Fmt.power(e.idlePower))", t[.text]))
            lines.append(("memory: \(e.memory.summary) · weights \(Fmt.bytes(cell.weightBytes)) (computed)", e.memory.fits ? t[.text] : t[.bad]))
            if let q = cell.quality { lines.append(("\(cell.qualityLabel ?? "quality") \(Fmt.dB(q)) dB", t[.good])) }
            else { lines.append(("accuracy: not measured (Tune: e evaluates)", t[.dim])) }
            lines.append((cell.pareto ? "Pareto-optimal: nothing else is both faster and more frugal" : "dominated by another cell", cell.pareto ? t[.good] : t[.dim]))
            for n in e.notes.prefix(max(0, inner.height - lines.count)) { lines.append((n, t[.warning])) }
        case .failure(let err):
            lines.append(cell.pending ? ("simulating in the background\(state.glyphs.ellipsis)", t[.dim]) : ("cannot run: \(err)", t[.bad]))
        }
        WorkbenchApp.lines(lines, inner, state, &buffer)
    }

    static func sideBySide(_ cmp: CellComparison, _ state: AppState, _ buffer: inout CellBuffer, _ area: Rect) {
        let t = state.theme
        let inner = WorkbenchApp.pane("A: \(cmp.titleA)  vs  B: \(cmp.titleB) · Esc closes", area, focused: true, state, &buffer)
        func ratio(_ a: Double, _ b: Double) -> String { a > 0 ? "×" + Fmt.sig(b / a) : "" }
        let lines: [(String, Style)] = [
            ("latency \(Fmt.time(cmp.latencyA)) → \(Fmt.time(cmp.latencyB)) (\(ratio(cmp.latencyA, cmp.latencyB))) · energy "
             + "\(Fmt.energy(cmp.energyA)) → \(Fmt.energy(cmp.energyB)) · size \(Fmt.bytes(cmp.weightBytesA)) → \(Fmt.bytes(cmp.weightBytesB))"
             + " · \(cmp.differing.count) layers differ", t[.text]),
        ]
        WorkbenchApp.lines(lines, inner, state, &buffer)
        let cols = [TableColumn("layer", width: .fill(min: 8)), TableColumn("op", width: .auto(min: 3, max: 10)),
                    TableColumn("prec A", width: .auto(min: 4, max: 6)), TableColumn("prec B", width: .auto(min: 4, max: 6)),
                    TableColumn("unit A", width: .auto(min: 3, max: 8)), TableColumn("unit B", width: .auto(min: 3, max: 8)),
                    TableColumn("ms A", alignment: .right, width: .auto(min: 5, max: 8)),
                    TableColumn("ms B", alignment: .right, width: .auto(min: 5, max: 8)),
                    TableColumn("Δ ms", alignment: .right, width: .auto(min: 5, max: 8))]
        let rows = cmp.rows.map { r in
            TableRow([r.layer, r.op, r.precisionA.rawValue, r.precisionB.rawValue, r.unitA, r.unitB, Fmt.ms(r.timeA), Fmt.ms(r.timeB),
                      (r.delta > 0 ? "+" : "") + Fmt.ms(r.delta)],
                     styles: [nil, nil, nil, r.precisionA != r.precisionB ? t[.accent] : nil, nil,
                              r.unitA != r.unitB ? t[.warning] : nil, nil, nil, r.delta > 0 ? t[.bad] : r.delta < 0 ? t[.good] : nil])
        }
        WorkbenchApp.table(cols, rows, state.compare.diffTable, focused: true, state).render(into: &buffer, area: inner.inset(top: 1))
    }
}
