/// Fills `width` columns of row `y` as a horizontal bar for `fraction` (0…1), with eighth-cell resolution.
///
/// Shared by `Gauge`, `ProgressBar` and `BarList`. The filled part uses `fill` (its colour is the bar colour),
/// the rest the track glyph in `track`.
func drawHorizontalBar(into buffer: inout CellBuffer, x: Int, y: Int, width: Int, fraction: Double,
                       glyphs: GlyphSet, fill: Style, track: Style?) {
    guard width > 0 else { return }
    let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
    let eighths = Int((f * Double(width * 8)).rounded())
    let full = eighths / 8, part = eighths % 8
    for i in 0..<width {
        if i < full {
            buffer.set(Cell(glyphs.horizontalEighths[8], style: fill), x: x + i, y: y)
        } else if i == full && part > 0 && glyphs.horizontalEighths[part] != " " {
            buffer.set(Cell(glyphs.horizontalEighths[part], style: fill), x: x + i, y: y)
        } else if let track {
            buffer.set(Cell(glyphs.track, style: track), x: x + i, y: y)
        }
    }
}

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
