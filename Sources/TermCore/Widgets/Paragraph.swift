/// Lines of text, word-wrapped to the area, aligned; extra lines are cut.
public struct Paragraph: Widget {
    public var text: String
    public var style: Style
    public var alignment: Alignment

    public init(_ text: String, style: Style = .plain, alignment: Alignment = .left) {
        self.text = text
        self.style = style
        self.alignment = alignment
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        for (i, line) in TextWidth.wrap(text, width: area.width).prefix(area.height).enumerated() {
            buffer.write(line, x: area.x, y: area.y + i, width: area.width, align: alignment, style: style)
        }
    }
}
