/// Colour depth reduction: 24-bit → 256 → 8 → none, by nearest colour in RGB space.
extension Color {
    /// Levels of the xterm 6×6×6 colour cube (indices 16–231), per channel.
    static let cubeLevels: [UInt8] = [0, 95, 135, 175, 215, 255]

    /// xterm's default RGB for the 8 ANSI colours (XTerm-col.ad: black, red3, green3, yellow3, blue2, magenta3,
    /// cyan3, gray90); the targets of the nearest-colour search when only 8 colours exist.
    static let ansiRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
    ]

    /// xterm's default RGB for the bright system colours 8–15.
    static let brightRGB: [(UInt8, UInt8, UInt8)] = [
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// This colour as it should be shown on a terminal of the given depth.
    ///
    /// - Complexity: O(1); done once per theme role at start-up, not per cell.
    public func downgraded(to depth: ColorDepth) -> Color {
        switch (kind, depth) {
        case (.default, _), (_, .trueColor): return self
        case (_, .none): return .default
        case (.ansi, _): return self
        case (.indexed(let i), .indexed256): return .indexed(i)
        case (.indexed(let i), .ansi8):
            if i < 8 { return .ansi(i) }
            if i < 16 { return .ansi(i - 8) }
            let (r, g, b) = Color.rgbOfIndex(i)
            return .ansi(Color.nearestANSI(r, g, b))
        case (.rgb(let r, let g, let b), .indexed256): return .indexed(Color.nearestIndex256(r, g, b))
        case (.rgb(let r, let g, let b), .ansi8): return .ansi(Color.nearestANSI(r, g, b))
        }
    }

    /// The RGB value xterm shows for a 256-palette index.
    static func rgbOfIndex(_ i: UInt8) -> (UInt8, UInt8, UInt8) {
        switch i {
        case 0..<8: return ansiRGB[Int(i)]
        case 8..<16: return brightRGB[Int(i) - 8]
        case 16...231:
            let n = Int(i) - 16
            return (cubeLevels[n / 36], cubeLevels[(n / 6) % 6], cubeLevels[n % 6])
        default:
            let v = UInt8(8 + 10 * (Int(i) - 232))
            return (v, v, v)
        }
    }

    /// Nearest palette index among the colour cube (16–231) and the grey ramp (232–255).
    ///
    /// System colours 0–15 are skipped because users often redefine them; cube and ramp are fixed by xterm.
    static func nearestIndex256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        func cubeStep(_ v: UInt8) -> Int {
            // Midpoints between levels 0,95,135,175,215,255 are 47.5, 115, 155, 195, 235.
            if v < 48 { return 0 }
            if v < 115 { return 1 }
            return (Int(v) - 35) / 40
        }
        let (cr, cg, cb) = (cubeStep(r), cubeStep(g), cubeStep(b))
        let cube = 16 + 36 * cr + 6 * cg + cb
        let cubeDist = dist2(r, g, b, cubeLevels[cr], cubeLevels[cg], cubeLevels[cb])
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let greyStep = min(23, max(0, (average - 8 + 5) / 10))
        let grey = UInt8(8 + 10 * greyStep)
        let greyDist = dist2(r, g, b, grey, grey, grey)
        return greyDist < cubeDist ? UInt8(232 + greyStep) : UInt8(cube)
    }

    /// Nearest of the 8 ANSI colours (xterm's defaults) by squared RGB distance; ties go to the lower index.
    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> UInt8 {
        var best = 0
        var bestDist = Int.max
        for (i, c) in ansiRGB.enumerated() {
            let d = dist2(r, g, b, c.0, c.1, c.2)
            if d < bestDist { (best, bestDist) = (i, d) }
        }
        return UInt8(best)
    }

    static func dist2(_ r1: UInt8, _ g1: UInt8, _ b1: UInt8, _ r2: UInt8, _ g2: UInt8, _ b2: UInt8) -> Int {
        let dr = Int(r1) - Int(r2), dg = Int(g1) - Int(g2), db = Int(b1) - Int(b2)
        return dr * dr + dg * dg + db * db
    }

    /// Relative brightness 0–255 (Rec. 601 luma weights), used to pick a readable foreground on a background.
    public var approximateLuma: Int {
        let (r, g, b): (UInt8, UInt8, UInt8)
        switch kind {
        case .default: return -1
        case .ansi(let i): (r, g, b) = Color.ansiRGB[Int(i & 7)]
        case .indexed(let i): (r, g, b) = Color.rgbOfIndex(i)
        case .rgb(let rr, let gg, let bb): (r, g, b) = (rr, gg, bb)
        }
        return (299 * Int(r) + 587 * Int(g) + 114 * Int(b)) / 1000
    }
}
