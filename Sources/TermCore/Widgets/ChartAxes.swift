import Foundation

/// A value-to-position mapping along one chart axis, linear or base-10 logarithmic.
public struct ChartScale: Sendable, Hashable {
    public var lowerBound: Double
    public var upperBound: Double
    public var logarithmic: Bool

    public init(_ lowerBound: Double, _ upperBound: Double, logarithmic: Bool = false) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.logarithmic = logarithmic
    }

    /// Where `v` falls between the bounds: 0 at the lower, 1 at the upper (outside the bounds, beyond 0…1);
    /// nil for values that cannot be placed (non-finite, or ≤ 0 on a log scale).
    public func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if logarithmic {
            guard v > 0, lowerBound > 0, upperBound > lowerBound else { return nil }
            return (log10(v) - log10(lowerBound)) / (log10(upperBound) - log10(lowerBound))
        }
        guard upperBound > lowerBound else { return nil }
        return (v - lowerBound) / (upperBound - lowerBound)
    }

    /// Dot index 0…dots−1 along this axis for `v` (rounded to nearest), or nil if it cannot be placed.
    /// Far-out values are clamped to a few canvas lengths so integer conversion can never trap.
    func dot(_ v: Double, dots: Int) -> Int? {
        guard let f = fraction(v), dots > 0 else { return nil }
        let d = (f * Double(dots - 1)).rounded()
        let limit = Double(4 * dots + 8)
        return Int(Swift.min(Swift.max(d, -limit), limit))
    }
}

/// Tick positions for chart axes.
public enum Ticks {
    /// A "nice" step (1, 2 or 5 × 10^k) giving at most about `count` ticks over `span`.
    public static func niceStep(span: Double, count: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(1, count - 1))
        var mag = 1.0
        while mag * 10 <= raw { mag *= 10 }
        while mag > raw { mag /= 10 }
        let f = raw / mag
        let nice: Double = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
        return nice * mag
    }

    /// Multiples of `step` within lo…hi (at most 1000).
    public static func values(from lo: Double, to hi: Double, step: Double) -> [Double] {
        guard step > 0, lo.isFinite, hi.isFinite, hi >= lo else { return [] }
        let first = (lo / step - 1e-9).rounded(.up)
        var out: [Double] = []
        var k = 0.0
        while out.count < 1000 {
            let v = (first + k) * step
            if v > hi + step * 1e-9 { break }
            out.append(abs(v) < step * 1e-9 ? 0 : v)
            k += 1
        }
        return out
    }

    /// Powers of ten within lo…hi (both > 0), for log axes.
    public static func decades(from lo: Double, to hi: Double) -> [Double] {
        guard lo > 0, hi >= lo, lo.isFinite, hi.isFinite else { return [] }
        var e = log10(lo).rounded(.up)
        var out: [Double] = []
        while out.count < 64 {
            let v = pow(10, e)
            if v > hi * (1 + 1e-9) { break }
            out.append(v)
            e += 1
        }
        return out
    }

    /// Bounds widened outwards to multiples of a nice step, with that step.
    public static func niceBounds(_ lo: Double, _ hi: Double, count: Int) -> (lo: Double, hi: Double, step: Double) {
        var (a, b) = (lo, hi)
        if !(b > a) { b = a + 1 }
        let step = niceStep(span: b - a, count: count)
        return ((a / step).rounded(.down) * step, (b / step).rounded(.up) * step, step)
    }
}

/// Where a chart's parts go inside its area: legend row, y labels, axes, plot, x labels.
struct ChartLayout {
    /// The plotting area (braille canvas) — right of the y axis, above the x axis.
    let plot: Rect
    /// Column of the y axis line, row of the x axis line, row of the x tick labels.
    let axisColumn: Int
    let axisRow: Int
    let labelRow: Int

    /// Lays out a chart with `legendRows` on top and y labels `yLabelWidth` wide; nil when there is no room
    /// for a plot of at least 2×1 cells.
    init?(area: Rect, legendRows: Int, yLabelWidth: Int) {
        let top = area.y + legendRows
        let plotH = area.maxY - top - 2
        let axisColumn = area.x + yLabelWidth
        let plotW = area.maxX - axisColumn - 1
        guard plotH >= 1, plotW >= 2 else { return nil }
        plot = Rect(x: axisColumn + 1, y: top, width: plotW, height: plotH)
        self.axisColumn = axisColumn
        axisRow = top + plotH
        labelRow = axisRow + 1
    }

    /// Cell row for a value on the y scale (nil if unplaceable or outside the plot).
    func row(_ v: Double, scale: ChartScale) -> Int? {
        guard let d = scale.dot(v, dots: plot.height * 4) else { return nil }
        let fromTop = plot.height * 4 - 1 - d
        guard fromTop >= 0 && fromTop < plot.height * 4 else { return nil }
        return plot.y + fromTop / 4
    }

    /// Cell column for a value on the x scale (nil if unplaceable or outside the plot).
    func column(_ v: Double, scale: ChartScale) -> Int? {
        guard let d = scale.dot(v, dots: plot.width * 2), d >= 0, d < plot.width * 2 else { return nil }
        return plot.x + d / 2
    }

    /// Draws both axis lines with tick marks, y labels right-aligned left of the axis and x labels centred
    /// under their ticks (a label that would overlap the previous one, or leave the area, is skipped).
    func drawAxes(into buffer: inout CellBuffer, area: Rect, yTicks: [(row: Int, label: String)],
                  xTicks: [(column: Int, label: String)], glyphs: GlyphSet, style: Style) {
        for y in plot.minY..<plot.maxY { buffer.set(Cell(glyphs.vertical, style: style), x: axisColumn, y: y) }
        buffer.set(Cell(glyphs.bottomLeft, style: style), x: axisColumn, y: axisRow)
        for x in plot.minX..<plot.maxX { buffer.set(Cell(glyphs.horizontal, style: style), x: x, y: axisRow) }
        let labelWidth = axisColumn - area.x
        var lastRow = Int.min
        for t in yTicks where t.row != lastRow {
            buffer.set(Cell(glyphs.yTick, style: style), x: axisColumn, y: t.row)
            if labelWidth > 0 {
                buffer.write(t.label, x: area.x, y: t.row, width: labelWidth, align: .right, style: style,
                             ellipsis: glyphs.ellipsis)
            }
            lastRow = t.row
        }
        var nextFree = area.x
        for t in xTicks {
            buffer.set(Cell(glyphs.xTick, style: style), x: t.column, y: axisRow)
            let w = TextWidth.of(t.label)
            let x = Swift.min(Swift.max(t.column - (w - 1) / 2, area.x), area.maxX - w)
            guard x >= nextFree, labelRow < area.maxY else { continue }
            buffer.write(t.label, x: x, y: labelRow, style: style, clip: area)
            nextFree = x + w + 1
        }
    }
}

/// Draws a legend line: `■ name  ■ name`, each swatch in its series style, cut at the area's edge.
func drawLegend(into buffer: inout CellBuffer, row: Rect, entries: [(name: String, style: Style)], glyphs: GlyphSet,
                textStyle: Style) {
    var x = row.x
    for (i, e) in entries.enumerated() where x < row.maxX {
        if i > 0 { x += 2 }
        x = buffer.write(String(Character(glyphs.swatch)), x: x, y: row.y, style: e.style, clip: row) + 1
        x = buffer.write(e.name, x: x, y: row.y, style: textStyle, clip: row)
    }
}
