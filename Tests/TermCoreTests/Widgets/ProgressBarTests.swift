import Testing
@testable import TermCore

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
