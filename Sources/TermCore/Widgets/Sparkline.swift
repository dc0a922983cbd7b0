/// Values as a compact column chart, newest at the right: `▁▂▄█▆▃`.
///
/// Each column's height is `value / max` of the area's height in eighths (rounded); negative and non-finite values
/// draw nothing. Only the most recent `area.width` values are shown.
public struct Sparkline: Widget {
    public var values: [Double]
    /// Value of a full-height column; nil uses the largest shown value.
    public var maxValue: Double?
    public var style: Style
    public var glyphs: GlyphSet

    public init(_ values: [Double], maxValue: Double? = nil, style: Style = .plain, glyphs: GlyphSet = .unicode) {
        self.values = values
        self.maxValue = maxValue
        self.style = style
        self.glyphs = glyphs
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: .blank(Style(bg: style.bg)))
        let shown = values.suffix(area.width)
        let top = maxValue ?? shown.filter(\.isFinite).max() ?? 0
        guard top > 0 else { return }
        let startX = area.maxX - shown.count
        for (i, v) in shown.enumerated() {
            drawColumn(into: &buffer, x: startX + i, bottom: area.maxY - 1, height: area.height,
                       fraction: v.isFinite ? v / top : 0, glyphs: glyphs, style: style)
        }
    }
}
