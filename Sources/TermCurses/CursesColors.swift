import CNcurses
import TermCore

/// Colour pairs on demand: each distinct (foreground, background) the frames use gets an ncurses pair the first
/// time it is drawn. Pair 0 is the terminal default and never redefined.
struct ColorPairCache {
    let depth: ColorDepth
    let capacity: Int
    private var pairs: [Int64: Int32] = [:]
    private var lastKey: Int64 = -1
    private var lastPair: Int32 = 0
    /// Set when the cache was full and had to be emptied; the caller must redraw everything.
    private(set) var overflowed = false

    init(depth: ColorDepth, capacity: Int) {
        self.depth = depth
        self.capacity = capacity
    }

    /// The ncurses colour number for `color` on this terminal (-1 = default).
    static func number(_ color: Color, depth: ColorDepth) -> Int32 {
        switch color.downgraded(to: depth).kind {
        case .default: return -1
        case .ansi(let n): return Int32(n & 7)
        case .indexed(let n): return Int32(n)
        case .rgb(let r, let g, let b): return Int32(r) << 16 | Int32(g) << 8 | Int32(b)  // direct-colour terminfo
        }
    }

    /// The pair for a style's colours, defining it if new.
    mutating func pair(for style: Style) -> Int32 {
        guard depth != .none else { return 0 }
        let fg = ColorPairCache.number(style.fg, depth: depth)
        let bg = ColorPairCache.number(style.bg, depth: depth)
        if fg == -1 && bg == -1 { return 0 }
        let key = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
        if key == lastKey { return lastPair }
        if let p = pairs[key] {
            (lastKey, lastPair) = (key, p)
            return p
        }
        if pairs.count + 1 >= capacity {
            // Out of pairs: start over. Cells already on screen with redefined pairs would change colour, so the
            // backend repaints the whole frame.
            pairs.removeAll(keepingCapacity: true)
            overflowed = true
        }
        let p = Int32(pairs.count + 1)
        _ = cn_init_pair(p, fg, bg)
        pairs[key] = p
        (lastKey, lastPair) = (key, p)
        return p
    }

    mutating func clearOverflow() { overflowed = false }
}
