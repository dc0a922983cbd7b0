/// Labelled horizontal bars, one per row: `conv1   ████████▌    12.5`. For per-layer or per-device breakdowns.
public struct BarList: Widget {
    public struct Item: Sendable {
        public var label: String
        public var value: Double
        /// Bar style; nil uses the list's `barStyle`.
        public var style: Style?

        public init(_ label: String, _ value: Double, style: Style? = nil) {
            self.label = label
            self.value = value
            self.style = style
        }
    }

    public var items: [Item]
    /// The value of a full-width bar; nil uses the largest item.
    public var maxValue: Double?
    public var barStyle: Style
    public var labelStyle: Style
    public var valueStyle: Style
    public var glyphs: GlyphSet
    public var format: @Sendable (Double) -> String

    public init(_ items: [Item], maxValue: Double? = nil, barStyle: Style = .plain, labelStyle: Style = .plain,
                valueStyle: Style = .plain, glyphs: GlyphSet = .unicode,
                format: @escaping @Sendable (Double) -> String = NumberFormat.compact) {
        self.items = items
        self.maxValue = maxValue
        self.barStyle = barStyle
        self.labelStyle = labelStyle
        self.valueStyle = valueStyle
        self.glyphs = glyphs
        self.format = format
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: .blank(labelStyle))
        let shown = items.prefix(area.height)
        let texts = shown.map { format($0.value) }
        // Labels take at most a third of the width, values what they need; the bar gets the rest.
        let labelW = min(shown.map { TextWidth.of($0.label) }.max() ?? 0, area.width / 3)
        let valueW = min(texts.map { TextWidth.of($0) }.max() ?? 0, max(0, area.width - labelW - 2))
        let barX = area.x + labelW + (labelW > 0 ? 1 : 0)
        let barW = area.maxX - barX - (valueW > 0 ? valueW + 1 : 0)
        let top = maxValue ?? shown.map(\.value).max() ?? 0
        for (i, item) in shown.enumerated() {
            let y = area.y + i
            if labelW > 0 {
                buffer.write(item.label, x: area.x, y: y, width: labelW, style: labelStyle, ellipsis: glyphs.ellipsis)
            }
            if barW > 0 {
                let f = top > 0 ? item.value / top : 0
                drawHorizontalBar(into: &buffer, x: barX, y: y, width: barW, fraction: f, glyphs: glyphs,
                                  fill: item.style ?? barStyle, track: nil)
            }
            if valueW > 0 {
                buffer.write(texts[i], x: area.maxX - valueW, y: y, width: valueW, align: .right, style: valueStyle,
                             ellipsis: glyphs.ellipsis)
            }
        }
    }
}
