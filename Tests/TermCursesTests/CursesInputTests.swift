import Testing
import TermCore
@testable import TermCurses

/// Decoding ncurses input without a terminal. Key code values are ncurses 6.4's `<curses.h>` (octal there):
/// KEY_DOWN 0402, KEY_UP 0403, KEY_LEFT 0404, KEY_RIGHT 0405, KEY_HOME 0406, KEY_BACKSPACE 0407, KEY_F0 0410,
/// KEY_DC 0512, KEY_IC 0513, KEY_NPAGE 0522, KEY_PPAGE 0523, KEY_ENTER 0527, KEY_BTAB 0541, KEY_END 0550.
@Suite struct CursesInputTests {
    @Test(arguments: [
        (0o402, Key.down), (0o403, .up), (0o404, .left), (0o405, .right), (0o406, .home), (0o407, .backspace),
        (0o410 + 1, .function(1)), (0o410 + 12, .function(12)), (0o512, .delete), (0o513, .insert),
        (0o522, .pageDown), (0o523, .pageUp), (0o527, .enter), (0o541, .backTab), (0o550, .end),
    ] as [(Int, Key)])
    func keyCodes(_ code: Int, _ key: Key) {
        #expect(CursesInput.key(code: UInt32(code), isKeyCode: true) == key)
    }

    @Test func characters() {
        #expect(CursesInput.key(code: 0x71, isKeyCode: false) == .char("q"))
        #expect(CursesInput.key(code: 0xE9, isKeyCode: false) == .char("é"))
        #expect(CursesInput.key(code: 0x4E2D, isKeyCode: false) == .char("中"))
        #expect(CursesInput.key(code: 3, isKeyCode: false) == .ctrl("c"))
        #expect(CursesInput.key(code: 9, isKeyCode: false) == .tab)
        #expect(CursesInput.key(code: 10, isKeyCode: false) == .enter)
        #expect(CursesInput.key(code: 27, isKeyCode: false) == .escape)
        #expect(CursesInput.key(code: 127, isKeyCode: false) == .backspace)
        #expect(CursesInput.key(code: 0x85, isKeyCode: false) == nil)  // C1 control: never a printable key
        #expect(CursesInput.key(code: 0xD800, isKeyCode: false) == nil)  // not a scalar
        #expect(CursesInput.key(code: 0o777, isKeyCode: true) == nil)
    }

    @Test func mouseStates() {
        // NCURSES_MOUSE_VERSION 2: button b's bits start at (b−1)·5; released = 1, pressed = 2, clicked = 4.
        #expect(CursesInput.mouse(x: 3, y: 4, state: 2) == MouseEvent(.press(.left), x: 3, y: 4))
        #expect(CursesInput.mouse(x: 3, y: 4, state: 4)?.kind == .press(.left))
        #expect(CursesInput.mouse(x: 3, y: 4, state: 1)?.kind == .release(.left))
        #expect(CursesInput.mouse(x: 0, y: 0, state: 2 << 10)?.kind == .press(.right))
        #expect(CursesInput.mouse(x: 0, y: 0, state: 2 << 15)?.kind == .scrollUp)
        #expect(CursesInput.mouse(x: 0, y: 0, state: 2 << 20)?.kind == .scrollDown)
        #expect(CursesInput.mouse(x: 0, y: 0, state: 0) == nil)
    }

    @Test func colourNumbers() {
        #expect(ColorPairCache.number(.default, depth: .indexed256) == -1)
        #expect(ColorPairCache.number(.cyan, depth: .ansi8) == 6)
        // (255,0,0) → cube index 196 (see TermCoreTests.ColorTests); at 8 colours → red.
        #expect(ColorPairCache.number(.rgb(255, 0, 0), depth: .indexed256) == 196)
        #expect(ColorPairCache.number(.rgb(255, 0, 0), depth: .ansi8) == 1)
        // Direct colour: 0xFF0000.
        #expect(ColorPairCache.number(.rgb(255, 0, 0), depth: .trueColor) == 0xFF0000)
        #expect(ColorPairCache.number(.indexed(200), depth: .none) == -1)
    }
}
