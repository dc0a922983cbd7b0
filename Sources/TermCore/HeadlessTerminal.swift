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
