/// How many terminal columns a Unicode scalar occupies: 0 (combining), 1, or 2 (East Asian wide, emoji).
///
/// TermCore cannot ask the C library (`wcwidth` depends on the process locale and is absent from the
/// no-dependency core), so it carries its own table: East Asian Width W/F ranges (Unicode 15 `EastAsianWidth.txt`,
/// merged into blocks) plus `Emoji_Presentation`, which Swift exposes. Terminals disagree at the margins
/// (ambiguous-width characters are treated as narrow, like glibc's wcwidth in a UTF-8 locale).
public enum CharWidth {
    /// Columns for `scalar`; control characters return -1 (callers replace them, they must never reach a terminal).
    ///
    /// - Complexity: O(1) for scalars below U+0300 (all of Latin-1); a short range scan otherwise.
    @inlinable
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x7F { return v >= 0x20 ? 1 : -1 }
        if v < 0xA0 { return -1 }
        if v < 0x300 { return 1 }
        return nonLatin(scalar)
    }

    @usableFromInline
    static func nonLatin(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        // Zero width: combining marks, format characters (ZWJ, ZWNJ, bidi controls), variation selectors,
        // Hangul medial vowels and final consonants.
        if (0x1160...0x11FF).contains(v) || (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v)
            || v == 0x200B
        {
            return 0
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        case .control, .lineSeparator, .paragraphSeparator, .surrogate: return -1
        default: break
        }
        if scalar.properties.isEmojiPresentation { return 2 }
        for r in wideRanges where r.contains(v) { return 2 }
        return 1
    }

    /// East Asian Wide and Fullwidth blocks (beyond the emoji already caught by `isEmojiPresentation`).
    @usableFromInline
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
        0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun, CJK compatibility
        0x3400...0x4DBF,  // CJK Extension A
        0x4E00...0x9FFF,  // CJK Unified Ideographs
        0xA000...0xA4CF,  // Yi
        0xA960...0xA97F,  // Hangul Jamo Extended-A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE6F,  // CJK compatibility forms, small form variants
        0xFF00...0xFF60,  // fullwidth forms
        0xFFE0...0xFFE6,  // fullwidth signs
        0x16FE0...0x16FE4, 0x17000...0x18CFF,  // Tangut
        0x1B000...0x1B2FF,  // Kana supplement, Nushu
        0x1F200...0x1F2FF,  // enclosed ideographic supplement
        0x20000...0x2FFFD, 0x30000...0x3FFFD,  // CJK Extensions B–H
    ]
}
