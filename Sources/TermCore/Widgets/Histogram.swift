/// Counts of values in equal-width bins, drawn as columns over a row with the range's end labels.
///
/// Used for jitter (latency distribution) and op histograms. A non-empty bin always shows at least one eighth so
/// rare outliers stay visible. When there are more bins than columns, neighbouring bins are merged (summed).
public struct Histogram: Widget {
    public var counts: [Int]
    public var lowerBound: Double
    public var upperBound: Double
    public var barStyle: Style
    public var labelStyle: Style
    public var glyphs: GlyphSet
    public var format: @Sendable (Double) -> String

    public init(counts: [Int], lowerBound: Double, upperBound: Double, barStyle: Style = .plain,
                labelStyle: Style = .plain, glyphs: GlyphSet = .unicode,
                format: @escaping @Sendable (Double) -> String = NumberFormat.compact) {
        self.counts = counts
        self.lowerBound = lowerBound
        self.upperBound = upperBound
        self.barStyle = barStyle
        self.labelStyle = labelStyle
        self.glyphs = glyphs
        self.format = format
    }

    /// Bins `values` into `bins` equal bins over `range` (default: the values' min…max).
    ///
    /// Bin i holds [lo + i·w, lo + (i+1)·w); the top edge belongs to the last bin. Values outside the range and
    /// non-finite values are not counted. A zero-width range is widened to lo…lo+1.
    public static func bin(_ values: [Double], bins: Int, range: ClosedRange<Double>? = nil)
        -> (counts: [Int], range: ClosedRange<Double>)
    {
        let n = max(1, bins)
        let finite = values.filter(\.isFinite)
        var lo = range?.lowerBound ?? finite.min() ?? 0
        var hi = range?.upperBound ?? finite.max() ?? 1
        if !(hi > lo) { (lo, hi) = (lo, lo + 1) }
        var counts = Array(repeating: 0, count: n)
        for v in finite where v >= lo && v <= hi {
            let i = min(n - 1, Int((v - lo) / (hi - lo) * Double(n)))
            counts[i] += 1
        }
        return (counts, lo...hi)
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard area.height >= 2, area.width >= 1, !counts.isEmpty else { return }
        buffer.fill(area, with: .blank(labelStyle))
        let plotH = area.height - 1
        let groups = min(counts.count, area.width)
        var merged = Array(repeating: 0, count: groups)
        for (i, c) in counts.enumerated() { merged[i * groups / counts.count] += c }
        let top = merged.max() ?? 0
        for g in 0..<groups where top > 0 {
            let x0 = area.x + g * area.width / groups, x1 = area.x + (g + 1) * area.width / groups
            for x in x0..<x1 {
                drawColumn(into: &buffer, x: x, bottom: area.y + plotH - 1, height: plotH,
                           fraction: Double(merged[g]) / Double(top), glyphs: glyphs, style: barStyle,
                           minimumEighths: 1)
            }
        }
        let y = area.maxY - 1
        let lo = format(lowerBound), hi = format(upperBound)
        let lw = TextWidth.of(lo), hw = TextWidth.of(hi)
        buffer.write(lo, x: area.x, y: y, width: area.width, style: labelStyle, ellipsis: glyphs.ellipsis)
        if lw + 1 + hw <= area.width {
            buffer.write(hi, x: area.maxX - hw, y: y, style: labelStyle)
        }
    }
}
