import Testing
@testable import TermCore

/// The line chart on a hand-laid-out 20×8 area. Layout arithmetic (area at (1,1)):
/// legend on row 1; y labels "10"/"0" are 2 wide → y axis at column 3; plot = columns 4…20 (17 cells = 34 dots),
/// rows 2…6 (5 cells = 20 dots); x axis on row 7, x labels on row 8.
@Suite struct LineChartTests {
    let chart = LineChart(
        series: [
            .init(name: "lat", points: [(0, 10), (10, 10)]),   // y = 10 → top dot row → "⠉" (dots 1+4) in row 2
            .init(name: "base", points: [(10, 0)]),             // dot (33, 19) → cell (16, 4), right column, row 3: "⢀"
        ],
        thresholds: [.init(5, label: "5ms")],                   // round(0.5 · 19) = 10 → from top 9 → cell row 2 → row 4
        xBounds: 0...10, yBounds: 0...10)

    @Test func axesTicksLegendThresholdAndSeries() {
        var b = sentinel(22, 10)
        chart.render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 8))
        // Ticks: 2 per axis (17/10 + 1, 5/3 + 1) with step 10 → y 0 (row 6), 10 (row 2); x 0 (col 4), 10 (col 20,
        // dot 33); the "10" label is pulled left to stay inside the area (columns 19–20).
        #expect(b.lines == [
            xs(22),
            "x■ lat  ■ base" + sp(7) + "x",
            "x10┤" + rep("⠉", 17) + "x",
            "x  │" + sp(17) + "x",
            "x  │" + rep("╌", 14) + "5msx",
            "x  │" + sp(17) + "x",
            "x 0┤" + sp(16) + "⢀x",
            "x  └┬" + rep("─", 15) + "┬x",
            "x   0" + sp(14) + "10x",
            xs(22),
        ])
    }

    @Test func asciiFallback() {
        var c = chart
        c.glyphs = .ascii
        var b = sentinel(22, 10)
        c.render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 8))
        #expect(b.lines[1] == "x# lat  # base" + sp(7) + "x")
        #expect(b.lines[2] == "x10+" + rep("'", 17) + "x")
        #expect(b.lines[4] == "x  |" + rep("-", 14) + "5msx")
        #expect(b.lines[6] == "x 0+" + sp(16) + ".x")
        #expect(b.lines[7] == "x  ++" + rep("-", 15) + "+x")
    }

    @Test func automaticBoundsAreNice() {
        let auto = LineChart(series: [.init(name: "", points: [(0, 12), (4, 30)])], thresholds: [.init(33, label: "")])
        let s = auto.scales(plotWidth: 30, plotHeight: 10)
        // y: data and threshold span 0…33 with 10/3 + 1 = 4 ticks → raw step 11 → nice 20 → bounds 0…40.
        #expect(s.y == ChartScale(0, 40))
        #expect(s.yStep == 20)
        // x: 0…4 with 30/10 + 1 = 4 ticks → raw 1.33 → nice 2.
        #expect(s.x == ChartScale(0, 4))
        #expect(s.xStep == 2)
    }

    @Test func tinyAreaDrawsNothingOutside() {
        var b = sentinel(6, 5)
        chart.render(into: &b, area: Rect(x: 1, y: 1, width: 4, height: 3))
        #expect(b.lines[0] == xs(6) && b.lines[4] == xs(6))
        #expect(b.lines[1...3].allSatisfy { $0.hasPrefix("x") && $0.hasSuffix("x") })
    }

    @Test func gapsBreakTheLine() {
        // A NaN between two points: the two points are drawn, the line between them is not.
        let gap = LineChart(series: [.init(name: "", points: [(0, 0), (1, .nan), (2, 0)])], xBounds: 0...2,
                            yBounds: 0...1, showLegend: false)
        var b = CellBuffer(width: 12, height: 4)
        gap.render(into: &b, area: b.bounds)
        // Plot: y labels "0","1" → axis at col 1, plot cols 2…11 (20 dots), 2 rows (8 dots). y=0 → bottom dot row 7.
        // x = 0 → dot 0 (cell 0, left), x = 2 → dot 19 (cell 9, right): row 3 bits 0x40 and 0x80.
        #expect(b.lines[1] == "0┤⡀" + sp(8) + "⢀")
    }
}
