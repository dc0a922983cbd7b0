/// A row of key hints — `q Quit  / Filter  ? Help` — generated from the bindings table.
///
/// Hints are shown in order while they fit; when some do not, an ellipsis marks that more exist (the help screen
/// lists them all). A first hint too wide for the row is cut rather than dropped.
public struct KeyHintBar: Widget {
    public var hints: [(key: String, hint: String)]
    public var keyStyle: Style
    public var hintStyle: Style
    public var glyphs: GlyphSet

    public init(_ hints: [(key: String, hint: String)], keyStyle: Style = Style(attributes: .bold),
                hintStyle: Style = .plain, glyphs: GlyphSet = .unicode) {
        self.hints = hints
        self.keyStyle = keyStyle
        self.hintStyle = hintStyle
        self.glyphs = glyphs
    }

    /// How many hints fit in `width` columns, leaving room for the ellipsis when not all do.
    public func fittingCount(width: Int) -> Int {
        let widths = hints.map { TextWidth.of($0.key) + 1 + TextWidth.of($0.hint) }
        var used = 0
        var count = 0
        for (i, w) in widths.enumerated() {
            let next = used + (i > 0 ? 2 : 0) + w
            let isLast = i == widths.count - 1
            // A hint that is not the last must leave "  …" (or "…" alone after nothing) behind it.
            if next + (isLast ? 0 : 3) > width && !(isLast && next <= width) { break }
            used = next
            count += 1
        }
        return count
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, with: .blank(hintStyle))
        let n = fittingCount(width: row.width)
        var x = row.x
        if n == 0 && !hints.isEmpty {
            // Not even one whole hint: show the first, cut.
            let h = hints[0]
            x = buffer.write(h.key, x: x, y: row.y, width: row.width, style: keyStyle, ellipsis: glyphs.ellipsis)
            if x + 1 < row.maxX {
                buffer.write(h.hint, x: x + 1, y: row.y, width: row.maxX - x - 1, style: hintStyle,
                             ellipsis: glyphs.ellipsis)
            }
            return
        }
        for (i, h) in hints.prefix(n).enumerated() {
            if i > 0 { x += 2 }
            x = buffer.write(h.key, x: x, y: row.y, style: keyStyle, clip: row) + 1
            x = buffer.write(h.hint, x: x, y: row.y, style: hintStyle, clip: row)
        }
        if n < hints.count {
            buffer.write(String(Character(glyphs.ellipsis)), x: n > 0 ? x + 2 : x, y: row.y, style: hintStyle, clip: row)
        }
    }
}
