import Testing
@testable import TermCore

@Suite struct SparklineTests {
    @Test func eightLevels() {
        var b = sentinel(11, 3)
        Sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8]).render(into: &b, area: Rect(x: 1, y: 1, width: 9, height: 1))
        // Max 8: value v → v eighths.
        #expect(b.lines == [xs(11), "x ▁▂▃▄▅▆▇█x", xs(11)])
    }

    @Test func newestValuesOnTheRight() {
        var b = sentinel(5, 1)
        Sparkline([0, 1, 2, 3, 4, 5, 6, 7, 8]).render(into: &b, area: Rect(x: 0, y: 0, width: 5, height: 1))
        #expect(b.lines == ["▄▅▆▇█"])
        var c = sentinel(5, 1)
        Sparkline([8]).render(into: &c, area: Rect(x: 1, y: 0, width: 3, height: 1))
        #expect(c.lines == ["x  █x"])
    }

    @Test func tallColumns() {
        var b = sentinel(4, 4)
        Sparkline([2, 8], maxValue: 8).render(into: &b, area: Rect(x: 1, y: 1, width: 2, height: 2))
        // Height 2 = 16 eighths: 2/8 · 16 = 4 → "▄" in the bottom row; 8 → two full cells.
        #expect(b.lines == [xs(4), "x █x", "x▄█x", xs(4)])
    }

    @Test func asciiLevels() {
        var b = sentinel(3, 1)
        Sparkline([1, 4, 8], glyphs: .ascii).render(into: &b, area: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(b.lines == ["_.#"])
    }
}
