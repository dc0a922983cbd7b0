import Testing
@testable import TermCore

@Suite struct ColorPackingTests {
    @Test func kindsRoundTrip() {
        let kinds: [Color.Kind] = [.default, .ansi(5), .indexed(0), .indexed(255), .rgb(1, 2, 3), .rgb(255, 255, 255)]
        for k in kinds { #expect(Color(k).kind == k) }
        #expect(Color.ansi(9) == Color.ansi(1))  // only 0–7 exist
        #expect(Color.rgb(0, 0, 0) != Color.default && Color.indexed(0) != Color.black)
    }

    @Test func descriptions() {
        #expect(Color.rgb(0x5F, 0xAF, 0xD7).description == "#5fafd7")
        #expect(Color.cyan.description == "cyan")
        #expect(Color.indexed(74).description == "74")
        #expect(Color.default.description == "default")
    }
}
