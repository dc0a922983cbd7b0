import Testing
@testable import TermCore

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
