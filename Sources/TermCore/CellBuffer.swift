/// A rectangle of cells that widgets render into and the backend draws from.
///
/// Row-major, one flat array of inline `Cell`s. Every write is clipped to the buffer (and to an optional clip
/// rectangle), so a widget given an area can never write outside it by accident, and wide characters are kept
/// consistent: overwriting either half of a wide character blanks the other half.
public struct CellBuffer: Hashable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    /// Row-major cells; `cells[y * width + x]`.
    public internal(set) var cells: [Cell]

    public init(width: Int, height: Int, fill: Cell = .blank()) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle at the origin.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (x, y); a blank cell outside the buffer.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, y >= 0, x < width, y < height else { return .blank() }
        return cells[y * width + x]
    }

    /// Places one cell (width 1 or 2) at (x, y), keeping wide characters whole; ignored outside the buffer.
    ///
    /// A wide cell that would not fit before the right edge is replaced by a blank.
    /// - Complexity: O(1).
    public mutating func set(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = y * width + x
        if cell.width == 2 {
            guard x + 1 < width else { return set(.blank(cell.style), x: x, y: y) }
            releaseHalf(at: i, x: x)
            if cells[i + 1].width == 2 && x + 2 < width { cells[i + 2] = .blank(cells[i + 2].style) }
            cells[i] = cell
            cells[i + 1] = .continuation(cell.style)
        } else {
            releaseHalf(at: i, x: x)
            cells[i] = cell
            cells[i].width = 1
        }
    }

    /// Before cell `i` is overwritten, blanks the other half of any wide character it belongs to.
    mutating func releaseHalf(at i: Int, x: Int) {
        let old = cells[i].width
        if old == 0 && x > 0 { cells[i - 1] = .blank(cells[i - 1].style) }
        if old == 2 && x + 1 < width { cells[i + 1] = .blank(cells[i + 1].style) }
    }

    /// Fills `rect` (clipped to the buffer) with `cell`, which must be one column wide.
    public mutating func fill(_ rect: Rect, with cell: Cell) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        var c = cell
        c.width = 1
        for y in r.minY..<r.maxY {
            // Repair wide characters cut by the edges, then overwrite the inside wholesale.
            let left = y * width + r.minX
            if cells[left].width == 0 && r.minX > 0 { cells[left - 1] = .blank(cells[left - 1].style) }
            let right = y * width + r.maxX - 1
            if cells[right].width == 2 && r.maxX < width { cells[right + 1] = .blank(cells[right + 1].style) }
            for i in left...right { cells[i] = c }
        }
    }

    /// Replaces the style of every cell in `rect` (characters kept).
    public mutating func setStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.minY..<r.maxY {
            for i in (y * width + r.minX)..<(y * width + r.maxX) { cells[i].style = style }
        }
    }

    /// Lays `style` over the style of every cell in `rect` (see `Style.patched(with:)`).
    public mutating func patchStyle(_ style: Style, in rect: Rect) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.minY..<r.maxY {
            for i in (y * width + r.minX)..<(y * width + r.maxX) { cells[i].style = cells[i].style.patched(with: style) }
        }
    }

    /// Resizes to `width`×`height`, keeping the overlapping top-left content and filling new cells with blanks.
    public mutating func resize(width w: Int, height h: Int) {
        var next = CellBuffer(width: w, height: h)
        let keep = bounds.intersection(next.bounds)
        if !keep.isEmpty {
            for y in 0..<keep.height {
                for x in 0..<keep.width { next.cells[y * next.width + x] = cells[y * width + x] }
                // A wide head cut off by the new right edge would dangle.
                if keep.width < width, next.cells[y * next.width + keep.width - 1].width == 2 {
                    next.cells[y * next.width + keep.width - 1] = .blank()
                }
            }
        }
        self = next
    }

    /// Row `y` as text (wide characters once; continuation cells skipped). Allocates: for tests and debugging.
    public func text(row y: Int) -> String {
        guard y >= 0 && y < height else { return "" }
        var s = ""
        for x in 0..<width {
            let c = cells[y * width + x]
            if c.width != 0 { s += c.text }
        }
        return s
    }

    /// All rows as text; the form widget tests compare against.
    public var lines: [String] { (0..<height).map { text(row: $0) } }
}
