import Testing
@testable import TermCore

@Suite struct KeyTests {
    @Test func descriptionsForHints() {
        #expect(Key.ctrl("c").description == "Ctrl-C")
        #expect(Key.backTab.description == "Shift-Tab")
        #expect(Key.char(" ").description == "Space")
        #expect(Key.char("q").description == "q")
        #expect(Key.function(5).description == "F5")
        #expect(Key.pageDown.description == "PgDn")
        #expect(Key.up.description == "↑")
    }

    @Test func controlBytes() {
        // ASCII: Ctrl-letter is the letter's code minus 0x60 (Ctrl-C = 3, Ctrl-Z = 26).
        #expect(Key.fromControlByte(3) == .ctrl("c"))
        #expect(Key.fromControlByte(26) == .ctrl("z"))
        #expect(Key.fromControlByte(1) == .ctrl("a"))
        #expect(Key.fromControlByte(9) == .tab)
        #expect(Key.fromControlByte(10) == .enter)
        #expect(Key.fromControlByte(13) == .enter)
        #expect(Key.fromControlByte(8) == .backspace)
        #expect(Key.fromControlByte(127) == .backspace)
        #expect(Key.fromControlByte(27) == .escape)
        #expect(Key.fromControlByte(0) == nil)
        #expect(Key.fromControlByte(65) == nil)
    }
}

@Suite struct HeadlessTerminalTests {
    @Test func drawsOnlyChanges() {
        let term = HeadlessTerminal(cols: 4, rows: 2)
        var frame = CellBuffer(width: 4, height: 2)
        frame.write("ab", x: 0, y: 0)
        term.draw(frame)
        #expect(term.lastDrawnCells == 8)  // first frame: everything
        term.draw(frame)
        #expect(term.lastDrawnCells == 0)
        frame.write("中", x: 2, y: 1)
        term.draw(frame)
        #expect(term.lastDrawnCells == 2)
        #expect(term.screen == frame)
    }

    @Test func resizeQueuesEventAndRedrawsFully() {
        let term = HeadlessTerminal(cols: 4, rows: 2)
        term.draw(CellBuffer(width: 4, height: 2))
        term.resize(cols: 3, rows: 3)
        #expect(term.readEvent(timeoutMilliseconds: 0) == .resize(cols: 3, rows: 3))
        #expect(term.readEvent(timeoutMilliseconds: 0) == .tick)
        term.draw(CellBuffer(width: 3, height: 3))
        #expect(term.lastDrawnCells == 9)
        #expect(term.screen.width == 3 && term.screen.height == 3)
    }
}
