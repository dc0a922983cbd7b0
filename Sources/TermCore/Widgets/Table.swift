/// A table with a header, sortable columns, a filter, a highlighted selection and scrolling that keeps the
/// selection in view.
///
/// Column sizing shrinks gracefully: columns first get their content width (within their min…max); when that
/// is too wide, the widest shrinkable columns give way first (down to their minimum, cells cut with an ellipsis);
/// when even the minimums do not fit, columns are dropped from the right. Spare width goes to `.fill` columns.
public struct Table: Widget {
    public var columns: [TableColumn]
    public var rows: [TableRow]
    public var state: TableState
    public var glyphs: GlyphSet
    public var headerStyle: Style
    public var textStyle: Style
    public var selectionStyle: Style
    public var dimStyle: Style
    /// Blank columns between table columns.
    public var gap: Int

    public init(columns: [TableColumn], rows: [TableRow], state: TableState = TableState(), glyphs: GlyphSet = .unicode,
                headerStyle: Style = Style(attributes: .bold), textStyle: Style = .plain,
                selectionStyle: Style = Style(attributes: .reverse), dimStyle: Style = Style(attributes: .dim),
                gap: Int = 1) {
        self.columns = columns
        self.rows = rows
        self.state = state
        self.glyphs = glyphs
        self.headerStyle = headerStyle
        self.textStyle = textStyle
        self.selectionStyle = selectionStyle
        self.dimStyle = dimStyle
        self.gap = gap
    }

    /// Width of each column in a table `width` columns wide; nil for columns that had to be dropped.
    ///
    /// Content width is the widest of the title (+1 for the sort arrow) and the cells of `visible` rows.
    /// - Complexity: O(cells of the visible rows) + O(columns × log width).
    public func columnWidths(width: Int, visible: [Int]) -> [Int?] {
        let n = columns.count
        guard n > 0, width > 0 else { return Array(repeating: nil, count: n) }
        var desired = [Int](repeating: 0, count: n)
        var minimum = [Int](repeating: 0, count: n)
        for (c, col) in columns.enumerated() {
            switch col.width {
            case .fixed(let w):
                desired[c] = max(0, w)
                minimum[c] = desired[c]
            case .auto(let lo, let hi):
                let content = visible.reduce(TextWidth.of(col.title) + 1) { m, r in
                    c < rows[r].cells.count ? max(m, TextWidth.of(rows[r].cells[c])) : m
                }
                minimum[c] = max(1, lo)
                desired[c] = min(width, max(minimum[c], min(content, hi)))
            case .fill(let lo):
                let content = visible.reduce(TextWidth.of(col.title) + 1) { m, r in
                    c < rows[r].cells.count ? max(m, TextWidth.of(rows[r].cells[c])) : m
                }
                minimum[c] = max(1, lo)
                desired[c] = min(width, max(minimum[c], content))
            }
        }
        // Drop columns from the right until the minimums (and gaps) fit; the first column always stays.
        var shown = n
        while shown > 1 && minimum[..<shown].reduce(0, +) + gap * (shown - 1) > width { shown -= 1 }
        let available = max(0, width - gap * (shown - 1))
        var widths = Array(desired[..<shown])
        let mins = Array(minimum[..<shown])
        let total = widths.reduce(0, +)
        if total > available {
            // Water level: the largest L with Σ max(min, min(desired, L)) ≤ available.
            func sum(_ level: Int) -> Int { (0..<shown).reduce(0) { $0 + max(mins[$1], min(widths[$1], level)) } }
            var lo = 0, hi = width
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if sum(mid) <= available { lo = mid } else { hi = mid - 1 }
            }
            var spare = available - sum(lo)
            let capped = widths
            for c in 0..<shown { widths[c] = max(mins[c], min(capped[c], lo)) }
            for c in 0..<shown where spare > 0 && capped[c] > widths[c] {
                widths[c] += 1
                spare -= 1
            }
            if shown == 1 { widths[0] = min(widths[0], width) }
        } else {
            let fills = (0..<shown).filter { if case .fill = columns[$0].width { return true } else { return false } }
            var spare = available - total
            if !fills.isEmpty {
                let share = spare / fills.count
                for c in fills { widths[c] += share }
                spare -= share * fills.count
                for c in fills where spare > 0 { widths[c] += 1; spare -= 1 }
            }
        }
        return (0..<n).map { $0 < shown ? widths[$0] : nil }
    }

    /// The visible-row position under screen row `y` of a table drawn in `area`, if any (for mouse selection).
    public func rowPosition(atY y: Int, area: Rect, visibleCount: Int) -> Int? {
        let body = area.height - 1
        guard y > area.y, y < area.maxY, body > 0 else { return nil }
        let offset = TableState.offset(keeping: min(state.selection, max(0, visibleCount - 1)), from: state.offset,
                                       height: body)
        let p = offset + (y - area.y - 1)
        return p < visibleCount ? p : nil
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let visible = state.visibleRows(rows)
        let widths = columnWidths(width: area.width, visible: visible)
        var xs: [Int] = []
        var x = area.x
        for w in widths {
            xs.append(x)
            if let w { x += w + gap }
        }
        // Header.
        let header = area.row(0)
        buffer.fill(header, with: .blank(headerStyle))
        for (c, col) in columns.enumerated() {
            guard let w = widths[c], w > 0 else { continue }
            var title = col.title
            if state.sortColumn == c {
                title.unicodeScalars.append(state.ascending ? glyphs.sortAscending : glyphs.sortDescending)
            }
            buffer.write(title, x: xs[c], y: header.y, width: w, align: col.alignment, style: headerStyle,
                         ellipsis: glyphs.ellipsis, clip: header)
        }
        // Body.
        let bodyHeight = area.height - 1
        guard bodyHeight > 0 else { return }
        let body = Rect(x: area.x, y: area.y + 1, width: area.width, height: bodyHeight)
        buffer.fill(body, with: .blank(textStyle))
        if visible.isEmpty {
            let message = state.filter.isEmpty ? "no rows" : "no rows match \u{201C}\(state.filter)\u{201D}"
            buffer.write(message, x: body.x, y: body.y, width: body.width, style: dimStyle, ellipsis: glyphs.ellipsis)
            return
        }
        let selection = min(max(0, state.selection), visible.count - 1)
        let offset = TableState.offset(keeping: selection, from: state.offset, height: bodyHeight)
        for line in 0..<bodyHeight {
            let p = offset + line
            guard p < visible.count else { break }
            let row = rows[visible[p]]
            let y = body.y + line
            let selected = p == selection
            if selected { buffer.fill(body.row(line), with: .blank(selectionStyle)) }
            for (c, col) in columns.enumerated() {
                guard let w = widths[c], w > 0, c < row.cells.count else { continue }
                var style = (c < row.styles.count ? row.styles[c] : nil) ?? textStyle
                if selected { style = style.patched(with: selectionStyle) }
                buffer.write(row.cells[c], x: xs[c], y: y, width: w, align: col.alignment, style: style,
                             ellipsis: glyphs.ellipsis, clip: body)
            }
        }
    }
}
