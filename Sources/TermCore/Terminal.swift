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
