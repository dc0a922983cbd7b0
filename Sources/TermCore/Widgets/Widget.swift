/// Something that draws itself into a rectangle of a cell buffer.
///
/// Widgets are values built fresh for each frame from application state; they write only inside `area` (every
/// widget test renders into a buffer pre-filled with a sentinel to prove it) and never read the terminal.
/// Multi-row widgets clear their whole area first; one-row widgets (bars, tabs, inputs) own their area's first
/// row (the middle row for progress bars); `Block` draws only its border and `Modal` only its box, since both sit
/// over other content.
public protocol Widget {
    func render(into buffer: inout CellBuffer, area: Rect)
}
