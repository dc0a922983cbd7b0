import Testing
@testable import TermCore

/// Column widths, checked against the Unicode East Asian Width and general-category assignments of each scalar.
@Suite struct CharWidthTests {
    @Test(arguments: [
        ("a", 1), ("é", 1), ("─", 1), ("⠉", 1), ("…", 1), ("µ", 1),
        ("中", 2), ("가", 2), ("Ａ", 2), ("😀", 2), ("ア", 2),
        ("\u{0301}", 0), ("\u{200D}", 0), ("\u{FE0F}", 0),
        ("\u{1B}", -1), ("\u{7F}", -1), ("\u{85}", -1),
    ] as [(String, Int)])
    func width(_ s: String, _ expected: Int) throws {
        let scalar = try #require(s.unicodeScalars.first)
        #expect(CharWidth.of(scalar) == expected)
    }

    @Test func stringWidth() {
        #expect(TextWidth.of("ab中") == 4)
        #expect(TextWidth.of("e\u{0301}") == 1)
        #expect(TextWidth.of("") == 0)
    }
}
