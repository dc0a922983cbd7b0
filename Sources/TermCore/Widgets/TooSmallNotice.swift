/// What the whole screen shows when the terminal is smaller than the layout needs (issue 7: below 80×24).
///
/// Three centred lines — the problem, the sizes, the way out — so the user is never left with a garbled layout.
public struct TooSmallNotice: Widget {
    public var minimumCols: Int
    public var minimumRows: Int
    public var style: Style
    public var emphasis: Style

    public init(minimumCols: Int = 80, minimumRows: Int = 24, style: Style = .plain,
                emphasis: Style = Style(attributes: .bold)) {
        self.minimumCols = minimumCols
        self.minimumRows = minimumRows
        self.style = style
        self.emphasis = emphasis
    }

    /// Whether a terminal of this size needs the notice.
    public func applies(cols: Int, rows: Int) -> Bool { cols < minimumCols || rows < minimumRows }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: .blank(style))
        let lines = [
            ("Terminal too small", emphasis),
            ("\(area.width)x\(area.height) (needs \(minimumCols)x\(minimumRows))", style),
            ("Enlarge the window, or press q to quit", style),
        ]
        let top = area.y + max(0, (area.height - lines.count) / 2)
        for (i, (text, s)) in lines.enumerated() where top + i < area.maxY {
            buffer.write(text, x: area.x, y: top + i, width: area.width, align: .center, style: s, ellipsis: "~")
        }
    }
}
