import Testing
import TermCore
@testable import WorkbenchUI

@Suite struct DevicesScreenTests {
    @Test func specsWithProvenanceAndARoofline() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("2"))
        let text = Fixture.text(s)
        #expect(text.contains("Devices (\(Fixture.simulator.catalog.devices.count))"))
        // The workspace's selected device is highlighted first.
        #expect(text.contains("Specs · rpi5"))
        #expect(text.contains("[published]") && text.contains("[estimated]"))
        #expect(text.contains("Roofline · cpu"))
        #expect(text.contains("layers of MobileNet v2"))
    }

    @Test func lifecycleWarningForTheNCS2() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("2"), .char("/"))
        for c in "ncs2" { Fixture.press(&s, .char(c.unicodeScalars.first!)) }
        Fixture.press(&s, .enter)
        let text = Fixture.text(s)
        #expect(text.contains("Specs · ncs2"))
        #expect(text.contains("END-OF-LIFE"))
    }

    @Test func spaceTogglesATargetDevice() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("2"), .char(" "))
        #expect(!s.workspace.devices.contains("rpi5"))
        #expect(s.isDirty)
        Fixture.press(&s, .char(" "))
        #expect(s.workspace.devices.last == "rpi5")
    }

    @Test func specsPaneScrollsToDVFSAndThermalParameters() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("2"), .tab)
        #expect(s.focusedPane == 1)
        Fixture.press(&s, .pageDown)
        #expect(s.devicesScreen.specsScroll > 0)
        let text = Fixture.text(s)
        #expect(text.contains("Thermal:") && text.contains("trips") && text.contains("shutdown"))
        #expect(text.contains("clock ") && text.contains("power "))  // DVFS states: clock and power per state
        // The scroll stops at the last page.
        Fixture.press(&s, .pageDown, .pageDown, .pageDown)
        let lines = DevicesScreen.specLines(try #require(s.device), s).count
        #expect(s.devicesScreen.specsScroll <= lines)
    }
}
