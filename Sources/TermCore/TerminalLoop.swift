/// The loop between a terminal and an application: draw a frame, wait for one event, hand it over, repeat.
///
/// The application stays pure — it handles events and renders into a buffer — while the loop owns sizing: every
/// frame is a fresh buffer of the terminal's current size (so a resize can never leave stale cells), and below
/// the minimum size the `TooSmallNotice` is drawn instead of the application (events still reach `handle`, so q
/// still quits). Called on the UI thread; background work reports back through `.tick` polling.
public enum TerminalLoop {
    /// Runs until `handle` returns false.
    /// - Parameters:
    ///   - tickMilliseconds: how long to wait for input before delivering `.tick`.
    ///   - notice: the too-small screen (its minimum size decides when it shows).
    ///   - background: the style every frame starts from (the theme's `background` role).
    ///   - handle: applies one event; returns false to stop.
    ///   - render: draws the application into a buffer of the terminal's size.
    public static func run(_ terminal: any TerminalBackend, tickMilliseconds: Int = 100,
                           notice: TooSmallNotice = TooSmallNotice(), background: Style = .plain,
                           handle: (TerminalEvent) -> Bool, render: (inout CellBuffer) -> Void) {
        var running = true
        while running {
            let (cols, rows) = terminal.size
            var frame = CellBuffer(width: cols, height: rows, fill: .blank(background))
            if notice.applies(cols: cols, rows: rows) {
                notice.render(into: &frame, area: frame.bounds)
            } else {
                render(&frame)
            }
            terminal.draw(frame)
            running = handle(terminal.readEvent(timeoutMilliseconds: tickMilliseconds))
        }
    }
}
