import Testing
import TermCore
@testable import WorkbenchUI

@Suite struct HelpScreenTests {
    @Test func listsEveryBindingFromTheTable() throws {
        var s = try Fixture.state(cols: 200, rows: 80)
        Fixture.press(&s, .char("?"))
        #expect(s.screen == .help)
        let text = Fixture.text(s)
        for b in KeyBindings.all {
            #expect(text.contains(String(b.help.prefix(60))), "missing \(b.help)")
            #expect(text.contains(b.keyText))
        }
        Fixture.press(&s, .escape)
        #expect(s.screen == .models)
    }

    @Test func questionMarkReturnsToThePreviousScreen() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"), .char("?"), .char("?"))
        #expect(s.screen == .tune)
    }
}
