/// A row of tab titles with the selected one highlighted: ` Models │ Devices │ Tune `.
///
/// When the titles do not fit, all are cut to a common length (with an ellipsis) rather than dropping tabs, so
/// every screen stays reachable by mouse; `hitTest` uses the same layout.
public struct Tabs: Widget {
    public var titles: [String]
    public var selected: Int
    public var glyphs: GlyphSet
    public var style: Style
    public var selectedStyle: Style
    public var separatorStyle: Style

    public init(_ titles: [String], selected: Int, glyphs: GlyphSet = .unicode, style: Style = .plain,
                selectedStyle: Style = Style(attributes: .reverse), separatorStyle: Style = .plain) {
        self.titles = titles
        self.selected = selected
        self.glyphs = glyphs
        self.style = style
        self.selectedStyle = selectedStyle
        self.separatorStyle = separatorStyle
    }

    /// Each tab's title (possibly cut) and its column range, relative to the area's left edge.
    public func layout(width: Int) -> [(title: String, columns: Range<Int>)] {
        let widths = titles.map { TextWidth.of($0) }
        let n = titles.count
        func total(_ cap: Int) -> Int { widths.reduce(0) { $0 + min($1, cap) + 2 } + max(0, n - 1) }
        var cap = widths.max() ?? 0
        while cap > 1 && total(cap) > width { cap -= 1 }
        var result: [(String, Range<Int>)] = []
        var x = 0
        for (i, t) in titles.enumerated() {
            let shown = widths[i] > cap ? TextWidth.truncate(t, to: cap, ellipsis: glyphs.ellipsis) : t
            let w = min(widths[i], cap) + 2
            result.append((shown, x..<(x + w)))
            x += w + 1
        }
        return result
    }

    /// The tab under column `x` (absolute) of a tab row drawn in `area`, if any.
    public func hitTest(x: Int, y: Int, area: Rect) -> Int? {
        guard area.contains(x: x, y: y) else { return nil }
        return layout(width: area.width).firstIndex { $0.columns.contains(x - area.x) }
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, with: .blank(style))
        for (i, tab) in layout(width: area.width).enumerated() {
            let s = i == selected ? selectedStyle : style
            let x = area.x + tab.columns.lowerBound
            buffer.fill(Rect(x: x, y: row.y, width: tab.columns.count, height: 1).intersection(row), with: .blank(s))
            buffer.write(tab.title, x: x + 1, y: row.y, style: s, clip: row)
            if i < titles.count - 1 {
                buffer.write(String(Character(glyphs.separator)), x: area.x + tab.columns.upperBound, y: row.y,
                             style: separatorStyle, clip: row)
            }
        }
    }
}
