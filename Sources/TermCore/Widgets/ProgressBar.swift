/// A progress bar with its numbers: `label ████▌░░░░ 42% · ETA 1m 05s`.
///
/// The ETA is extrapolated linearly from the elapsed time (`elapsed × (1 − f) / f`); it is hidden until some
/// progress exists and replaced by "done" at 100 %.
public struct ProgressBar: Widget {
    public var fraction: Double
    public var label: String
    /// Seconds since the work started; nil hides the ETA.
    public var elapsed: Double?
    public var fillStyle: Style
    public var trackStyle: Style
    public var textStyle: Style
    public var glyphs: GlyphSet

    public init(fraction: Double, label: String = "", elapsed: Double? = nil, fillStyle: Style = .plain,
                trackStyle: Style = .plain, textStyle: Style = .plain, glyphs: GlyphSet = .unicode) {
        self.fraction = fraction
        self.label = label
        self.elapsed = elapsed
        self.fillStyle = fillStyle
        self.trackStyle = trackStyle
        self.textStyle = textStyle
        self.glyphs = glyphs
    }

    /// Seconds remaining at the current average rate; nil before any progress.
    public static func eta(fraction: Double, elapsed: Double) -> Double? {
        guard fraction.isFinite, elapsed.isFinite, fraction > 0, elapsed >= 0 else { return nil }
        if fraction >= 1 { return 0 }
        return elapsed * (1 - fraction) / fraction
    }

    /// The text after the bar: "42%", "42% · ETA 1m 05s", "100% · done".
    public var statusText: String {
        let pct = Gauge.percentText(fraction)
        guard let elapsed else { return pct }
        let dot = glyphs == .ascii ? "-" : "·"
        if fraction >= 1 { return "\(pct) \(dot) done" }
        guard let eta = ProgressBar.eta(fraction: fraction, elapsed: elapsed) else { return "\(pct) \(dot) ETA --" }
        return "\(pct) \(dot) ETA \(NumberFormat.duration(seconds: eta))"
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let row = area.row(area.height / 2)
        buffer.fill(row, with: .blank(textStyle))
        let status = statusText
        let sw = TextWidth.of(status)
        let lw = TextWidth.of(label)
        // Bar gets what is left after "label " and " status"; the label is cut first, then the status.
        var x = row.x
        var room = row.width
        let statusCols = min(sw, room)
        room -= statusCols
        if room > 1 { room -= 1 }
        if lw > 0 && room >= 8 {
            let labelCols = min(lw, room - 6)
            x = buffer.write(label, x: x, y: row.y, width: labelCols, style: textStyle, ellipsis: glyphs.ellipsis) + 1
            room -= min(lw, labelCols) + 1
        }
        drawHorizontalBar(into: &buffer, x: x, y: row.y, width: room, fraction: fraction, glyphs: glyphs,
                          fill: fillStyle, track: trackStyle)
        buffer.write(status, x: row.maxX - statusCols, y: row.y, width: statusCols, style: textStyle,
                     ellipsis: glyphs.ellipsis)
    }
}
