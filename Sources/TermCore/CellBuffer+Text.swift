/// Horizontal alignment of text within a width.
public enum Alignment: Sendable, Hashable {
    case left, center, right
}

/// Writing strings into a buffer: clipped, width-aware, optionally aligned and truncated with an ellipsis.
extension CellBuffer {
    /// Writes `text` starting at column `x` of row `y`, clipped to `clip` (and the buffer); returns the column after
    /// the last character written or skipped.
    ///
    /// Zero-width scalars join the preceding cell (up to two per cell); control characters become U+FFFD so a
    /// hostile string can never put an escape sequence on the terminal. A wide character cut by either clip edge
    /// becomes a blank. Columns left of `clip` are skipped (this is how horizontal scrolling works).
    /// - Complexity: O(text.unicodeScalars.count); allocates nothing.
    @discardableResult
    public mutating func write<S: StringProtocol>(_ text: S, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil) -> Int {
        let c = (clip ?? bounds).intersection(bounds)
        guard y >= c.minY && y < c.maxY else { return x }
        var cx = x
        var last = -1
        for scalar in text.unicodeScalars {
            var s = scalar
            var w = CharWidth.of(scalar)
            if w < 0 { (s, w) = ("\u{FFFD}", 1) }
            if w == 0 {
                if last >= 0 { cells[last].addMark(s) }
                continue
            }
            if cx + w > c.maxX {
                if cx >= c.minX && cx < c.maxX { set(.blank(style), x: cx, y: y) }
                break
            }
            if cx >= c.minX {
                set(Cell(s, style: style, width: UInt8(w)), x: cx, y: y)
                last = y * width + cx
            } else {
                if cx + w > c.minX { set(.blank(style), x: c.minX, y: y) }
                last = -1
            }
            cx += w
        }
        return cx
    }

    /// Writes `text` into the `width` columns starting at `x`, aligned, truncated with `ellipsis` when too wide.
    ///
    /// Cells of the slot the text does not cover are left untouched (fill first if they must be cleared).
    /// - Returns: the column after the last character written.
    @discardableResult
    public mutating func write<S: StringProtocol>(_ text: S, x: Int, y: Int, width slot: Int, align: Alignment = .left,
                                                   style: Style = .plain, ellipsis: Unicode.Scalar = "…",
                                                   clip: Rect? = nil) -> Int {
        guard slot > 0 else { return x }
        let slotRect = Rect(x: x, y: y, width: slot, height: 1)
        let c = (clip ?? bounds).intersection(slotRect)
        let w = TextWidth.of(text)
        if w <= slot {
            let offset = align == .left ? 0 : align == .right ? slot - w : (slot - w) / 2
            return write(text, x: x + offset, y: y, style: style, clip: c)
        }
        let body = Rect(x: x, y: y, width: slot - 1, height: 1).intersection(c)
        var end = write(text, x: x, y: y, style: style, clip: body)
        end = Swift.min(end, x + slot - 1)
        // A wide character cut at the edge leaves a blank; the ellipsis goes right after the visible text.
        return write(String(Character(ellipsis)), x: end, y: y, style: style, clip: c)
    }
}

/// Display width of strings, matching `CellBuffer.write`.
public enum TextWidth {
    /// Columns `text` occupies when written (control characters count 1, as their replacement does).
    /// - Complexity: O(scalars); allocates nothing.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var n = 0
        for s in text.unicodeScalars {
            let w = CharWidth.of(s)
            n += w < 0 ? 1 : w
        }
        return n
    }

    /// `text` cut to at most `width` columns, ending in `ellipsis` when cut. Allocates; for layout, not per frame.
    public static func truncate(_ text: String, to width: Int, ellipsis: Unicode.Scalar = "…") -> String {
        guard width > 0 else { return "" }
        if of(text) <= width { return text }
        var out = ""
        var used = 0
        var lastWasBase = false
        for s in text.unicodeScalars {
            var w = CharWidth.of(s)
            if w < 0 { w = 1 }
            if w == 0 {
                if lastWasBase { out.unicodeScalars.append(s) }
                continue
            }
            if used + w > width - 1 { break }
            out.unicodeScalars.append(s)
            used += w
            lastWasBase = true
        }
        out.unicodeScalars.append(ellipsis)
        return out
    }

    /// Splits `text` into lines of at most `width` columns, breaking at spaces where possible and hard-breaking
    /// words longer than a line. Explicit newlines start a new line.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var rest = Substring(word)
                var ww = of(rest)
                if lineWidth > 0 && lineWidth + 1 + ww <= width {
                    line += " " + rest
                    lineWidth += 1 + ww
                    continue
                }
                if lineWidth > 0 {
                    lines.append(line)
                    (line, lineWidth) = ("", 0)
                }
                while ww > width {
                    var cut = rest.startIndex
                    var used = 0
                    while cut < rest.endIndex {
                        let cw = of(String(rest[cut]))
                        if used + cw > width { break }
                        used += cw
                        cut = rest.index(after: cut)
                    }
                    if cut == rest.startIndex { cut = rest.index(after: cut) }  // a wide char on a 1-col line
                    lines.append(String(rest[..<cut]))
                    rest = rest[cut...]
                    ww = of(rest)
                }
                (line, lineWidth) = (String(rest), ww)
            }
            lines.append(line)
        }
        return lines
    }
}
