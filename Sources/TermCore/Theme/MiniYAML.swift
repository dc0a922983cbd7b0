/// An error in a theme (or other small YAML) file, naming the file and line.
public struct ThemeError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    /// 1-based line number; 0 when the error is about the file as a whole.
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// The subset of YAML theme files use: `key: value` lines, and keys that open one level of nested
/// `key: value` lines; comments, blank lines, single- and double-quoted scalars.
///
/// Why not a YAML library: TermCore has no dependencies (widgets are tested without a terminal or packages), and
/// this subset is small enough to parse exactly — including the line number of every key, which error messages
/// need. Anything outside the subset (lists, anchors, deeper nesting, tabs) is rejected with its line, never
/// misread. The files stay valid YAML, so other tools can read them.
enum MiniYAML {
    struct Entry: Equatable {
        var key: String
        var line: Int
        var value: Value
    }

    enum Value: Equatable {
        case scalar(String)
        case mapping([Entry])
    }

    static func parse(_ text: String, file: String) throws(ThemeError) -> [Entry] {
        var top: [Entry] = []
        var childIndent: Int?
        var lineNo = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let indentChars = line.prefix { $0 == " " || $0 == "\t" }
            if indentChars.contains("\t") {
                throw ThemeError(file: file, line: lineNo, message: "tabs are not allowed for indentation")
            }
            let content = try stripComment(line.dropFirst(indentChars.count), file: file, line: lineNo)
            if content.isEmpty { continue }
            if indentChars.isEmpty && (content == "---" || content == "...") { continue }
            let (key, rawValue) = try splitKey(content, file: file, line: lineNo)
            let missingHint = unquotedHexColour(line) ? " (a colour like #ff8800 must be quoted: \"#ff8800\")" : ""
            let indent = indentChars.count
            if indent == 0 {
                childIndent = nil
                if let first = top.first(where: { $0.key == key }) {
                    throw ThemeError(file: file, line: lineNo,
                                     message: "duplicate key '\(key)' (first on line \(first.line))")
                }
                if rawValue.isEmpty {
                    if !missingHint.isEmpty {
                        throw ThemeError(file: file, line: lineNo, message: "missing value for '\(key)'\(missingHint)")
                    }
                    top.append(Entry(key: key, line: lineNo, value: .mapping([])))
                } else {
                    top.append(Entry(key: key, line: lineNo, value: .scalar(try scalar(rawValue, file: file, line: lineNo))))
                }
                continue
            }
            guard let parent = top.last, case .mapping(var children) = parent.value else {
                throw ThemeError(file: file, line: lineNo, message: "unexpected indentation"
                                 + (top.isEmpty ? "" : " ('\(top[top.count - 1].key)' already has a value)"))
            }
            if let expected = childIndent, expected != indent {
                throw ThemeError(file: file, line: lineNo, message: indent > expected
                                 ? "only one level of nesting is supported" : "inconsistent indentation")
            }
            childIndent = indent
            if let first = children.first(where: { $0.key == key }) {
                throw ThemeError(file: file, line: lineNo,
                                 message: "duplicate key '\(key)' in '\(parent.key)' (first on line \(first.line))")
            }
            guard !rawValue.isEmpty else {
                throw ThemeError(file: file, line: lineNo, message: "missing value for '\(key)'\(missingHint)")
            }
            children.append(Entry(key: key, line: lineNo, value: .scalar(try scalar(rawValue, file: file, line: lineNo))))
            top[top.count - 1].value = .mapping(children)
        }
        return top
    }

    /// Whether the value after the first colon is an unquoted `#rgb`/`#rrggbb`, which YAML reads as a comment.
    static func unquotedHexColour(_ line: Substring) -> Bool {
        guard let colon = line.firstIndex(of: ":") else { return false }
        let rest = line[line.index(after: colon)...].drop { $0 == " " }
        guard rest.first == "#" else { return false }
        let digits = rest.dropFirst().prefix { $0.isHexDigit }
        return digits.count == 3 || digits.count == 6
    }

    /// The line without its comment: `#` at the start or after whitespace, outside quotes. Trailing spaces trimmed.
    static func stripComment(_ s: Substring, file: String, line: Int) throws(ThemeError) -> Substring {
        var quote: Character?
        var previous: Character = " "
        var end = s.endIndex
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if let q = quote {
                if c == q { quote = nil }
                else if c == "\\" && q == "\"" { i = s.index(after: i); if i == s.endIndex { break } }
            } else if c == "\"" || c == "'" {
                if previous == " " || previous == ":" { quote = c }
            } else if c == "#" && (previous == " " || previous == "\t") {
                end = i
                break
            }
            previous = c
            i = s.index(after: i)
        }
        if quote != nil { throw ThemeError(file: file, line: line, message: "unterminated quoted string") }
        var out = s[s.startIndex..<end]
        while out.last == " " || out.last == "\t" { out = out.dropLast() }
        return out
    }

    /// Splits `key: value` (or `key:`), checking the key is a plain word.
    static func splitKey(_ s: Substring, file: String, line: Int) throws(ThemeError) -> (String, Substring) {
        guard let colon = s.firstIndex(of: ":") else {
            throw ThemeError(file: file, line: line, message: "expected 'key: value', found '\(s)'")
        }
        let key = s[..<colon]
        let after = s[s.index(after: colon)...]
        if s.hasPrefix("- ") || s == "-" {
            throw ThemeError(file: file, line: line, message: "lists are not supported here")
        }
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw ThemeError(file: file, line: line, message: "bad key '\(key)' (letters, digits, '_' and '-' only)")
        }
        guard after.isEmpty || after.first == " " else {
            throw ThemeError(file: file, line: line, message: "expected a space after ':' in '\(s)'")
        }
        return (String(key), after.drop { $0 == " " })
    }

    /// A scalar: double-quoted (escapes \" and \\), single-quoted ('' for '), or plain text.
    static func scalar(_ s: Substring, file: String, line: Int) throws(ThemeError) -> String {
        guard let q = s.first, q == "\"" || q == "'" else { return String(s) }
        var out = ""
        var i = s.index(after: s.startIndex)
        while i < s.endIndex {
            let c = s[i]
            if c == q {
                let next = s.index(after: i)
                if q == "'" && next < s.endIndex && s[next] == "'" {
                    out.append("'")
                    i = s.index(after: next)
                    continue
                }
                guard next == s.endIndex else {
                    throw ThemeError(file: file, line: line, message: "unexpected text after the closing quote")
                }
                return out
            }
            if q == "\"" && c == "\\" {
                i = s.index(after: i)
                guard i < s.endIndex else { break }
                switch s[i] {
                case "\"", "\\": out.append(s[i])
                case "n": out.append("\n")
                default: throw ThemeError(file: file, line: line, message: "unsupported escape '\\\(s[i])'")
                }
            } else {
                out.append(c)
            }
            i = s.index(after: i)
        }
        throw ThemeError(file: file, line: line, message: "unterminated quoted string")
    }
}
