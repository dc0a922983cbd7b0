/// The named roles a theme assigns styles to; widgets and screens ask for roles, never for colours.
public enum ThemeRole: Int, CaseIterable, Sendable {
    /// Screen background (its `bg` fills every frame; its `fg` is unused).
    case background
    case text, dim, accent, title, header, selection, border
    /// The border of the pane that has focus.
    case borderFocused
    case statusBar
    /// The key half of a key hint ("q" in "q Quit").
    case keyHint
    case input
    case good, warning, bad
    case series1, series2, series3, series4, series5, series6
    /// Budget and threshold lines on charts (e.g. 33 ms for 30 fps).
    case budgetLine
    /// Chart axes and tick labels.
    case axis
    /// Modal dialogs (their fill; borders use `border`).
    case modal

    /// The six chart series roles, in order.
    public static let series: [ThemeRole] = [.series1, .series2, .series3, .series4, .series5, .series6]

    /// The role's key in theme files: snake_case of the case name (`budget_line`, `key_hint`).
    public var key: String {
        var out = ""
        for ch in String(describing: self) {
            if ch.isUppercase { out += "_" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }

    /// The role named `key` in a theme file, if any.
    public init?(key: String) {
        guard let r = ThemeRole.byKey[key] else { return nil }
        self = r
    }

    static let byKey: [String: ThemeRole] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.key, $0) })
}

/// A complete mapping from roles to styles.
///
/// Loaded from `Themes/*.yaml` (see `ThemeLoader`) at full colour and adapted once to the terminal's colour depth
/// with `adapted(to:)`. Styles are stored in an array indexed by role so a lookup is an index, not a hash.
public struct Theme: Sendable, Hashable {
    public var name: String
    var styles: [Style]

    /// A theme with the given role styles; roles not given take the `text` style.
    public init(name: String, styles: [ThemeRole: Style] = [:]) {
        self.name = name
        self.styles = Array(repeating: .plain, count: ThemeRole.allCases.count)
        let text = styles[.text] ?? .plain
        for role in ThemeRole.allCases { self.styles[role.rawValue] = styles[role] ?? text }
    }

    public subscript(role: ThemeRole) -> Style {
        get { styles[role.rawValue] }
        set { styles[role.rawValue] = newValue }
    }

    /// The style of chart series `n` (0-based, wrapping after six).
    public func series(_ n: Int) -> Style { self[ThemeRole.series[((n % 6) + 6) % 6]] }

    /// Works on any terminal, without a theme file: default colours, roles told apart by attributes only
    /// (the same as Themes/monochrome.yaml).
    public static let plain = Theme(name: "plain", styles: [
        .dim: Style(attributes: .dim), .accent: Style(attributes: .bold), .title: Style(attributes: .bold),
        .header: Style(attributes: [.bold, .underline]), .selection: Style(attributes: .reverse),
        .borderFocused: Style(attributes: .bold), .statusBar: Style(attributes: .reverse),
        .keyHint: Style(attributes: .bold), .input: Style(attributes: .underline),
        .good: Style(attributes: .bold), .warning: Style(attributes: [.bold, .underline]),
        .bad: Style(attributes: [.bold, .reverse]), .series2: Style(attributes: .bold),
        .series3: Style(attributes: .dim), .series5: Style(attributes: .bold), .series6: Style(attributes: .dim),
        .budgetLine: Style(attributes: .bold), .axis: Style(attributes: .dim),
    ])
}
