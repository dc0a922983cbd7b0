import CNcurses
import TermCore

/// Translation of ncurses input codes into TermCore keys and mouse events; pure functions, testable without a
/// terminal.
public enum CursesInput {
    /// The key for a `wget_wch` result: `isKeyCode` for KEY_* codes (`KEY_CODE_YES`), else a character.
    public static func key(code: UInt32, isKeyCode: Bool) -> Key? {
        if isKeyCode {
            switch Int32(bitPattern: code) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_IC: return .insert
            case KEY_DC: return .delete
            case KEY_BACKSPACE: return .backspace
            case KEY_ENTER: return .enter
            case KEY_BTAB: return .backTab
            default:
                let f0 = cn_key_f(0)
                let n = Int32(bitPattern: code) - f0
                if n >= 1 && n <= 63 { return .function(Int(n)) }
                return nil
            }
        }
        if code < 0x20 || code == 0x7F { return Key.fromControlByte(code) }
        guard let s = Unicode.Scalar(code), CharWidth.of(s) >= 0 else { return nil }
        return .char(s)
    }

    /// The mouse event for a `getmouse` report, or nil for states we do not use (motion, other buttons).
    public static func mouse(x: Int32, y: Int32, state: UInt) -> MouseEvent? {
        func has(_ button: Int32, _ action: Int32) -> Bool { state & cn_button_mask(button, action) != 0 }
        let kind: MouseEvent.Kind
        if has(4, 0) { kind = .scrollUp }
        else if has(5, 0) { kind = .scrollDown }
        else if has(1, 0) || has(1, 2) { kind = .press(.left) }
        else if has(2, 0) || has(2, 2) { kind = .press(.middle) }
        else if has(3, 0) || has(3, 2) { kind = .press(.right) }
        else if has(1, 1) { kind = .release(.left) }
        else if has(2, 1) { kind = .release(.middle) }
        else if has(3, 1) { kind = .release(.right) }
        else { return nil }
        return MouseEvent(kind, x: Int(x), y: Int(y))
    }
}
