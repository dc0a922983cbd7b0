/// A terminal colour: the terminal's default, one of the 8 ANSI colours, an xterm 256-colour index, or 24-bit RGB.
///
/// Colours are chosen by themes at full fidelity and downgraded once, at start-up, to what the terminal can show
/// (`downgraded(to:)`), so widgets never need to know the terminal's colour depth.
///
/// Stored packed in one `UInt32` (kind in the top byte, value below) rather than as an enum with payloads: every
/// cell holds two colours and the frame diff compares every cell, so equality must be a single integer compare.
/// Switch over `kind` to take a colour apart.
public struct Color: Hashable, Sendable, CustomStringConvertible {
    let bits: UInt32

    /// A colour taken apart.
    public enum Kind: Hashable, Sendable {
        /// The terminal's own foreground or background (ncurses colour -1).
        case `default`
        /// ANSI colour 0–7: black, red, green, yellow, blue, magenta, cyan, white.
        case ansi(UInt8)
        /// xterm 256-colour palette index: 0–15 system colours, 16–231 a 6×6×6 cube, 232–255 a grey ramp.
        case indexed(UInt8)
        /// 24-bit colour.
        case rgb(UInt8, UInt8, UInt8)
    }

    init(bits: UInt32) { self.bits = bits }

    public init(_ kind: Kind) {
        switch kind {
        case .default: bits = 0
        case .ansi(let n): bits = 1 << 24 | UInt32(n & 7)
        case .indexed(let n): bits = 2 << 24 | UInt32(n)
        case .rgb(let r, let g, let b): bits = 3 << 24 | UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)
        }
    }

    public var kind: Kind {
        let v = bits & 0xFF_FFFF
        switch bits >> 24 {
        case 1: return .ansi(UInt8(v & 7))
        case 2: return .indexed(UInt8(v & 0xFF))
        case 3: return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        default: return .default
        }
    }

    /// The terminal's own colour.
    public static let `default` = Color(bits: 0)
    /// ANSI colour `n` (0–7; higher bits are ignored).
    public static func ansi(_ n: UInt8) -> Color { Color(.ansi(n)) }
    /// xterm 256-palette index `n`.
    public static func indexed(_ n: UInt8) -> Color { Color(.indexed(n)) }
    public static func rgb(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Color { Color(.rgb(r, g, b)) }

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

    public var description: String {
        switch kind {
        case .default: return "default"
        case .ansi(let n): return Color.ansiNames[Int(n)]
        case .indexed(let n): return "\(n)"
        case .rgb(let r, let g, let b):
            let hex = Array("0123456789abcdef")
            return "#" + String([r, g, b].flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
        }
    }
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
