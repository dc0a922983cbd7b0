import Testing
@testable import TermCore

@Suite struct ParagraphTests {
    @Test func wrapsWords() {
        var b = sentinel(12, 4)
        Paragraph("the quick brown fox").render(into: &b, area: Rect(x: 1, y: 1, width: 10, height: 2))
        #expect(b.lines == [xs(12), "xthe quickxx", "xbrown foxxx", xs(12)])
        #expect(TextWidth.wrap("abcdefghijkl", width: 5) == ["abcde", "fghij", "kl"])
        #expect(TextWidth.wrap("a\n\nb", width: 5) == ["a", "", "b"])
    }
}
