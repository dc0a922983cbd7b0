import Testing
import TermCore
@testable import WorkbenchUI

@Suite struct DashboardScreenTests {
    @Test func sustainedRunRunsInTheBackgroundThenShowsEverything() throws {
        var s = try Fixture.state()
        let effects = Fixture.press(&s, .char("5"), now: 1)
        #expect(effects.contains { if case .sustain = $0 { return true } else { return false } })
        #expect(Fixture.text(s).contains("simulating 600 s at 30 fps"))
        Fixture.runEffects(effects, &s)
        let text = Fixture.text(s)
        for word in ["Temperature °C", "Clock % of max", "Latency ms per frame", "Power W at 30 fps",
                     "Frame latency distribution", "Run summary · int8 on rpi5", "budget 33.3 ms (30 fps, soft)",
                     "10 ms hard real-time", "energy", "mains powered", "shutdown", "trip 1"] {
            #expect(text.contains(word), "missing \(word)")
        }
        #expect(text.contains("MEETS") || text.contains("MISSES"))
        // Nothing changed: no second run.
        #expect(WorkbenchApp.update(&s, .event(.tick), now: 2).isEmpty)
        // `r` runs it again.
        let again = Fixture.press(&s, .char("r"))
        #expect(again.contains { if case .sustain = $0 { return true } else { return false } })
    }
}
