import Testing
@testable import TermCore

@Suite struct GaugeTests {
    @Test func halfWithLabel() {
        var b = sentinel(12, 3)
        Gauge(fraction: 0.5).render(into: &b, area: Rect(x: 1, y: 1, width: 10, height: 1))
        // 0.5 · 10 · 8 = 40 eighths = 5 full cells; label "50%" centred at (10 − 3)/2 = 3.
        #expect(b.lines == [xs(12), "x███50%░░░░x", xs(12)])
        #expect(b[4, 1].style.attributes.contains(.reverse))  // "5" over the filled part
        #expect(!b[6, 1].style.attributes.contains(.reverse))  // "%" over the track
    }

    @Test func partialCellInEighths() {
        var b = sentinel(10, 1)
        Gauge(fraction: 0.33, label: "").render(into: &b, area: Rect(x: 0, y: 0, width: 10, height: 1))
        // 0.33 · 80 = 26.4 → 26 eighths = 3 full + 2/8 ("▎").
        #expect(b.lines == ["███▎░░░░░░"])
        var a = sentinel(10, 1)
        Gauge(fraction: 0.33, label: "", glyphs: .ascii).render(into: &a, area: Rect(x: 0, y: 0, width: 10, height: 1))
        #expect(a.lines == ["###-------"])  // 2/8 is below half a cell: track
    }

    @Test func percentRoundsDown() {
        #expect(Gauge.percentText(0.999) == "99%")
        #expect(Gauge.percentText(1) == "100%")
        #expect(Gauge.percentText(-3) == "0%")
        #expect(Gauge.percentText(.nan) == "0%")
    }
}
