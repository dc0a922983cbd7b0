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

/// The roofline on a 20×6 area at (1,1): peak 1 TFLOP/s, 100 GB/s → ridge at 10 FLOP/byte; x 1…100, y 100G…1T.
/// Layout: y labels "100G"/"1T" 4 wide → axis at column 5; plot = columns 6…20 (15 cells, 30 dots), rows 1…4
/// (16 dots); x axis row 5, labels row 6.
@Suite struct RooflineChartTests {
    let chart = RooflineChart(peakPerformance: 1e12, bandwidth: 1e11,
                              points: [.init("conv", intensity: 10, performance: 1e11)],
                              xBounds: 1...100, yBounds: 1e11...1e12)

    @Test func ridgeAndRoof() {
        #expect(chart.ridgeIntensity == 10)
        #expect(chart.roof(at: 1) == 1e11)
        #expect(chart.roof(at: 1000) == 1e12)
    }

    @Test func logLogRoofAndPoint() {
        var b = sentinel(22, 8)
        chart.render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 6))
        // Dot column px ↦ intensity 10^(2·px/29); the slope gives log-fraction 2px/29, dot row round(15 · 2px/29):
        // px 0…15 land on rows 15, 14, …, 0 (one per column), px ≥ 15 are capped at the ceiling (row 0).
        // Pairs of dots per cell: rows (15,14) → dots 7+6 = 0x60 "⡠"; (13,12) → dots 2+4 = 0x0A "⠊"; ceiling "⠉".
        // x ticks: 1 → col 6, 10 → dot round(14.5) = 15 → col 13, 100 → dot 29 → col 20; "100" is pulled left.
        // The point (10, 100G) sits at col 13, bottom row.
        #expect(b.lines == [
            xs(22),
            "x  1T┤" + sp(6) + "⡠⠊" + rep("⠉", 7) + "x",
            "x    │" + sp(4) + "⡠⠊" + sp(9) + "x",
            "x    │" + sp(2) + "⡠⠊" + sp(11) + "x",
            "x100G┤⡠⠊" + sp(5) + "●" + sp(7) + "x",
            "x    └┬" + rep("─", 6) + "┬" + rep("─", 6) + "┬x",
            "x" + sp(5) + "1" + sp(6) + "10" + sp(3) + "100x",
            xs(22),
        ])
    }

    @Test func automaticBoundsAreDecades() {
        let bare = RooflineChart(peakPerformance: 1e12, bandwidth: 1e11)
        // Ridge 10 → x from the decade below 10/10 = 1 to the decade above 10·10 = 100; y from the roof at 1
        // (1e11) to the ceiling (1e12).
        #expect(bare.bounds().x == 1...100)
        #expect(bare.bounds().y == 1e11...1e12)
        let withPoint = RooflineChart(peakPerformance: 1e12, bandwidth: 1e11,
                                      points: [.init("dw", intensity: 0.5, performance: 2e10)])
        // The point at 0.5 FLOP/B pulls x down to 0.1; the roof there is 1e10 < 2e10 → y from 1e10.
        #expect(withPoint.bounds().x == 0.1...100)
        #expect(withPoint.bounds().y == 1e10...1e12)
    }
}
