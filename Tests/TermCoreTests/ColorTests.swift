import Testing
@testable import TermCore

/// Colour downgrading (24-bit → 256 → 8 → none) and depth detection. Palette values are xterm's
/// (256colres.h: cube levels 0,95,135,175,215,255; grey ramp 8+10k; XTerm-col.ad for colours 0–7).
@Suite struct ColorTests {
    @Test func rgbToPaletteUsesCubeOrGreyRamp() {
        // Pure red: each channel's cube step (255−35)/40 = 5, 0, 0 → 16 + 36·5 = 196, exact.
        #expect(Color.rgb(255, 0, 0).downgraded(to: .indexed256) == .indexed(196))
        // (0,95,135) are cube levels 0,1,2 → 16 + 0 + 6 + 2 = 24.
        #expect(Color.rgb(0, 95, 135).downgraded(to: .indexed256) == .indexed(24))
        // Mid grey 128: cube → level 135 (distance 3·7² = 147); ramp (128−8+5)/10 = 12 → 8+120 = 128, exact → 244.
        #expect(Color.rgb(128, 128, 128).downgraded(to: .indexed256) == .indexed(244))
        // (30,30,30): cube → 0 (distance 3·30² = 2700); ramp (30−3)/10 = 2 → 28 (distance 12) → 234.
        #expect(Color.rgb(30, 30, 30).downgraded(to: .indexed256) == .indexed(234))
    }

    @Test func paletteToEightColours() {
        #expect(Color.indexed(3).downgraded(to: .ansi8) == .ansi(3))
        #expect(Color.indexed(9).downgraded(to: .ansi8) == .ansi(1))  // bright red → red
        // 196 = (255,0,0): to red (205,0,0) 50² = 2500; to yellow 50² + 205² = 44525 → red.
        #expect(Color.indexed(196).downgraded(to: .ansi8) == .ansi(1))
        // 232 = (8,8,8) → black.
        #expect(Color.indexed(232).downgraded(to: .ansi8) == .black)
    }

    @Test func rgbToEightColours() {
        // #1c1c1c = (28,28,28): to black 3·28² = 2352, smallest → black.
        #expect(Color.rgb(28, 28, 28).downgraded(to: .ansi8) == .black)
        // #d0d0d0 = (208,208,208): to white (229) 3·21² = 1323; to yellow 2·3² + 208² = 43282 → white.
        #expect(Color.rgb(208, 208, 208).downgraded(to: .ansi8) == .white)
        // #5fafd7 = (95,175,215): cyan (0,205,205) 95²+30²+10² = 10025; white 134²+54²+14² = 21068 → cyan.
        #expect(Color.rgb(95, 175, 215).downgraded(to: .ansi8) == .cyan)
    }

    @Test func noColourAndTrueColour() {
        for c in [Color.red, .indexed(200), .rgb(1, 2, 3)] {
            #expect(c.downgraded(to: .none) == .default)
            #expect(c.downgraded(to: .trueColor) == c)
        }
        for d in ColorDepth.allCases { #expect(Color.default.downgraded(to: d) == .default) }
        #expect(Color.green.downgraded(to: .indexed256) == .green)
    }

    @Test func depthDetectionHonoursNoColor() {
        #expect(ColorDepth.detect(colors: 256, environment: [:]) == .indexed256)
        #expect(ColorDepth.detect(colors: 256, environment: ["NO_COLOR": "1"]) == .none)
        // no-color.org: an empty NO_COLOR does not disable colour.
        #expect(ColorDepth.detect(colors: 256, environment: ["NO_COLOR": ""]) == .indexed256)
        #expect(ColorDepth.detect(colors: 8, environment: [:]) == .ansi8)
        #expect(ColorDepth.detect(colors: 16, environment: [:]) == .ansi8)
        #expect(ColorDepth.detect(colors: 2, environment: [:]) == .none)
        #expect(ColorDepth.detect(colors: 0, environment: [:]) == .none)
        #expect(ColorDepth.detect(colors: 1 << 24, environment: [:]) == .trueColor)
    }

    @Test func luma() {
        // Rec. 601: (299·229 + 587·229 + 114·229)/1000 = 229.
        #expect(Color.white.approximateLuma == 229)
        #expect(Color.black.approximateLuma == 0)
        // (299·255)/1000 = 76.
        #expect(Color.rgb(255, 0, 0).approximateLuma == 76)
    }
}
