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

@Suite struct ProgressBarTests {
    @Test func barWithPercentAndETA() {
        var b = sentinel(42, 3)
        ProgressBar(fraction: 0.25, label: "eval", elapsed: 30).render(into: &b, area: Rect(x: 1, y: 1, width: 40, height: 1))
        // ETA = 30 · 0.75 / 0.25 = 90 s = "1m 30s"; status "25% · ETA 1m 30s" is 16 wide.
        // 40 − 16 − 1 gap = 23; "eval " takes 5, the bar 18: 0.25 · 144 = 36 eighths = 4 full + "▌", 13 track.
        let row = "eval " + rep("█", 4) + "▌" + rep("░", 13) + " " + "25% · ETA 1m 30s"
        #expect(b.lines == [xs(42), "x" + row + "x", xs(42)])
    }

    @Test func statusTexts() {
        #expect(ProgressBar(fraction: 0.25).statusText == "25%")
        #expect(ProgressBar(fraction: 1, elapsed: 12).statusText == "100% · done")
        #expect(ProgressBar(fraction: 0, elapsed: 10).statusText == "0% · ETA --")
        #expect(ProgressBar(fraction: 0.5, elapsed: 10, glyphs: .ascii).statusText == "50% - ETA 10s")
        #expect(ProgressBar.eta(fraction: 0.25, elapsed: 30) == 90)
        #expect(ProgressBar.eta(fraction: 0, elapsed: 30) == nil)
        #expect(ProgressBar.eta(fraction: 1, elapsed: 30) == 0)
    }

    @Test func narrowDropsLabelFirst() {
        var b = sentinel(18, 1)
        ProgressBar(fraction: 0.5, label: "calibration", elapsed: 10).render(into: &b, area: Rect(x: 1, y: 0, width: 16, height: 1))
        // Status "50% · ETA 10s" = 13; room 16 − 13 − 1 = 2 < 8 → no label; bar of 2: 8 eighths = 1 full.
        #expect(b.lines == ["x█░ 50% · ETA 10sx"])
    }
}
