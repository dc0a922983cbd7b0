/// A centred dialog box: title, word-wrapped message and a row of buttons, drawn over whatever is below.
///
/// It clears its own box only; the screen stays visible around it.
public struct Modal: Widget {
    public var title: String
    public var message: String
    public var buttons: [String]
    public var selectedButton: Int
    public var glyphs: GlyphSet
    public var style: Style
    public var borderStyle: Style
    public var titleStyle: Style
    public var buttonStyle: Style
    public var selectedButtonStyle: Style
    /// Widest the box may be, border included.
    public var maxWidth: Int

    public init(title: String, message: String, buttons: [String] = ["OK"], selectedButton: Int = 0,
                glyphs: GlyphSet = .unicode, style: Style = .plain, borderStyle: Style = .plain,
                titleStyle: Style = Style(attributes: .bold), buttonStyle: Style = .plain,
                selectedButtonStyle: Style = Style(attributes: .reverse), maxWidth: Int = 60) {
        self.title = title
        self.message = message
        self.buttons = buttons
        self.selectedButton = selectedButton
        self.glyphs = glyphs
        self.style = style
        self.borderStyle = borderStyle
        self.titleStyle = titleStyle
        self.buttonStyle = buttonStyle
        self.selectedButtonStyle = selectedButtonStyle
        self.maxWidth = maxWidth
    }

    /// Button labels as drawn: `[ OK ]`, separated by two spaces.
    var buttonTexts: [String] { buttons.map { "[ \($0) ]" } }

    var buttonsWidth: Int {
        buttonTexts.reduce(0) { $0 + TextWidth.of($1) } + max(0, buttons.count - 1) * 2
    }

    /// The box this dialog occupies when centred in `area`.
    ///
    /// Inner width is the widest of the message (up to `maxWidth` − 4), the buttons and the title + 4, plus one
    /// column of padding each side; height is the wrapped message, a blank line and the buttons row, plus borders.
    public func box(in area: Rect) -> Rect {
        let limit = max(1, min(maxWidth, area.width) - 4)
        let messageWidth = TextWidth.wrap(message, width: limit).map { TextWidth.of($0) }.max() ?? 0
        let inner = min(limit, max(messageWidth, buttonsWidth, TextWidth.of(title) + 4))
        let lines = TextWidth.wrap(message, width: inner).count
        let height = lines + (buttons.isEmpty ? 0 : 2) + 2
        return area.centered(width: inner + 4, height: height)
    }

    /// The button under (x, y), if any, for a dialog drawn in `area`.
    public func hitTest(x: Int, y: Int, area: Rect) -> Int? {
        let b = box(in: area)
        guard !buttons.isEmpty, y == b.maxY - 2 else { return nil }
        var bx = b.x + (b.width - buttonsWidth) / 2
        for (i, t) in buttonTexts.enumerated() {
            let w = TextWidth.of(t)
            if x >= bx && x < bx + w { return i }
            bx += w + 2
        }
        return nil
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        let b = box(in: area)
        guard b.width >= 4, b.height >= 3 else { return }
        buffer.fill(b, with: .blank(style))
        Block(title: title, glyphs: glyphs, borderStyle: borderStyle, titleStyle: titleStyle).render(into: &buffer, area: b)
        let content = b.inset(top: 1, left: 2, bottom: 1, right: 2)
        let lines = TextWidth.wrap(message, width: content.width)
        let messageRows = buttons.isEmpty ? content.height : max(0, content.height - 2)
        for (i, line) in lines.prefix(messageRows).enumerated() {
            buffer.write(line, x: content.x, y: content.y + i, width: content.width, style: style,
                         ellipsis: glyphs.ellipsis)
        }
        guard !buttons.isEmpty, content.height >= 1 else { return }
        let y = content.maxY - 1
        var x = b.x + (b.width - buttonsWidth) / 2
        for (i, t) in buttonTexts.enumerated() {
            let s = i == selectedButton ? selectedButtonStyle : buttonStyle
            x = buffer.write(t, x: x, y: y, style: s, clip: content) + 2
        }
    }
}
