import Testing
@testable import TermCore

@Suite struct KeyHintBarTests {
    let bar = KeyHintBar([("q", "Quit"), ("/", "Filter"), ("?", "Help")])

    @Test func allFit() {
        var b = sentinel(26, 1)
        bar.render(into: &b, area: Rect(x: 1, y: 0, width: 24, height: 1))
        // 6 + 2 + 8 + 2 + 6 = 24.
        #expect(b.lines == ["xq Quit  / Filter  ? Helpx"])
        #expect(b[1, 0].style.attributes.contains(.bold))
        #expect(!b[3, 0].style.attributes.contains(.bold))
    }

    @Test func truncatesWithEllipsis() {
        // Width 20: the third hint would end at 24 → two hints (16) + "  …" = 19, one blank.
        var b = sentinel(22, 1)
        bar.render(into: &b, area: Rect(x: 1, y: 0, width: 20, height: 1))
        #expect(b.lines == ["xq Quit  / Filter  … x"])
        // Width 10: the second would need 16 + "  …" → one hint + "  …" = 9, one blank.
        var c = sentinel(12, 1)
        bar.render(into: &c, area: Rect(x: 1, y: 0, width: 10, height: 1))
        #expect(c.lines == ["xq Quit  … x"])
        #expect(bar.fittingCount(width: 24) == 3 && bar.fittingCount(width: 23) == 2)
    }

    @Test func firstHintIsCutRatherThanDropped() {
        var b = sentinel(7, 1)
        bar.render(into: &b, area: Rect(x: 1, y: 0, width: 5, height: 1))
        // "q", a space, then "Quit" cut to 3 columns.
        #expect(b.lines == ["xq Qu…x"])
    }
}
