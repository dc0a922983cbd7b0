import Testing
@testable import TermCore

@Suite struct TabsTests {
    let tabs = Tabs(["Models", "Devices", "Tune"], selected: 1)

    @Test func rendersInsideItsRow() {
        var b = sentinel(30, 3)
        tabs.render(into: &b, area: Rect(x: 1, y: 1, width: 26, height: 1))
        // " Models " (8) "│" " Devices " (9) "│" " Tune " (6) = 25, one blank to fill 26, then the sentinel.
        #expect(b.lines == [xs(30), "x Models │ Devices │ Tune  xxx", xs(30)])
        #expect(b[11, 1].style.attributes.contains(.reverse))  // "D" of the selected tab
        #expect(!b[2, 1].style.attributes.contains(.reverse))  // "M"
    }

    @Test func titlesShrinkTogetherWhenNarrow() {
        var b = sentinel(18, 1)
        tabs.render(into: &b, area: Rect(x: 1, y: 0, width: 16, height: 1))
        // Caps tried from 7 down: cap c costs Σ(min(w, c) + 2) + 2 separators; c = 2 → 4 + 4 + 4 + 2 = 14 ≤ 16
        // (c = 3 → 17). Each title becomes 1 letter + "…".
        #expect(b.lines == ["x M… │ D… │ T…   x"])
    }

    @Test func hitTestUsesTheSameLayout() {
        let area = Rect(x: 1, y: 1, width: 26, height: 1)
        #expect(tabs.hitTest(x: 12, y: 1, area: area) == 1)  // column 11 of the row: inside " Devices " (9..<18)
        #expect(tabs.hitTest(x: 9, y: 1, area: area) == nil)  // the separator
        #expect(tabs.hitTest(x: 21, y: 1, area: area) == 2)
        #expect(tabs.hitTest(x: 2, y: 0, area: area) == nil)
    }

    @Test func asciiSeparator() {
        var b = sentinel(16, 1)
        Tabs(["A", "B"], selected: 0, glyphs: .ascii).render(into: &b, area: Rect(x: 0, y: 0, width: 8, height: 1))
        #expect(b.lines == [" A | B  xxxxxxxx"])
    }
}
