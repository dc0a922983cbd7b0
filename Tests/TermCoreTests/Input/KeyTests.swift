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
