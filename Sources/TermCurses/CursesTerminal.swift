import CNcurses
import TermCore

/// Why the terminal could not be started.
public enum CursesError: Error, CustomStringConvertible {
    case notATerminal
    case alreadyRunning

    public var description: String {
        switch self {
        case .notATerminal: return "cannot start the terminal UI: standard input/output is not a terminal"
        case .alreadyRunning: return "the terminal UI is already running"
        }
    }
}

/// The real terminal: draws `CellBuffer` frames with ncursesw and reads keys, mouse and resize events.
///
/// Only the changes between frames are sent (`CellBuffer.diff`), then ncurses optimises the output once more.
/// The terminal is restored by `stop()`, at normal exit (atexit), and — by the C shim's handlers — on SIGTERM,
/// SIGHUP, a second unanswered Ctrl-C, and crash signals. One instance at a time; use from one thread.
public final class CursesTerminal: TerminalBackend {
    public private(set) var capabilities: TerminalCapabilities
    private var previous: CellBuffer?
    private var spans: [CellSpan] = []
    private var colors: ColorPairCache
    private var scalars: [UInt32] = [0, 0, 0]
    private var stopped = false

    /// Starts curses. The locale is set first (`setlocale(LC_ALL, "")`), which decides UTF-8 versus ASCII glyphs.
    /// - Parameter environment: consulted for `NO_COLOR`.
    public init(environment: [String: String], mouse: Bool = true) throws(CursesError) {
        if cn_active() != 0 { throw CursesError.alreadyRunning }
        let utf8 = cn_set_locale() == 1
        guard cn_start(mouse ? 1 : 0) == 0 else { throw CursesError.notATerminal }
        let colorCount = Int(cn_colors())
        let depth = ColorDepth.detect(colors: colorCount, environment: environment)
        capabilities = TerminalCapabilities(utf8: utf8, colorDepth: depth, colors: colorCount,
                                            colorPairs: Int(cn_color_pairs()),
                                            canChangeColor: cn_can_change_color() != 0, mouse: cn_mouse_enabled() != 0)
        colors = ColorPairCache(depth: depth, capacity: Int(cn_color_pairs()))
    }

    deinit { stop() }

    /// Restores the terminal. Idempotent.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        cn_stop()
    }

    public var size: (cols: Int, rows: Int) {
        var rows: Int32 = 0, cols: Int32 = 0
        cn_size(&rows, &cols)
        return (Int(cols), Int(rows))
    }

    public func draw(_ frame: CellBuffer) { draw(frame, retry: true) }

    private func draw(_ frame: CellBuffer, retry: Bool) {
        guard !stopped else { return }
        if previous == nil { cn_clear_all() }
        frame.diff(from: previous, into: &spans)
        let utf8 = capabilities.utf8
        frame.cells.withUnsafeBufferPointer { cells in
            for span in spans {
                let row = span.y * frame.width
                for x in span.x..<(span.x + span.count) {
                    put(cells[row + x], x: x, y: span.y, utf8: utf8)
                }
            }
        }
        if colors.overflowed {
            // Pairs were recycled mid-frame: repaint everything against the new pair table (once; a single frame
            // with more colour combinations than the terminal has pairs shows some cells in recycled colours).
            colors.clearOverflow()
            previous = nil
            if retry { return draw(frame, retry: false) }
        }
        _ = cn_refresh()
        previous = frame
    }

    private func put(_ cell: Cell, x: Int, y: Int, utf8: Bool) {
        let pair = colors.pair(for: cell.style)
        let attrs = UInt32(cell.style.attributes.rawValue)
        if cell.width == 0 {
            // Continuation of a wide character: ncurses fills it when drawing the head; without UTF-8 the head was
            // drawn one column wide, so this column needs its own blank.
            if !utf8 { scalars[0] = 0x20; _ = cn_put(Int32(y), Int32(x), scalars, 1, attrs, pair) }
            return
        }
        var count: Int32 = 1
        if utf8 {
            scalars[0] = cell.scalar.value
            for m in cell.marks where count < 3 {
                scalars[Int(count)] = m.value
                count += 1
            }
        } else {
            scalars[0] = cell.scalar.value < 0x7F ? cell.scalar.value : 0x3F  // "?"
        }
        _ = cn_put(Int32(y), Int32(x), scalars, count, attrs, pair)
    }

    /// Waits up to `timeoutMilliseconds` for input. Ctrl-C arrives as `.key(.ctrl("c"))` (see the C shim).
    public func readEvent(timeoutMilliseconds: Int) -> TerminalEvent {
        if cn_take_interrupt() != 0 { return .key(.ctrl("c")) }
        var value: UInt32 = 0
        let kind = cn_read(Int32(clamping: max(0, timeoutMilliseconds)), &value)
        if cn_take_interrupt() != 0 { return .key(.ctrl("c")) }
        switch kind {
        case 2 where Int32(bitPattern: value) == KEY_RESIZE:
            previous = nil
            let s = size
            return .resize(cols: s.cols, rows: s.rows)
        case 2 where Int32(bitPattern: value) == KEY_MOUSE:
            var x: Int32 = 0, y: Int32 = 0
            var state: UInt = 0
            if cn_mouse(&x, &y, &state) == 0, let m = CursesInput.mouse(x: x, y: y, state: state) { return .mouse(m) }
            return .tick
        case 1, 2:
            if let k = CursesInput.key(code: value, isKeyCode: kind == 2) { return .key(k) }
            return .tick
        default:
            return .tick
        }
    }

    /// Forgets what is on screen so the next `draw` repaints everything (e.g. after another program wrote to it).
    public func invalidate() { previous = nil }
}
