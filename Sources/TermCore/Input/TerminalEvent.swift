/// Everything the terminal can tell the application.
public enum TerminalEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal now has `cols` columns and `rows` rows; the next frame must be drawn in full.
    case resize(cols: Int, rows: Int)
    /// No input arrived within the read timeout; time to advance animations and poll background work.
    case tick
}
