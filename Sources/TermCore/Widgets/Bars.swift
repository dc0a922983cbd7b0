// Bar drawing shared by Gauge, ProgressBar, BarList, Sparkline and Histogram.

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


/// Draws one vertical column filling `fraction` of `height` rows upwards from row `bottom`, in eighths.
func drawColumn(into buffer: inout CellBuffer, x: Int, bottom: Int, height: Int, fraction: Double, glyphs: GlyphSet,
                style: Style, minimumEighths: Int = 0) {
    let f = fraction.isFinite ? min(1, max(0, fraction)) : 0
    var eighths = Int((f * Double(height * 8)).rounded())
    if f > 0 { eighths = max(eighths, minimumEighths) }
    var row = 0
    while eighths > 0 && row < height {
        let e = min(8, eighths)
        buffer.set(Cell(glyphs.verticalEighths[e], style: style), x: x, y: bottom - row)
        eighths -= e
        row += 1
    }
}
