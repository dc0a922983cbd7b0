/// An editable single line of text with a cursor: the filter box, a file path, a value.
///
/// Editing follows readline: ←/→ move, Home/End and Ctrl-A/Ctrl-E jump, Backspace/Delete erase, Ctrl-U and
/// Ctrl-K cut to the start/end, Ctrl-W erases the word before the cursor. Text is kept as Characters so the cursor
/// never lands inside a grapheme.
public struct TextInputState: Sendable, Hashable {
    public private(set) var characters: [Character]
    /// Cursor position: the index of the character it stands before (0…count).
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Applies an editing key; returns false for keys that are not editing keys (Enter, Esc, Tab…), which the
    /// caller handles.
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let s):
            characters.insert(Character(s), at: cursor)
            cursor += 1
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < characters.count else { return true }
            characters.remove(at: cursor)
        case .ctrl("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .ctrl("k"):
            characters.removeSubrange(cursor...)
        case .ctrl("w"):
            var start = cursor
            while start > 0 && characters[start - 1] == " " { start -= 1 }
            while start > 0 && characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        return true
    }
}

/// Draws a `TextInputState`: the text scrolled so the cursor is visible, the cursor as a reversed cell, and a
/// dim placeholder when empty.
public struct TextInput: Widget {
    public var state: TextInputState
    public var placeholder: String
    public var focused: Bool
    public var style: Style
    public var placeholderStyle: Style
    public var cursorStyle: Style

    public init(_ state: TextInputState, placeholder: String = "", focused: Bool = true, style: Style = .plain,
                placeholderStyle: Style = Style(attributes: .dim), cursorStyle: Style = Style(attributes: .reverse)) {
        self.state = state
        self.placeholder = placeholder
        self.focused = focused
        self.style = style
        self.placeholderStyle = placeholderStyle
        self.cursorStyle = cursorStyle
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, with: .blank(style))
        let chars = state.characters
        if chars.isEmpty && !placeholder.isEmpty {
            buffer.write(placeholder, x: row.x, y: row.y, width: row.width, style: placeholderStyle)
        }
        // Columns before the cursor; scroll so the cursor cell (one past the text at the end) is the last visible.
        var cursorColumn = 0
        for c in chars[..<state.cursor] { cursorColumn += TextWidth.of(String(c)) }
        let scroll = max(0, cursorColumn - (row.width - 1))
        var x = row.x - scroll
        for c in chars {
            x = buffer.write(String(c), x: x, y: row.y, style: style, clip: row)
            if x >= row.maxX { break }
        }
        guard focused else { return }
        let cx = row.x + cursorColumn - scroll
        var cell = buffer[cx, row.y]
        cell.style = cell.style.patched(with: cursorStyle)
        // Past the end of the text the cursor is a blank (over an empty field it keeps the placeholder's first letter).
        if (state.cursor == chars.count && !chars.isEmpty) || cell.isContinuation { cell = Cell(" ", style: cell.style) }
        buffer.set(cell, x: cx, y: row.y)
    }
}
