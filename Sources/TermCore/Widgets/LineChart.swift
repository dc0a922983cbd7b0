/// Series over x drawn as braille lines, with y and x axes, tick labels, a legend and horizontal threshold lines.
///
/// Threshold lines are the scenario's budgets (33 ms for 30 fps, 10 ms hard real-time); they are drawn dashed
/// under the data with their label at the right end, on top. Unset bounds are computed: x spans the data, y runs
/// from min(0, data, thresholds) to the data and thresholds' maximum, both widened to nice tick multiples.
public struct LineChart: Widget {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var style: Style

        public init(name: String, points: [(x: Double, y: Double)], style: Style = .plain) {
            self.name = name
            self.points = points
            self.style = style
        }
    }

    public struct Threshold: Sendable {
        public var value: Double
        public var label: String
        public var style: Style

        public init(_ value: Double, label: String, style: Style = .plain) {
            self.value = value
            self.label = label
            self.style = style
        }
    }

    public var series: [Series]
    public var thresholds: [Threshold]
    public var xBounds: ClosedRange<Double>?
    public var yBounds: ClosedRange<Double>?
    public var showLegend: Bool
    public var axisStyle: Style
    public var textStyle: Style
    public var glyphs: GlyphSet
    public var xFormat: @Sendable (Double) -> String
    public var yFormat: @Sendable (Double) -> String

    public init(series: [Series], thresholds: [Threshold] = [], xBounds: ClosedRange<Double>? = nil,
                yBounds: ClosedRange<Double>? = nil, showLegend: Bool = true, axisStyle: Style = .plain,
                textStyle: Style = .plain, glyphs: GlyphSet = .unicode,
                xFormat: @escaping @Sendable (Double) -> String = NumberFormat.compact,
                yFormat: @escaping @Sendable (Double) -> String = NumberFormat.compact) {
        self.series = series
        self.thresholds = thresholds
        self.xBounds = xBounds
        self.yBounds = yBounds
        self.showLegend = showLegend
        self.axisStyle = axisStyle
        self.textStyle = textStyle
        self.glyphs = glyphs
        self.xFormat = xFormat
        self.yFormat = yFormat
    }

    /// Tick counts aimed for: one y label every three rows, one x label every ten columns (at least 2 each).
    static func tickCounts(plotWidth: Int, plotHeight: Int) -> (x: Int, y: Int) {
        (max(2, plotWidth / 10 + 1), max(2, plotHeight / 3 + 1))
    }

    /// The x and y ranges and tick steps for a plot of the given size.
    func scales(plotWidth: Int, plotHeight: Int) -> (x: ChartScale, xStep: Double, y: ChartScale, yStep: Double) {
        let counts = LineChart.tickCounts(plotWidth: plotWidth, plotHeight: plotHeight)
        let xs = series.flatMap { $0.points.map(\.x) }.filter(\.isFinite)
        let ys = (series.flatMap { $0.points.map(\.y) } + thresholds.map(\.value)).filter(\.isFinite)
        let x: ChartScale, xStep: Double
        if let xb = xBounds {
            x = ChartScale(xb.lowerBound, xb.upperBound)
            xStep = Ticks.niceStep(span: xb.upperBound - xb.lowerBound, count: counts.x)
        } else {
            let lo = xs.min() ?? 0
            var hi = xs.max() ?? 1
            if !(hi > lo) { hi = lo + 1 }
            x = ChartScale(lo, hi)
            xStep = Ticks.niceStep(span: hi - lo, count: counts.x)
        }
        if let yb = yBounds {
            return (x, xStep, ChartScale(yb.lowerBound, yb.upperBound),
                    Ticks.niceStep(span: yb.upperBound - yb.lowerBound, count: counts.y))
        }
        let nb = Ticks.niceBounds(min(0, ys.min() ?? 0), ys.max() ?? 1, count: counts.y)
        return (x, xStep, ChartScale(nb.lo, nb.hi), nb.step)
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: .blank(textStyle))
        let legend = showLegend && series.contains { !$0.name.isEmpty } && area.height >= 4 ? 1 : 0
        // y labels depend on the y ticks, which depend on the plot height: size them from a first estimate.
        let estimate = scales(plotWidth: max(2, area.width - 6), plotHeight: max(1, area.height - legend - 2))
        let yTickValues = Ticks.values(from: estimate.y.lowerBound, to: estimate.y.upperBound, step: estimate.yStep)
        let yLabels = yTickValues.map(yFormat)
        let labelWidth = min(yLabels.map { TextWidth.of($0) }.max() ?? 0, area.width / 3)
        guard let layout = ChartLayout(area: area, legendRows: legend, yLabelWidth: labelWidth) else { return }
        let plot = layout.plot
        let s = scales(plotWidth: plot.width, plotHeight: plot.height)

        let yTicks = Ticks.values(from: s.y.lowerBound, to: s.y.upperBound, step: s.yStep).compactMap { v in
            layout.row(v, scale: s.y).map { (row: $0, label: yFormat(v)) }
        }
        let xTicks = Ticks.values(from: s.x.lowerBound, to: s.x.upperBound, step: s.xStep).compactMap { v in
            layout.column(v, scale: s.x).map { (column: $0, label: xFormat(v)) }
        }
        layout.drawAxes(into: &buffer, area: area, yTicks: yTicks, xTicks: xTicks, glyphs: glyphs, style: axisStyle)
        if legend == 1 {
            drawLegend(into: &buffer, row: area.row(0), entries: series.map { ($0.name, $0.style) }, glyphs: glyphs,
                       textStyle: textStyle)
        }
        let thresholdRows = thresholds.map { layout.row($0.value, scale: s.y) }
        for (t, row) in zip(thresholds, thresholdRows) {
            guard let row else { continue }
            for x in plot.minX..<plot.maxX { buffer.set(Cell(glyphs.dashed, style: t.style), x: x, y: row) }
        }
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let dotsX = plot.width * 2, dotsY = plot.height * 4
        for series in self.series {
            var previous: (Int, Int)?
            for p in series.points {
                guard let dx = s.x.dot(p.x, dots: dotsX), let dy = s.y.dot(p.y, dots: dotsY) else {
                    previous = nil  // a gap in the data breaks the line
                    continue
                }
                let point = (dx, dotsY - 1 - dy)
                if let (px, py) = previous {
                    canvas.line(px, py, point.0, point.1, style: series.style)
                } else {
                    canvas.set(point.0, point.1, style: series.style)
                }
                previous = point
            }
        }
        canvas.render(into: &buffer, area: plot, braille: glyphs.braille)
        for (t, row) in zip(thresholds, thresholdRows) {
            guard let row, !t.label.isEmpty else { continue }
            let w = min(TextWidth.of(t.label), plot.width)
            buffer.write(t.label, x: plot.maxX - w, y: row, width: w, style: t.style, ellipsis: glyphs.ellipsis)
        }
    }
}
