/// A full-width bar showing a fraction, with a centred label (default "42%").
///
/// Label characters over the filled part are drawn reversed so they stay readable on the bar colour.
public struct Gauge: Widget {
    public var fraction: Double
    public var label: String?
    public var fillStyle: Style
    public var trackStyle: Style
    public var labelStyle: Style
    public var glyphs: GlyphSet

    public init(fraction: Double, label: String? = nil, fillStyle: Style = .plain, trackStyle: Style = .plain,
                labelStyle: Style = .plain, glyphs: GlyphSet = .unicode) {
        self.fraction = fraction
        self.label = label
        self.fillStyle = fillStyle
        self.trackStyle = trackStyle
        self.labelStyle = labelStyle
        self.glyphs = glyphs
    }

    /// Whole percent, rounded down so 99.9 % never reads "100%" before the work is done.
    public static func percentText(_ fraction: Double) -> String {
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        return "\(Int((f * 100).rounded(.down)))%"
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        for y in area.minY..<area.maxY {
            drawHorizontalBar(into: &buffer, x: area.x, y: y, width: area.width, fraction: fraction, glyphs: glyphs,
                              fill: fillStyle, track: trackStyle)
        }
        let text = label ?? Gauge.percentText(fraction)
        let w = min(TextWidth.of(text), area.width)
        let lx = area.x + (area.width - w) / 2, ly = area.y + area.height / 2
        buffer.write(text, x: lx, y: ly, width: w, style: labelStyle, ellipsis: glyphs.ellipsis)
        let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let filledCols = Int((f * Double(area.width * 8)).rounded()) / 8
        for x in lx..<(lx + w) where x < area.x + filledCols {
            var c = buffer[x, ly]
            c.style = labelStyle.patched(with: Style(fg: fillStyle.fg, attributes: .reverse))
            buffer.set(c, x: x, y: ly)
        }
    }
}
