import Foundation

/// A roofline chart on log–log axes: attainable performance against arithmetic intensity, with points plotted.
///
/// The roof is min(peak, bandwidth × intensity): a slope of 1 in log–log space up to the ridge point
/// (peak / bandwidth FLOP/byte), flat at the compute ceiling after it (Williams, Waterman & Patterson, "Roofline",
/// CACM 52(4), 2009). Axis ticks are the decades inside the bounds; unset bounds are the decades enclosing the
/// points, the ridge point (± one decade) and the ceiling.
public struct RooflineChart: Widget {
    public struct Point: Sendable {
        public var label: String
        /// FLOP per byte moved.
        public var intensity: Double
        /// FLOP/s attained (or estimated).
        public var performance: Double
        public var style: Style

        public init(_ label: String, intensity: Double, performance: Double, style: Style = .plain) {
            self.label = label
            self.intensity = intensity
            self.performance = performance
            self.style = style
        }
    }

    /// Compute ceiling, FLOP/s.
    public var peakPerformance: Double
    /// Memory bandwidth, bytes/s.
    public var bandwidth: Double
    public var points: [Point]
    public var xBounds: ClosedRange<Double>?
    public var yBounds: ClosedRange<Double>?
    public var roofStyle: Style
    public var axisStyle: Style
    public var glyphs: GlyphSet
    public var xFormat: @Sendable (Double) -> String
    public var yFormat: @Sendable (Double) -> String

    public init(peakPerformance: Double, bandwidth: Double, points: [Point] = [], xBounds: ClosedRange<Double>? = nil,
                yBounds: ClosedRange<Double>? = nil, roofStyle: Style = .plain, axisStyle: Style = .plain,
                glyphs: GlyphSet = .unicode,
                xFormat: @escaping @Sendable (Double) -> String = NumberFormat.compact,
                yFormat: @escaping @Sendable (Double) -> String = NumberFormat.compact) {
        self.peakPerformance = peakPerformance
        self.bandwidth = bandwidth
        self.points = points
        self.xBounds = xBounds
        self.yBounds = yBounds
        self.roofStyle = roofStyle
        self.axisStyle = axisStyle
        self.glyphs = glyphs
        self.xFormat = xFormat
        self.yFormat = yFormat
    }

    /// Intensity (FLOP/byte) where the bandwidth slope meets the compute ceiling.
    public var ridgeIntensity: Double { peakPerformance / bandwidth }

    /// Attainable FLOP/s at `intensity`: min(peak, bandwidth × intensity).
    public func roof(at intensity: Double) -> Double { min(peakPerformance, bandwidth * intensity) }

    static func decadeBelow(_ v: Double) -> Double { pow(10, log10(v).rounded(.down)) }
    static func decadeAbove(_ v: Double) -> Double { pow(10, log10(v).rounded(.up)) }

    /// The axis bounds actually used (see the type's discussion).
    public func bounds() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let valid = points.filter { $0.intensity > 0 && $0.performance > 0 && $0.intensity.isFinite
            && $0.performance.isFinite }
        let ridge = ridgeIntensity.isFinite && ridgeIntensity > 0 ? ridgeIntensity : 1
        let x = xBounds ?? {
            let lo = RooflineChart.decadeBelow(min(ridge / 10, valid.map(\.intensity).min() ?? .infinity))
            let hi = RooflineChart.decadeAbove(max(ridge * 10, valid.map(\.intensity).max() ?? 0))
            return lo...max(hi, lo * 10)
        }()
        let y = yBounds ?? {
            let top = max(peakPerformance.isFinite ? peakPerformance : 1, valid.map(\.performance).max() ?? 0)
            let hi = RooflineChart.decadeAbove(top)
            let floor = min(roof(at: x.lowerBound), valid.map(\.performance).min() ?? .infinity)
            let lo = RooflineChart.decadeBelow(floor > 0 && floor.isFinite ? floor : hi / 1000)
            return lo...max(hi, lo * 10)
        }()
        return (x, y)
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: .blank(Style(bg: axisStyle.bg)))
        guard peakPerformance > 0, bandwidth > 0 else { return }
        let (xr, yr) = bounds()
        let xs = ChartScale(xr.lowerBound, xr.upperBound, logarithmic: true)
        let ys = ChartScale(yr.lowerBound, yr.upperBound, logarithmic: true)
        let yDecades = Ticks.decades(from: yr.lowerBound, to: yr.upperBound)
        let labelWidth = min(yDecades.map { TextWidth.of(yFormat($0)) }.max() ?? 0, area.width / 3)
        guard let layout = ChartLayout(area: area, legendRows: 0, yLabelWidth: labelWidth) else { return }
        let plot = layout.plot
        let yTicks = yDecades.compactMap { v in layout.row(v, scale: ys).map { (row: $0, label: yFormat(v)) } }
        let xTicks = Ticks.decades(from: xr.lowerBound, to: xr.upperBound).compactMap { v in
            layout.column(v, scale: xs).map { (column: $0, label: xFormat(v)) }
        }
        layout.drawAxes(into: &buffer, area: area, yTicks: yTicks, xTicks: xTicks, glyphs: glyphs, style: axisStyle)

        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let dotsX = plot.width * 2, dotsY = plot.height * 4
        let (lx0, lx1) = (log10(xr.lowerBound), log10(xr.upperBound))
        var previous: (Int, Int)?
        for px in 0..<dotsX {
            let intensity = pow(10, lx0 + (lx1 - lx0) * Double(px) / Double(max(1, dotsX - 1)))
            guard let dy = ys.dot(roof(at: intensity), dots: dotsY) else { previous = nil; continue }
            let py = dotsY - 1 - dy
            if let (qx, qy) = previous { canvas.line(qx, qy, px, py, style: roofStyle) } else {
                canvas.set(px, py, style: roofStyle)
            }
            previous = (px, py)
        }
        canvas.render(into: &buffer, area: plot, braille: glyphs.braille)
        for p in points {
            guard let col = layout.column(p.intensity, scale: xs), let row = layout.row(p.performance, scale: ys)
            else { continue }
            buffer.set(Cell(glyphs.point, style: p.style), x: col, y: row)
        }
    }
}
