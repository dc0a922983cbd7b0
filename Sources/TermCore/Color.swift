/// A terminal colour: the terminal's default, one of the 8 ANSI colours, an xterm 256-colour index, or 24-bit RGB.
///
/// Colours are chosen by themes at full fidelity and downgraded once, at start-up, to what the terminal can show
/// (`downgraded(to:)`), so widgets never need to know the terminal's colour depth.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background (ncurses colour -1).
    case `default`
    /// ANSI colour 0–7: black, red, green, yellow, blue, magenta, cyan, white.
    case ansi(UInt8)
    /// xterm 256-colour palette index: 0–15 system colours, 16–231 a 6×6×6 cube, 232–255 a grey ramp.
    case indexed(UInt8)
    /// 24-bit colour.
    case rgb(UInt8, UInt8, UInt8)

    public static let black = Color.ansi(0)
    public static let red = Color.ansi(1)
    public static let green = Color.ansi(2)
    public static let yellow = Color.ansi(3)
    public static let blue = Color.ansi(4)
    public static let magenta = Color.ansi(5)
    public static let cyan = Color.ansi(6)
    public static let white = Color.ansi(7)

    /// The names of the 8 ANSI colours, in index order (as accepted by theme files).
    public static let ansiNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
}

/// How many colours a terminal can show; ordered from least to most capable.
public enum ColorDepth: Int, Comparable, Sendable, CaseIterable {
    /// No colour at all (monochrome terminal, or `NO_COLOR` set): only attributes distinguish roles.
    case none
    /// The 8 ANSI colours.
    case ansi8
    /// The xterm 256-colour palette.
    case indexed256
    /// Direct 24-bit colour.
    case trueColor

    public static func < (a: ColorDepth, b: ColorDepth) -> Bool { a.rawValue < b.rawValue }

    /// The depth to use for a terminal reporting `colors` colours (ncurses `COLORS`), honouring `NO_COLOR`.
    ///
    /// `NO_COLOR` disables colour when it is present and not empty (https://no-color.org). A count of 2^24 or more
    /// means a direct-colour terminfo entry (e.g. `xterm-direct`), where colour numbers are packed RGB.
    public static func detect(colors: Int, environment: [String: String]) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        if colors >= 1 << 24 { return .trueColor }
        if colors >= 256 { return .indexed256 }
        if colors >= 8 { return .ansi8 }
        return .none
    }
}
