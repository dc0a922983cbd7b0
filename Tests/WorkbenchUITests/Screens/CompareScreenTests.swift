import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

@Suite struct CompareScreenTests {
    @Test func matrixWithParetoCellsAndMetrics() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("4"))
        let m = try #require(s.compare.matrix)
        #expect(m.strategies == ["fp32", "fp16", "int8", "2:4+int8"])
        #expect(m.devices == s.workspace.devices)
        let text = Fixture.text(s)
        #expect(text.contains("Strategies × devices"))
        #expect(text.contains("★"))
        #expect(text.contains("metric latency"))
        #expect(m.cells.contains { $0.pareto })
        Fixture.press(&s, .char("m"))
        #expect(s.compare.metric == .fps)
        #expect(Fixture.text(s).contains("metric fps"))
    }

    @Test func sortingByADeviceColumn() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("4"), .char("o"))
        let m = try #require(s.compare.matrix)
        let order = CompareScreen.order(s.compare)
        let latencies = order.map { m[$0, 0].value(.latency) ?? .infinity }
        #expect(latencies == latencies.sorted())
        Fixture.press(&s, .char("o"))
        let reversed = CompareScreen.order(s.compare).map { m[$0, 0].value(.latency) ?? .infinity }
        #expect(reversed == reversed.sorted(by: >))
    }

    @Test func twoCellsSideBySide() throws {
        var s = try Fixture.state()
        // fp32 on rpi5, then int8 on rpi5.
        Fixture.press(&s, .char("4"), .enter, .down, .down, .enter)
        let c = try #require(s.compare.comparison)
        #expect(c.titleA == "fp32 on rpi5" && c.titleB == "int8 on rpi5")
        let text = Fixture.text(s)
        #expect(text.contains("A: fp32 on rpi5  vs  B: int8 on rpi5"))
        #expect(text.contains("Δ ms") && text.contains("prec A"))
        #expect(c.differing.count > 0)
        Fixture.press(&s, .escape)
        #expect(s.compare.comparison == nil)
    }
}
