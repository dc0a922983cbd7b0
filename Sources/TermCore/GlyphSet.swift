/// The glyphs widgets draw structure with: Unicode box drawing, blocks and braille, or plain ASCII.
///
/// Chosen once at start-up from the locale (`GlyphSet.forTerminal(utf8:)`): a terminal not in a UTF-8 locale
/// cannot show box-drawing or braille characters (ncurses drops them), so every widget takes its glyphs from here.
public struct GlyphSet: Sendable, Hashable {
    public var horizontal: Unicode.Scalar
    public var vertical: Unicode.Scalar
    public var topLeft: Unicode.Scalar
    public var topRight: Unicode.Scalar
    public var bottomLeft: Unicode.Scalar
    public var bottomRight: Unicode.Scalar
    /// Axis ticks: on the y axis (pointing left), on the x axis (pointing down).
    public var yTick: Unicode.Scalar
    public var xTick: Unicode.Scalar
    /// Dashed horizontal line for thresholds and budgets.
    public var dashed: Unicode.Scalar
    public var ellipsis: Unicode.Scalar
    public var sortAscending: Unicode.Scalar
    public var sortDescending: Unicode.Scalar
    public var expanded: Unicode.Scalar
    public var collapsed: Unicode.Scalar
    /// Separator between tabs and status segments.
    public var separator: Unicode.Scalar
    /// Bar fills, from empty to full in eighths (index 0 = empty, 8 = full), for horizontal bars.
    public var horizontalEighths: [Unicode.Scalar]
    /// Column fills, from empty to full in eighths, for sparklines and histograms.
    public var verticalEighths: [Unicode.Scalar]
    /// The unfilled part of a gauge or progress bar.
    public var track: Unicode.Scalar
    /// Marker for a plotted point.
    public var point: Unicode.Scalar
    /// Legend swatch.
    public var swatch: Unicode.Scalar
    /// Whether charts may use braille patterns (2×4 dots per cell); otherwise they fall back to ASCII dots.
    public var braille: Bool

    public static let unicode = GlyphSet(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        yTick: "┤", xTick: "┬", dashed: "╌", ellipsis: "…", sortAscending: "▲", sortDescending: "▼",
        expanded: "▾", collapsed: "▸", separator: "│",
        horizontalEighths: [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"],
        verticalEighths: [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"],
        track: "░", point: "●", swatch: "■", braille: true)

    public static let ascii = GlyphSet(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        yTick: "+", xTick: "+", dashed: "-", ellipsis: "~", sortAscending: "^", sortDescending: "v",
        expanded: "-", collapsed: "+", separator: "|",
        horizontalEighths: [" ", " ", " ", " ", "#", "#", "#", "#", "#"],
        verticalEighths: [" ", "_", "_", ".", ".", "-", "-", "=", "#"],
        track: "-", point: "o", swatch: "#", braille: false)

    /// The glyph set for a terminal whose locale is (or is not) UTF-8.
    public static func forTerminal(utf8: Bool) -> GlyphSet { utf8 ? .unicode : .ascii }
}
