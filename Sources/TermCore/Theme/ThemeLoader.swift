import Foundation

/// Reads theme files (`Themes/*.yaml`) and resolves `--theme NAME|FILE`.
///
/// Format — a role is either a colour (its foreground) or a mapping with `fg`, `bg` and `attrs`:
///
///     name: default
///     description: Dark theme
///     background:
///       bg: "#1c1c1c"
///     text: "#d0d0d0"
///     selection:
///       fg: black
///       bg: "#5fafd7"
///       attrs: bold
///
/// Colours: `default`, an ANSI name (`black` … `white`), a 256-palette index `0`–`255`, or `"#rrggbb"` / `"#rgb"`
/// (quoted, since `#` starts a YAML comment). Attributes: `bold dim underline reverse italic`, separated by spaces
/// or commas (`[bold, underline]` also accepted). Roles not given take the `text` style; a role's unset `bg`
/// is the `background` role's `bg`. Unknown keys and bad values are errors naming the file and line.
public enum ThemeLoader {
    /// Parses theme text; `file` names it in errors (and gives the default name).
    public static func parse(_ text: String, file: String) throws(ThemeError) -> Theme {
        let entries = try MiniYAML.parse(text, file: file)
        var name = defaultName(for: file)
        var styles: [ThemeRole: Style] = [:]
        let validTop = "name, description or a role (" + ThemeRole.allCases.map(\.key).joined(separator: ", ") + ")"
        for entry in entries {
            switch entry.key {
            case "name":
                guard case .scalar(let v) = entry.value, !v.isEmpty else {
                    throw ThemeError(file: file, line: entry.line, message: "'name' must be a single value")
                }
                name = v
            case "description":
                guard case .scalar = entry.value else {
                    throw ThemeError(file: file, line: entry.line, message: "'description' must be a single value")
                }
            default:
                guard let role = ThemeRole(key: entry.key) else {
                    throw ThemeError(file: file, line: entry.line,
                                     message: "unknown key '\(entry.key)' (expected \(validTop))")
                }
                styles[role] = try style(of: entry, file: file)
            }
        }
        // Unset backgrounds inherit the screen background, so text drawn in any role sits on the theme's colour.
        let screen = styles[.background]?.bg ?? .default
        for (role, s) in styles where s.bg == .default { styles[role]?.bg = screen }
        if styles[.text] == nil { styles[.text] = Style(bg: screen) }
        return Theme(name: name, styles: styles)
    }

    /// Loads the theme file at `path`.
    /// Largest theme file read (the shipped ones are about 1 KB); anything bigger is not a theme.
    public static let maximumFileSize = 64 * 1024

    public static func load(path: String) throws(ThemeError) -> Theme {
        let file = (path as NSString).lastPathComponent
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if let size, size > maximumFileSize {
            throw ThemeError(file: path, line: 0, message: "theme file too large (\(size) bytes; at most \(maximumFileSize))")
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError(file: path, line: 0, message: "cannot read theme file (missing, unreadable or not UTF-8)")
        }
        return try parse(text, file: file)
    }

    /// Resolves the `--theme` argument: a path (contains `/` or ends in `.yaml`/`.yml`) is loaded as is; a name
    /// loads `<themesDirectory>/<name>.yaml`. An unknown name lists the available ones.
    public static func resolve(_ spec: String, themesDirectory: String) throws(ThemeError) -> Theme {
        if spec.contains("/") || spec.hasSuffix(".yaml") || spec.hasSuffix(".yml") {
            return try load(path: spec)
        }
        let path = (themesDirectory as NSString).appendingPathComponent(spec + ".yaml")
        guard FileManager.default.fileExists(atPath: path) else {
            let names = availableThemes(in: themesDirectory)
            throw ThemeError(file: spec, line: 0, message: "no such theme"
                             + (names.isEmpty ? " (no themes in \(themesDirectory))"
                                : " (available: \(names.joined(separator: ", ")))"))
        }
        return try load(path: path)
    }

    /// Names of the `*.yaml` themes in `directory`, sorted.
    public static func availableThemes(in directory: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func defaultName(for file: String) -> String {
        var n = (file as NSString).lastPathComponent
        for ext in [".yaml", ".yml"] where n.hasSuffix(ext) { n.removeLast(ext.count) }
        return n
    }

    static func style(of entry: MiniYAML.Entry, file: String) throws(ThemeError) -> Style {
        switch entry.value {
        case .scalar(let v):
            return Style(fg: try color(v, file: file, line: entry.line))
        case .mapping(let children):
            guard !children.isEmpty else {
                throw ThemeError(file: file, line: entry.line,
                                 message: "'\(entry.key)' needs a colour or fg/bg/attrs lines")
            }
            var s = Style()
            for c in children {
                guard case .scalar(let v) = c.value else { continue }
                switch c.key {
                case "fg": s.fg = try color(v, file: file, line: c.line)
                case "bg": s.bg = try color(v, file: file, line: c.line)
                case "attrs": s.attributes = try attributes(v, file: file, line: c.line)
                default:
                    throw ThemeError(file: file, line: c.line,
                                     message: "unknown key '\(c.key)' in '\(entry.key)' (expected fg, bg, attrs)")
                }
            }
            return s
        }
    }

    /// Parses a colour value (see the type's discussion).
    public static func color(_ text: String, file: String, line: Int) throws(ThemeError) -> Color {
        let v = text.trimmingCharacters(in: .whitespaces)
        if v == "default" { return .default }
        if let i = Color.ansiNames.firstIndex(of: v) { return .ansi(UInt8(i)) }
        if !v.isEmpty, v.allSatisfy(\.isASCII), v.allSatisfy(\.isNumber), let n = Int(v), n <= 255 {
            return .indexed(UInt8(n))
        }
        if v.hasPrefix("#") {
            let hex = Array(v.dropFirst())
            if hex.allSatisfy(\.isHexDigit) && (hex.count == 6 || hex.count == 3) {
                let digits = hex.count == 3 ? hex.flatMap { [$0, $0] } : hex
                func byte(_ k: Int) -> UInt8 { UInt8(String(digits[2 * k...2 * k + 1]), radix: 16) ?? 0 }
                return .rgb(byte(0), byte(1), byte(2))
            }
        }
        throw ThemeError(file: file, line: line, message: "bad colour '\(v)' (expected default, "
                         + Color.ansiNames.joined(separator: ", ") + ", 0-255, or \"#rrggbb\")")
    }

    static func attributes(_ text: String, file: String, line: Int) throws(ThemeError) -> Attributes {
        var v = Substring(text)
        if v.hasPrefix("[") && v.hasSuffix("]") { v = v.dropFirst().dropLast() }
        var result: Attributes = []
        for word in v.split(whereSeparator: { $0 == " " || $0 == "," }) {
            guard let a = Attributes.named.first(where: { $0.0 == word })?.1 else {
                throw ThemeError(file: file, line: line, message: "unknown attribute '\(word)' (expected "
                                 + Attributes.named.map(\.0).joined(separator: ", ") + ")")
            }
            result.insert(a)
        }
        return result
    }
}

extension Theme {
    /// This theme as it should look on a terminal of the given colour depth.
    ///
    /// Colours are downgraded (`Color.downgraded(to:)`). Where two colours collapse into one (a dark grey
    /// selection on black at 8 colours) the foreground becomes black or white, whichever reads on the background.
    /// With no colour at all, roles that stood out by their background (selection, status bar) are reversed.
    public func adapted(to depth: ColorDepth) -> Theme {
        var out = self
        let screen = self[.background].bg
        for role in ThemeRole.allCases {
            let original = self[role]
            var s = original
            s.fg = original.fg.downgraded(to: depth)
            s.bg = original.bg.downgraded(to: depth)
            if depth == .none && role != .background && original.bg != screen {
                s.attributes.insert(.reverse)
            }
            if s.fg == s.bg && s.fg != .default {
                s.fg = s.bg.approximateLuma >= 128 ? .black : .white
            }
            out[role] = s
        }
        return out
    }
}
