/// What a terminal can show, detected once at start-up.
public struct TerminalCapabilities: Hashable, Sendable {
    /// The locale is UTF-8: box drawing, blocks and braille can be shown.
    public var utf8: Bool
    public var colorDepth: ColorDepth
    /// Colours the terminal reports (ncurses `COLORS`) and colour pairs available (`COLOR_PAIRS`).
    public var colors: Int
    public var colorPairs: Int
    /// The terminal can redefine palette entries (`can_change_color`); recorded, not used (see DECISIONS).
    public var canChangeColor: Bool
    /// Mouse events were granted.
    public var mouse: Bool

    public init(utf8: Bool, colorDepth: ColorDepth, colors: Int = 0, colorPairs: Int = 0, canChangeColor: Bool = false,
                mouse: Bool = false) {
        self.utf8 = utf8
        self.colorDepth = colorDepth
        self.colors = colors
        self.colorPairs = colorPairs
        self.canChangeColor = canChangeColor
        self.mouse = mouse
    }

    /// The glyphs widgets should use on this terminal.
    public var glyphs: GlyphSet { .forTerminal(utf8: utf8) }
}

/// A terminal the application draws frames on and reads events from.
///
/// The curses backend (TermCurses) is the real one; `HeadlessTerminal` is an in-memory one for tests and
/// benchmarks. Called from the UI thread only.
public protocol TerminalBackend: AnyObject {
    var capabilities: TerminalCapabilities { get }
    /// Current size in cells.
    var size: (cols: Int, rows: Int) { get }
    /// Shows `frame`, drawing only what changed since the last call (everything after a resize).
    func draw(_ frame: CellBuffer)
    /// The next event, waiting at most `timeoutMilliseconds` (then `.tick`).
    func readEvent(timeoutMilliseconds: Int) -> TerminalEvent
}

/// An in-memory terminal: shows frames into a buffer and replays queued events. For tests and benchmarks.
public final class HeadlessTerminal: TerminalBackend {
    public let capabilities: TerminalCapabilities
    public private(set) var size: (cols: Int, rows: Int)
    /// What the screen shows now.
    public private(set) var screen: CellBuffer
    /// Cells written by the last `draw` (the diff's total length).
    public private(set) var lastDrawnCells = 0
    public var pendingEvents: [TerminalEvent] = []
    private var previous: CellBuffer?
    private var spans: [CellSpan] = []

    public init(cols: Int, rows: Int, capabilities: TerminalCapabilities = .init(utf8: true, colorDepth: .indexed256)) {
        self.capabilities = capabilities
        size = (cols, rows)
        screen = CellBuffer(width: cols, height: rows)
    }

    public func draw(_ frame: CellBuffer) {
        if screen.width != frame.width || screen.height != frame.height {
            screen = CellBuffer(width: frame.width, height: frame.height)
        }
        frame.diff(from: previous, into: &spans)
        lastDrawnCells = 0
        for span in spans {
            // Continuation cells come with their wide head.
            for x in span.x..<(span.x + span.count) where !frame[x, span.y].isContinuation {
                screen.set(frame[x, span.y], x: x, y: span.y)
            }
            lastDrawnCells += span.count
        }
        previous = frame
    }

    /// Changes the size and queues the matching resize event, as a real terminal would.
    public func resize(cols: Int, rows: Int) {
        size = (cols, rows)
        previous = nil
        pendingEvents.append(.resize(cols: cols, rows: rows))
    }

    public func readEvent(timeoutMilliseconds: Int) -> TerminalEvent {
        pendingEvents.isEmpty ? .tick : pendingEvents.removeFirst()
    }
}
