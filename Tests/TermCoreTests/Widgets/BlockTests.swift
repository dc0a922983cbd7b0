import Testing
@testable import TermCore

@Suite struct BlockTests {
    @Test func borderAndTitle() {
        var b = sentinel(12, 6)
        Block(title: "Tune").render(into: &b, area: Rect(x: 1, y: 1, width: 10, height: 4))
        #expect(b.lines == [xs(12), "x┌─ Tune ─┐x", "x│xxxxxxxx│x", "x│xxxxxxxx│x", "x└────────┘x", xs(12)])
        #expect(Block().inner(Rect(x: 1, y: 1, width: 10, height: 4)) == Rect(x: 2, y: 2, width: 8, height: 2))
    }

    @Test func longTitleAndAscii() {
        var b = sentinel(10, 3)
        Block(title: "Performance", glyphs: .ascii, fill: .plain).render(into: &b, area: Rect(x: 0, y: 0, width: 10, height: 3))
        // Room for the title: 10 − 4 − 2 padding = 4 → "Per~".
        #expect(b.lines == ["+- Per~ -+", "|        |", "+--------+"])
    }
}
