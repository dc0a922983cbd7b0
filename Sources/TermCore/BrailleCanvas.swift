/// A dot canvas for charts: each cell holds 2×4 dots, drawn as a Unicode braille pattern (U+2800 + dot bits).
///
/// Dot (0,0) is the top-left of the canvas; y grows downwards. Each cell remembers the style of the last series
/// that set a dot in it (a cell has one colour). Without braille (`GlyphSet.braille == false`) a cell is drawn as
/// `'` (dots only in its upper half), `.` (lower half) or `:` (both), keeping half the vertical resolution.
public struct BrailleCanvas: Sendable {
    /// Size in cells.
    public let width: Int
    public let height: Int
    var bits: [UInt8]
    var styles: [Style]

    /// Dots across (2 per cell) and down (4 per cell).
    public var dotWidth: Int { width * 2 }
    public var dotHeight: Int { height * 4 }

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        bits = Array(repeating: 0, count: self.width * self.height)
        styles = Array(repeating: .plain, count: self.width * self.height)
    }

    /// Dot bit for column `dx` (0–1) and row `dy` (0–3) within a cell, per the Unicode braille block:
    /// dots 1,2,3,7 run down the left column (bits 0,1,2,6), dots 4,5,6,8 down the right (bits 3,4,5,7).
    static let dotBits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets the dot at (px, py); ignored outside the canvas.
    public mutating func set(_ px: Int, _ py: Int, style: Style = .plain) {
        guard px >= 0, py >= 0, px < dotWidth, py < dotHeight else { return }
        let i = (py / 4) * width + px / 2
        bits[i] |= BrailleCanvas.dotBits[px % 2][py % 4]
        styles[i] = style
    }

    /// Whether the dot at (px, py) is set.
    public func isSet(_ px: Int, _ py: Int) -> Bool {
        guard px >= 0, py >= 0, px < dotWidth, py < dotHeight else { return false }
        return bits[(py / 4) * width + px / 2] & BrailleCanvas.dotBits[px % 2][py % 4] != 0
    }

    /// Draws a straight line of dots between two dot positions (Bresenham); parts outside the canvas are skipped.
    ///
    /// - Complexity: O(max(|dx|, |dy|)); endpoints far outside are clamped first so a wild value cannot loop long.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, style: Style = .plain) {
        let limit = 4 * (dotWidth + dotHeight) + 8
        func clamp(_ v: Int) -> Int { Swift.min(Swift.max(v, -limit), limit) }
        var (x, y) = (clamp(x0), clamp(y0))
        let (xe, ye) = (clamp(x1), clamp(y1))
        let dx = abs(xe - x), dy = -abs(ye - y)
        let sx = x < xe ? 1 : -1, sy = y < ye ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, style: style)
            if x == xe && y == ye { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// The scalar for the cell at (cx, cy), or nil when it has no dots.
    public func glyph(_ cx: Int, _ cy: Int, braille: Bool) -> Unicode.Scalar? {
        let b = bits[cy * width + cx]
        guard b != 0 else { return nil }
        if braille { return Unicode.Scalar(0x2800 + UInt32(b)) }
        let upper = b & 0x1B != 0  // dots in rows 0–1
        let lower = b & 0xE4 != 0  // dots in rows 2–3
        return upper && lower ? ":" : upper ? "'" : "."
    }

    /// Draws the cells that have dots into `area` of `buffer` (cells without dots are left as they are, so lines
    /// drawn underneath — thresholds, grids — stay visible between the data).
    public func render(into buffer: inout CellBuffer, area: Rect, braille: Bool) {
        for cy in 0..<Swift.min(height, area.height) {
            for cx in 0..<Swift.min(width, area.width) {
                if let g = glyph(cx, cy, braille: braille) {
                    buffer.set(Cell(g, style: styles[cy * width + cx]), x: area.x + cx, y: area.y + cy)
                }
            }
        }
    }
}
