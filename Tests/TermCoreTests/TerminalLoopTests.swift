import Testing
@testable import TermCore

@Suite struct TerminalLoopTests {
    @Test func drawsHandlesAndShowsTooSmallScreen() {
        let term = HeadlessTerminal(cols: 80, rows: 24)
        term.pendingEvents = [.key(.char("a"))]
        var seen: [TerminalEvent] = []
        var frames = 0
        TerminalLoop.run(term, handle: { event in
            seen.append(event)
            if event == .key(.char("a")) { term.resize(cols: 60, rows: 15) }
            if event == .key(.char("b")) { term.resize(cols: 80, rows: 24) }
            if case .resize(60, 15) = event { term.pendingEvents.append(.key(.char("b"))) }
            if case .resize(80, 24) = event { term.pendingEvents.append(.key(.char("q"))) }
            if event == .key(.char("q")) { return false }
            return true
        }, render: { frame in
            frames += 1
            frame.write("hello", x: 0, y: 0)
        })
        #expect(seen == [.key(.char("a")), .resize(cols: 60, rows: 15), .key(.char("b")), .resize(cols: 80, rows: 24),
                         .key(.char("q"))])
        // Frames: 80×24 (app), after "a" the terminal is 60×15 (notice), after the resize event (notice), after
        // "b" 80×24 (app), after its resize event (app).
        #expect(frames == 3)
        #expect(term.screen.text(row: 0).hasPrefix("hello"))
    }

    @Test func noticeText() {
        var b = CellBuffer(width: 60, height: 15)
        TooSmallNotice().render(into: &b, area: b.bounds)
        // Three lines centred vertically: top = (15 − 3)/2 = 6; "Terminal too small" (18) at (60 − 18)/2 = 21.
        #expect(b.text(row: 6) == sp(21) + "Terminal too small" + sp(21))
        #expect(b.text(row: 7).trimmingCharacters(in: .whitespaces) == "60x15 (needs 80x24)")
        #expect(b[21, 6].style.attributes.contains(.bold))
        #expect(b.text(row: 5).allSatisfy { $0 == " " })
        #expect(TooSmallNotice().applies(cols: 79, rows: 24) && !TooSmallNotice().applies(cols: 80, rows: 24))
    }
}
