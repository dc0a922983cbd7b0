import TermCore

/// The frame around every screen: tabs on top, the context line (model ▸ strategy ▸ device), the screen's
/// content, the status bar and the key hints. Shared by `view` and by mouse hit-testing in `update`.
public struct Chrome: Sendable, Equatable {
    public let tabs: Rect
    public let context: Rect
    public let content: Rect
    public let status: Rect
    public let hints: Rect

    public init(cols: Int, rows: Int) {
        let all = Rect(x: 0, y: 0, width: cols, height: rows)
        let parts = all.split(.vertical, [.fixed(1), .fixed(1), .fill(1), .fixed(1), .fixed(1)])
        tabs = parts[0]
        context = parts[1]
        content = parts[2]
        status = parts[3]
        hints = parts[4]
    }

    /// The screens shown as tabs (Help included, so a click opens it too).
    static let tabScreens: [Screen] = Screen.allCases

    func tabsWidget(selected: Screen, glyphs: GlyphSet) -> Tabs {
        Tabs(Chrome.tabScreens.map(\.title), selected: Chrome.tabScreens.firstIndex(of: selected) ?? 0, glyphs: glyphs)
    }
}
