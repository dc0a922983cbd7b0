import Testing
@testable import TermCore

/// Writing into the cell grid: clipping, wide characters, combining marks, truncation and alignment.
@Suite struct CellBufferTests {
    @Test func writeIsPlacedAndReturnsNextColumn() {
        var b = sentinel(6, 1)
        #expect(b.write("ab", x: 1, y: 0) == 3)
        #expect(b.lines == ["xabxxx"])
    }

    @Test func writeIsClippedToRect() {
        var b = sentinel(6, 1)
        // Clip columns 2..4: "abc" lands there, "d" would be at 5 (outside) → stop, return 5.
        #expect(b.write("abcdef", x: 2, y: 0, clip: Rect(x: 2, y: 0, width: 3, height: 1)) == 5)
        #expect(b.lines == ["xxabcx"])
        // A row outside the clip writes nothing.
        var c = sentinel(3, 2)
        c.write("ab", x: 0, y: 1, clip: Rect(x: 0, y: 0, width: 3, height: 1))
        #expect(c.lines == ["xxx", "xxx"])
    }

    @Test func writeOutsideBufferIsIgnored() {
        var b = sentinel(3, 1)
        b.write("abc", x: -5, y: 0)
        b.write("abc", x: 0, y: 7)
        b.set(Cell("q"), x: 3, y: 0)
        b.set(Cell("q"), x: -1, y: 0)
        #expect(b.lines == ["xxx"])
        b.write("abcdef", x: 1, y: 0)
        #expect(b.lines == ["xab"])
    }

    @Test func wideCharacterTakesTwoCells() {
        var b = sentinel(4, 1)
        #expect(b.write("中a", x: 0, y: 0) == 3)
        #expect(b.lines == ["中ax"])
        #expect(b[0, 0].width == 2)
        #expect(b[1, 0].isContinuation)
        #expect(b[2, 0].width == 1)
    }

    @Test func wideCharacterAtClipEdgeBecomesBlank() {
        var b = sentinel(3, 1)
        // "中" at column 2 needs columns 2–3; only 2 exists → a blank at 2.
        b.write("a中", x: 1, y: 0)
        #expect(b.lines == ["xa "])
        // Straddling the left clip edge: the visible half becomes a blank; columns 2–3 get "ab"; "c" is clipped.
        var c = sentinel(5, 1)
        c.write("中abc", x: 0, y: 0, clip: Rect(x: 1, y: 0, width: 3, height: 1))
        #expect(c.lines == ["x abx"])
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = sentinel(4, 1)
        b.write("中", x: 1, y: 0)
        #expect(b.lines == ["x中x"])
        var right = b
        right.write("b", x: 2, y: 0)  // over the continuation: the head at 1 becomes a blank
        #expect(right.lines == ["x bx"])
        var left = b
        left.write("c", x: 1, y: 0)  // over the head: the continuation at 2 becomes a blank
        #expect(left.lines == ["xc x"])
        #expect(!left[2, 0].isContinuation)
        var shifted = b
        shifted.write("文", x: 2, y: 0)  // a wide character over the right half and the next cell
        #expect(shifted.lines == ["x 文"])
    }

    @Test func combiningMarksJoinThePreviousCell() {
        var b = sentinel(3, 1)
        b.write("e\u{0301}z", x: 0, y: 0)
        #expect(b[0, 0].marks == ["\u{0301}"])
        #expect(b[1, 0].scalar == "z")
        #expect(b.lines == ["e\u{0301}zx"])
    }

    @Test func controlCharactersAreReplaced() {
        var b = sentinel(4, 1)
        b.write("a\u{1B}[b", x: 0, y: 0)
        #expect(b.lines == ["a\u{FFFD}[b"])
    }

    @Test func slotWriteTruncatesWithEllipsis() {
        var b = sentinel(6, 1)
        #expect(b.write("abcdefgh", x: 0, y: 0, width: 5) == 5)
        #expect(b.lines == ["abcd…x"])
        var a = sentinel(6, 1)
        a.write("ab", x: 0, y: 0, width: 5, align: .right)
        #expect(a.lines == ["xxxabx"])
        var c = sentinel(6, 1)
        c.write("ab", x: 0, y: 0, width: 5, align: .center)  // (5−2)/2 = 1 column of offset
        #expect(c.lines == ["xabxxx"])
    }

    @Test func slotWriteTruncatesWideText() {
        // "中中中" is 6 wide in a 5 slot: 4 columns of text, then the ellipsis.
        var b = sentinel(6, 1)
        b.write("中中中", x: 0, y: 0, width: 5)
        #expect(b.lines == ["中中…x"])
        // "a中b" is 4 wide in 3: "a" fits, "中" does not fit the 2 text columns → ellipsis right after "a".
        var c = sentinel(4, 1)
        c.write("a中b", x: 0, y: 0, width: 3)
        #expect(c.lines == ["a…xx"])
    }

    @Test func fillAndStyle() {
        var b = sentinel(4, 3)
        b.fill(Rect(x: 1, y: 1, width: 2, height: 1), with: Cell("."))
        #expect(b.lines == ["xxxx", "x..x", "xxxx"])
        let bold = Style(attributes: .bold)
        b.patchStyle(bold, in: Rect(x: 0, y: 1, width: 2, height: 5))
        #expect(b[0, 1].style == bold && b[1, 1].style == bold && b[2, 1].style == .plain && b[0, 2].style == bold)
        // Filling over one half of a wide character blanks the other half.
        var w = sentinel(4, 1)
        w.write("中", x: 1, y: 0)
        w.fill(Rect(x: 0, y: 0, width: 2, height: 1), with: Cell("-"))
        #expect(w.lines == ["-- x"])
    }

    @Test func resizeKeepsTopLeft() {
        var b = CellBuffer(width: 3, height: 2)
        b.write("abc", x: 0, y: 0)
        b.write("def", x: 0, y: 1)
        b.resize(width: 2, height: 3)
        #expect(b.lines == ["ab", "de", "  "])
        var w = CellBuffer(width: 3, height: 1)
        w.write("a中", x: 0, y: 0)
        w.resize(width: 2, height: 1)  // the wide head at column 1 loses its continuation
        #expect(w.lines == ["a "])
    }

    @Test func cellIsSmallAndInline() {
        // No per-cell heap storage: a scalar, two mark slots, width and a 3-field style fit in 24 bytes.
        #expect(MemoryLayout<Cell>.stride <= 24)
    }
}
