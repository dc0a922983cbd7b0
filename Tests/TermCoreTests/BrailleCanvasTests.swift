import Testing
@testable import TermCore

/// Braille dot canvas. Dot numbering per the Unicode Braille Patterns block (U+2800): bit 0–2 = dots 1–3 (left
/// column, rows 0–2), bits 3–5 = dots 4–6 (right column), bit 6 = dot 7 (left, row 3), bit 7 = dot 8 (right, row 3).
@Suite struct BrailleCanvasTests {
    @Test func dotsMapToBrailleBits() {
        var c = BrailleCanvas(width: 2, height: 1)
        c.set(0, 0)  // dot 1 → 0x01 → U+2801
        #expect(c.glyph(0, 0, braille: true) == "\u{2801}")
        c.set(1, 3)  // dot 8 → 0x80 → 0x81
        #expect(c.glyph(0, 0, braille: true) == "\u{2881}")
        #expect(c.glyph(1, 0, braille: true) == nil)
        c.set(9, 9)  // outside: ignored
        #expect(c.isSet(0, 0) && c.isSet(1, 3) && !c.isSet(1, 0))
    }

    @Test func diagonalLine() {
        var c = BrailleCanvas(width: 2, height: 1)
        c.line(0, 0, 3, 3)
        // Dots (0,0) (1,1) | (2,2) (3,3): cell 0 = dot1 0x01 + dot5 0x10 = 0x11; cell 1 = dot3 0x04 + dot8 0x80 = 0x84.
        #expect(c.glyph(0, 0, braille: true) == "\u{2811}")
        #expect(c.glyph(1, 0, braille: true) == "\u{2884}")
        // ASCII: cell 0 has dots only in rows 0–1 → "'"; cell 1 only in rows 2–3 → ".".
        #expect(c.glyph(0, 0, braille: false) == "'")
        #expect(c.glyph(1, 0, braille: false) == ".")
    }

    @Test func wildEndpointsDoNotHang() {
        var c = BrailleCanvas(width: 3, height: 2)
        c.line(-1_000_000_000, 2, 1_000_000_000, 2)
        // Row 2 of dots across the whole canvas: dots 3 and 6 → 0x04 + 0x20 = 0x24 in each top cell.
        for x in 0..<3 { #expect(c.glyph(x, 0, braille: true) == "\u{2824}") }
    }

    @Test func renderLeavesEmptyCellsAlone() {
        var c = BrailleCanvas(width: 3, height: 1)
        c.set(2, 0, style: Style(fg: .red))
        var b = sentinel(5, 3)
        c.render(into: &b, area: Rect(x: 1, y: 1, width: 3, height: 1), braille: true)
        #expect(b.lines == [xs(5), "xx\u{2801}xx", xs(5)])
        #expect(b[2, 1].style.fg == .red)
    }
}
