import Testing
@testable import TermCore

@Suite struct ModalTests {
    let modal = Modal(title: "Quit", message: "Unsaved changes will be lost.", buttons: ["Save", "Discard", "Cancel"])

    @Test func centredBoxWithButtons() {
        var b = sentinel(40, 10)
        modal.render(into: &b, area: b.bounds)
        // Message 29 wide; buttons "[ Save ]" 8 + "[ Discard ]" 11 + "[ Cancel ]" 10 + 2·2 = 33 → inner 33, box 37×5
        // (1 message line, blank, buttons, borders) centred at x = (40−37)/2 = 1, y = (10−5)/2 = 2.
        #expect(b.lines == [
            xs(40), xs(40),
            "x┌─ Quit " + rep("─", 28) + "┐xx",
            "x│ Unsaved changes will be lost." + sp(5) + "│xx",
            "x│" + sp(35) + "│xx",
            "x│ [ Save ]  [ Discard ]  [ Cancel ] │xx",
            "x└" + rep("─", 35) + "┘xx",
            xs(40), xs(40), xs(40),
        ])
        #expect(b[3, 5].style.attributes.contains(.reverse))  // "[" of the selected "Save"
        #expect(!b[13, 5].style.attributes.contains(.reverse))
    }

    @Test func hitTestFindsButtons() {
        let area = Rect(x: 0, y: 0, width: 40, height: 10)
        #expect(modal.hitTest(x: 3, y: 5, area: area) == 0)
        #expect(modal.hitTest(x: 14, y: 5, area: area) == 1)  // "[ Discard ]" spans 13–23
        #expect(modal.hitTest(x: 12, y: 5, area: area) == nil)  // the gap
        #expect(modal.hitTest(x: 14, y: 4, area: area) == nil)
    }

    @Test func longMessagesWrap() {
        let m = Modal(title: "Error", message: "the quick brown fox jumps", buttons: [], maxWidth: 14)
        // Wrapped at ≤ 14 − 4 = 10: "the quick" / "brown fox" / "jumps" → inner 9 (= "Error" + 4 too), box 13×5,
        // centred in 20×7 at ((20−13)/2, (7−5)/2) = (3, 1).
        #expect(m.box(in: Rect(x: 0, y: 0, width: 20, height: 7)) == Rect(x: 3, y: 1, width: 13, height: 5))
        var b = sentinel(20, 7)
        m.render(into: &b, area: b.bounds)
        #expect(b.lines[1] == "xxx┌─ Error ───┐xxxx")  // 9 columns of corner, rule and title, 3 rules, corner
        #expect(b.lines[2] == "xxx│ the quick │xxxx")
        #expect(b.lines[4] == "xxx│ jumps     │xxxx")
    }
}

@Suite struct TextInputTests {
    @Test func editingKeys() {
        var handled = false
        var s = TextInputState("hello")
        #expect(s.cursor == 5)
        handled = s.handle(.left)
        #expect(handled)
        #expect(s.cursor == 4)
        handled = s.handle(.char("X"))
        #expect(handled)
        #expect(s.text == "hellXo" && s.cursor == 5)
        handled = s.handle(.home)
        #expect(handled)
        #expect(s.cursor == 0)
        handled = s.handle(.delete)
        #expect(handled)
        #expect(s.text == "ellXo")
        handled = s.handle(.end)
        #expect(handled)
        handled = s.handle(.backspace)
        #expect(handled)
        #expect(s.text == "ellX")
        handled = s.handle(.ctrl("a"))
        #expect(handled)
        handled = s.handle(.backspace)
        #expect(handled)
        #expect(s.cursor == 0 && s.text == "ellX")
        handled = s.handle(.enter)
        #expect(!handled)
        handled = s.handle(.escape)
        #expect(!handled)
    }

    @Test func cuttingKeys() {
        var handled = false
        var s = TextInputState("foo bar baz")
        handled = s.handle(.ctrl("w"))
        #expect(handled)
        #expect(s.text == "foo bar ")
        handled = s.handle(.ctrl("w"))
        #expect(handled)
        #expect(s.text == "foo ")
        s = TextInputState("foo bar")
        for _ in 0..<3 { _ = s.handle(.left) }
        handled = s.handle(.ctrl("k"))
        #expect(handled)
        #expect(s.text == "foo ")
        handled = s.handle(.ctrl("u"))
        #expect(handled)
        #expect(s.text.isEmpty && s.cursor == 0)
    }

    @Test func graphemesStayWhole() {
        var handled = false
        var s = TextInputState("ae\u{0301}")
        handled = s.handle(.backspace)  // é is one Character
        #expect(handled)
        #expect(s.text == "a")
    }

    @Test func scrollsToKeepCursorVisible() {
        var b = sentinel(7, 3)
        TextInput(TextInputState("abcdefgh")).render(into: &b, area: Rect(x: 1, y: 1, width: 5, height: 1))
        // Cursor after 8 columns; 5 visible → scroll 8 − 4 = 4: "efgh" and the cursor cell.
        #expect(b.lines == [xs(7), "xefgh x", xs(7)])
        #expect(b[5, 1].style.attributes.contains(.reverse))
        #expect(!b[4, 1].style.attributes.contains(.reverse))
    }

    @Test func cursorInTheMiddleAndPlaceholder() {
        var handled = false
        var s = TextInputState("abc")
        _ = s.handle(.home)
        _ = s.handle(.right)
        var b = sentinel(5, 1)
        TextInput(s).render(into: &b, area: Rect(x: 0, y: 0, width: 5, height: 1))
        #expect(b.lines == ["abc  "])
        #expect(b[1, 0].style.attributes.contains(.reverse) && !b[0, 0].style.attributes.contains(.reverse))
        var p = sentinel(12, 1)
        TextInput(TextInputState(), placeholder: "filter…").render(into: &p, area: Rect(x: 1, y: 0, width: 10, height: 1))
        #expect(p.lines == ["xfilter…   x"])
        #expect(p[1, 0].style.attributes == [.dim, .reverse] && p[2, 0].style.attributes == .dim)
    }
}

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

    @Test func paragraphWraps() {
        var b = sentinel(12, 4)
        Paragraph("the quick brown fox").render(into: &b, area: Rect(x: 1, y: 1, width: 10, height: 2))
        #expect(b.lines == [xs(12), "xthe quickxx", "xbrown foxxx", xs(12)])
        #expect(TextWidth.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
        #expect(TextWidth.wrap("a\n\nb", width: 5) == ["a", "", "b"])
    }
}
