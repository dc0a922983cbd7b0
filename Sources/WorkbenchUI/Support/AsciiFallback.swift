import TermCore

/// Without a UTF-8 locale the terminal can show ASCII only: widgets already draw with `GlyphSet.ascii`, and this
/// pass replaces what the screens' own text uses (separators, arrows, units, markers) with ASCII look-alikes, so
/// nothing reaches the terminal as `?` that has a readable stand-in.
enum AsciiFallback {
    static let map: [UInt32: Unicode.Scalar] = [
        0x00B7: "-", 0x2014: "-", 0x2013: "-", 0x2212: "-", 0x2192: ">", 0x25B8: ">", 0x25C2: "<", 0x25BE: "v",
        0x25BC: "v", 0x25B2: "^", 0x2026: "~", 0x00B5: "u", 0x00B0: "o", 0x00D7: "x", 0x0394: "d", 0x2605: "*",
        0x25CF: "*", 0x26A0: "!", 0x00B1: "+", 0x2248: "~", 0x2502: "|", 0x2500: "-", 0x00A0: " ",
    ]

    /// Rewrites every non-ASCII cell of `buffer`: a known character becomes its stand-in, anything else `?`.
    static func apply(_ buffer: inout CellBuffer) {
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let c = buffer[x, y]
                guard c.scalar.value >= 0x80 || !c.marks.isEmpty, !c.isContinuation else { continue }
                let s = c.scalar.value < 0x80 ? c.scalar : (map[c.scalar.value] ?? "?")
                buffer.set(Cell(s, style: c.style), x: x, y: y)
            }
        }
    }
}
