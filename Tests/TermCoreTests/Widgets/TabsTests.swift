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

@Suite struct StatusBarTests {
    @Test func leftAndRight() {
        var b = sentinel(32, 3)
        StatusBar(left: "Models · resnet50", right: "unsaved").render(into: &b, area: Rect(x: 1, y: 1, width: 30, height: 1))
        // 1 pad + 17 left + 5 blanks + 7 right = 30.
        #expect(b.lines == [xs(32), "x Models · resnet50     unsavedx", xs(32)])
        #expect(b[5, 1].style.attributes.contains(.reverse))
    }

    @Test func rightWinsWhenNarrow() {
        var b = sentinel(17, 1)
        StatusBar(left: "Models · resnet50", right: "unsaved").render(into: &b, area: Rect(x: 0, y: 0, width: 15, height: 1))
        // Left gets 15 − 7 − 1 gap − 1 pad = 6 columns: "Model…".
        #expect(b.lines == [" Model… unsavedxx"])
    }
}

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
