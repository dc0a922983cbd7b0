import Testing
@testable import TermCore

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
