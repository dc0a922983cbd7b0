import TermCore

/// A buffer filled with the sentinel "x", so any cell a widget writes outside its area shows up in the lines.
func sentinel(_ width: Int, _ height: Int) -> CellBuffer {
    CellBuffer(width: width, height: height, fill: Cell("x"))
}

/// `n` sentinel characters: a row the widget must not have touched.
func xs(_ n: Int) -> String { String(repeating: "x", count: n) }

/// `n` spaces.
func sp(_ n: Int) -> String { String(repeating: " ", count: n) }

/// `s` repeated `n` times.
func rep(_ s: String, _ n: Int) -> String { String(repeating: s, count: n) }
