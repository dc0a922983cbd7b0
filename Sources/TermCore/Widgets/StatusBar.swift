/// One row with a left text and a right text; the right (usually state: size, device, clock) wins when space is
/// short, and the left is cut with an ellipsis.
public struct StatusBar: Widget {
    public var left: String
    public var right: String
    public var style: Style
    public var glyphs: GlyphSet

    public init(left: String, right: String = "", style: Style = Style(attributes: .reverse), glyphs: GlyphSet = .unicode) {
        self.left = left
        self.right = right
        self.style = style
        self.glyphs = glyphs
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, with: .blank(style))
        let rw = min(TextWidth.of(right), row.width)
        if rw > 0 {
            buffer.write(right, x: row.maxX - rw, y: row.y, width: rw, style: style, ellipsis: glyphs.ellipsis)
        }
        // One blank column between the two texts, and one leading pad column when there is room.
        let leftRoom = row.width - rw - (rw > 0 ? 1 : 0) - 1
        if leftRoom > 0 {
            buffer.write(left, x: row.x + 1, y: row.y, width: leftRoom, style: style, ellipsis: glyphs.ellipsis)
        }
    }
}
