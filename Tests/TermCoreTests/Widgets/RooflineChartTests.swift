import Testing
@testable import TermCore

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

    @Test func asciiFallback() {
        var c = chart
        c.glyphs = .ascii
        var b = sentinel(22, 8)
        c.render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 6))
        // "⡠" has dots only in rows 2–3 → "."; "⠊" and "⠉" only in rows 0–1 → "'"; the point is "o".
        #expect(b.lines[1] == "x  1T+" + sp(6) + ".'" + rep("'", 7) + "x")
        #expect(b.lines[4] == "x100G+.'" + sp(5) + "o" + sp(7) + "x")
        #expect(b.lines[5] == "x    ++------+------+x")
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
