import Foundation
import TermCore

/// A 200×60 screen full of widgets — every TermCore widget kind, laid out as the workbench screens will be —
/// rebuilt for each frame as the TUI does after every keypress.
struct FrameFixture {
    let cols = 200, rows = 60
    let columns = [TableColumn("Layer", width: .fill(min: 8)), TableColumn("MACs", alignment: .right),
                   TableColumn("Params", alignment: .right), TableColumn("Intensity", alignment: .right),
                   TableColumn("Precision"), TableColumn("Latency", alignment: .right)]
    let layers: [TableRow]
    let series: [[(x: Double, y: Double)]]
    let points: [RooflineChart.Point]
    let jitter: [Double]
    let histogram: (counts: [Int], range: ClosedRange<Double>)

    init() {
        var seed: UInt64 = 42
        func rnd() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(seed >> 11) / Double(1 << 53)
        }
        layers = (0..<200).map { i in
            TableRow(["layer\(i).conv", "\(i * 7919 % 1000)M", "\(i * 104729 % 5000)k", "\(i % 37)",
                      i % 3 == 0 ? "int8" : "fp16", "\(i % 11).\(i % 7) ms"])
        }
        series = (0..<3).map { s in (0..<500).map { (Double($0), 20 + 10 * sin(Double($0) / 20 + Double(s)) + 3 * rnd()) } }
        points = (0..<100).map { RooflineChart.Point("l\($0)", intensity: pow(10, rnd() * 3 - 1), performance: pow(10, 9 + rnd() * 3)) }
        jitter = (0..<2000).map { _ in 30 + 5 * (rnd() + rnd() + rnd() - 1.5) }
        histogram = Histogram.bin(jitter, bins: 40)
    }

    /// Frame `tick`: the chart window, table selection and progress move; every other frame shows a modal.
    func frame(tick: Int) -> CellBuffer {
        let theme = Theme.plain
        var b = CellBuffer(width: cols, height: rows, fill: .blank(theme[.background]))
        let v = b.bounds.split(.vertical, [.fixed(1), .fill(1), .fixed(1), .fixed(1)])
        Tabs(["Models", "Devices", "Tune", "Compare", "Dashboard", "Help"], selected: 2).render(into: &b, area: v[0])
        let h = v[1].split(.horizontal, [.percentage(45), .fill(1)])
        let left = Block(title: "Layers")
        left.render(into: &b, area: h[0])
        var state = TableState(selection: tick % 200, sortColumn: 1, ascending: false)
        state.scrollToSelection(height: h[0].height - 3)
        Table(columns: columns, rows: layers, state: state).render(into: &b, area: left.inner(h[0]))
        let right = h[1].split(.vertical, [.percentage(45), .percentage(35), .fill(1)])
        let s = series.map { LineChart.Series(name: "run", points: Array($0[(tick % 100)...].prefix(400))) }
        LineChart(series: s, thresholds: [.init(33, label: "33 ms"), .init(10, label: "10 ms")])
            .render(into: &b, area: right[0])
        let mid = right[1].split(.horizontal, [.fill(1), .fill(1)])
        RooflineChart(peakPerformance: 1e12, bandwidth: 1e11, points: points).render(into: &b, area: mid[0])
        Histogram(counts: histogram.counts, lowerBound: histogram.range.lowerBound,
                  upperBound: histogram.range.upperBound).render(into: &b, area: mid[1])
        let low = right[2].split(.vertical, [.fixed(1), .fixed(1), .fixed(3), .fill(1)])
        ProgressBar(fraction: Double(tick % 100) / 100, label: "accuracy", elapsed: Double(tick)).render(into: &b, area: low[0])
        Gauge(fraction: 0.42).render(into: &b, area: low[1])
        Sparkline(jitter.map { $0 - 20 }).render(into: &b, area: low[2])
        BarList((0..<10).map { BarList.Item("dev\($0)", Double($0 * 3 + 1)) }).render(into: &b, area: low[3])
        StatusBar(left: "resnet50 · int8 · Jetson Orin Nano", right: "frame \(tick)").render(into: &b, area: v[2])
        KeyHintBar([("q", "Quit"), ("/", "Filter"), ("s", "Save"), ("t", "Theme"), ("?", "Help"), ("Tab", "Pane")])
            .render(into: &b, area: v[3])
        if tick % 2 == 1 {
            Modal(title: "Quit", message: "Unsaved changes will be lost.", buttons: ["Save", "Discard", "Cancel"])
                .render(into: &b, area: b.bounds)
        }
        return b
    }
}
