/// A key press, independent of how the terminal encoded it.
public enum Key: Hashable, Sendable {
    /// A printable character (letters arrive in their typed case; Shift is folded in).
    case char(Unicode.Scalar)
    /// Control plus a letter, e.g. `.ctrl("c")`; always lower case. Tab, Enter and Backspace have their own cases.
    case ctrl(Unicode.Scalar)
    case up, down, left, right
    case tab, backTab
    case enter, escape, backspace, delete, insert
    case home, end, pageUp, pageDown
    /// Function key F1…F24.
    case function(Int)
}

extension Key: CustomStringConvertible {
    /// The key as shown in hint bars and the help screen: `q`, `Ctrl-C`, `Shift-Tab`, `F5`, `↑`, `PgDn`.
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(Character(c))
        case .ctrl(let c): return "Ctrl-" + String(Character(c)).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .function(let n): return "F\(n)"
        }
    }

    /// The control character a terminal sends for Ctrl-letter (byte 1–26), as a key; nil for other bytes.
    ///
    /// Bytes 8 (Ctrl-H), 9 (Tab), 10 and 13 (Enter) are claimed by the keys terminals actually mean by them.
    public static func fromControlByte(_ byte: UInt32) -> Key? {
        switch byte {
        case 8, 127: return .backspace
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 1...26: return .ctrl(Unicode.Scalar(UInt8(byte) + 0x60))
        default: return nil
        }
    }
}
