/// A border with an optional title; the frame most panes sit in.
public struct Block: Widget {
    public var title: String
    public var glyphs: GlyphSet
    public var borderStyle: Style
    public var titleStyle: Style
    /// Fill for the inside (nil leaves it untouched).
    public var fill: Style?

    public init(title: String = "", glyphs: GlyphSet = .unicode, borderStyle: Style = .plain,
                titleStyle: Style = .plain, fill: Style? = nil) {
        self.title = title
        self.glyphs = glyphs
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
        self.fill = fill
    }

    /// The area inside the border.
    public func inner(_ area: Rect) -> Rect { area.inset(by: 1) }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard area.width >= 2 && area.height >= 2 else { return }
        if let fill { buffer.fill(inner(area), with: .blank(fill)) }
        let g = glyphs, s = borderStyle
        for x in (area.minX + 1)..<(area.maxX - 1) {
            buffer.set(Cell(g.horizontal, style: s), x: x, y: area.minY)
            buffer.set(Cell(g.horizontal, style: s), x: x, y: area.maxY - 1)
        }
        for y in (area.minY + 1)..<(area.maxY - 1) {
            buffer.set(Cell(g.vertical, style: s), x: area.minX, y: y)
            buffer.set(Cell(g.vertical, style: s), x: area.maxX - 1, y: y)
        }
        buffer.set(Cell(g.topLeft, style: s), x: area.minX, y: area.minY)
        buffer.set(Cell(g.topRight, style: s), x: area.maxX - 1, y: area.minY)
        buffer.set(Cell(g.bottomLeft, style: s), x: area.minX, y: area.maxY - 1)
        buffer.set(Cell(g.bottomRight, style: s), x: area.maxX - 1, y: area.maxY - 1)
        // " Title " after the corner and one rule; needs at least one title character plus padding.
        let room = area.width - 4
        if !title.isEmpty && room >= 3 {
            buffer.write(" ", x: area.minX + 2, y: area.minY, style: s)
            let end = buffer.write(title, x: area.minX + 3, y: area.minY, width: room - 2, style: titleStyle,
                                   ellipsis: g.ellipsis)
            buffer.write(" ", x: end, y: area.minY, style: s)
        }
    }
}
