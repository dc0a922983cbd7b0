import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

/// The frame around the screens, and the terminal fallbacks: no colour, ASCII, a terminal too small.
@Suite struct ViewTests {
    @Test func chromeHasTabsContextStatusAndHints() throws {
        let s = try Fixture.state()
        let lines = Fixture.render(s).lines
        #expect(lines[0].hasPrefix(" 1 Models │ 2 Devices │ 3 Tune │ 4 Compare │ 5 Dashboard │ ? Help"))
        #expect(lines[1].contains("model MobileNet v2 ▸ strategy int8 ▸ device rpi5 ▸ scenario Classification at 30 fps"))
        #expect(lines[38].contains("Default — ") && lines[38].contains("theme default · 256 colours"))
        // Footer hints come from the bindings table.
        for h in KeyBindings.footer(for: .models).prefix(4) { #expect(lines[39].contains("\(h.key) \(h.hint)")) }
    }

    @Test func everyScreenFitsTheMinimumSize() throws {
        var s = try Fixture.state(cols: 80, rows: 24)
        for key in "12345?" {
            Fixture.runEffects(Fixture.press(&s, .char(key.unicodeScalars.first!)), &s)
            let b = Fixture.render(s)
            #expect(b.width == 80 && b.height == 24)
            #expect(b.lines[0].contains("1 Models"))
            #expect(b.lines[23].contains("?"))
        }
    }

    @Test func asciiTerminalsGetOnlyASCII() throws {
        var s = try Fixture.state()
        s.capabilities = TerminalCapabilities(utf8: false, colorDepth: .ansi8)
        s.glyphs = .ascii
        for key in "12345?" {
            Fixture.runEffects(Fixture.press(&s, .char(key.unicodeScalars.first!)), &s)
            let b = Fixture.render(s)
            #expect(b.cells.allSatisfy { $0.scalar.value < 0x80 && $0.marks.isEmpty }, "screen \(key)")
            #expect(b.lines.contains { $0.contains("+-") })  // box corners and rules in ASCII
        }
    }

    @Test func noColourMeansAttributesOnly() throws {
        var s = try Fixture.state()
        s.capabilities = TerminalCapabilities(utf8: true, colorDepth: .none)
        s.theme = s.themes[s.themeIndex].adapted(to: .none)
        let b = Fixture.render(s)
        #expect(b.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        // The selected tab stands out by reverse video.
        #expect(b.cells.contains { $0.style.attributes.contains(.reverse) })
        #expect(b.lines[38].contains("no colour"))
    }

    @Test func theTooSmallNoticeReplacesTheScreen() throws {
        let s = try Fixture.state()
        let terminal = HeadlessTerminal(cols: 70, rows: 20)
        terminal.pendingEvents = [.key(.char("q"))]
        let runner = WorkbenchRunner(state: s, terminal: terminal, clock: ManualClock())
        runner.run(tickMilliseconds: 0)
        #expect(terminal.screen.lines.joined(separator: "\n").contains("Terminal too small"))
        #expect(terminal.screen.lines.joined(separator: "\n").contains("70x20 (needs 80x24)"))
    }
}
