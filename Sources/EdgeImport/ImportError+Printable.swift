extension ImportError {
    /// A name read from a file, made safe for a one-line message: control characters escaped,
    /// invalid text replaced, and at most `limit` characters kept.
    ///
    /// Names in hostile files can hold newlines, terminal escapes or megabytes of bytes; an error
    /// message must stay one readable line whatever the file holds.
    public static func printable(_ name: String, limit: Int = 64) -> String {
        var out = ""
        var n = 0
        for scalar in name.unicodeScalars {
            if n >= limit { out += "…"; break }
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F, 0x80..<0xA0, 0x2028, 0x2029:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
            n += 1
        }
        return out
    }
}
