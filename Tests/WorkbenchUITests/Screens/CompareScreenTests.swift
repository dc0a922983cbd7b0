import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

@Suite struct CompareScreenTests {
    @Test func matrixWithParetoCellsAndMetrics() throws {
        var s = try Fixture.state()
        Fixture.runEffects(Fixture.press(&s, .char("4")), &s)
        let m = try #require(s.compare.matrix)
        #expect(!m.cells.contains { $0.pending })
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
        Fixture.runEffects(Fixture.press(&s, .char("4")), &s)
        Fixture.press(&s, .char("o"))
        let m = try #require(s.compare.matrix)
        let order = CompareScreen.order(s.compare)
        let latencies = order.map { m[$0, 0].value(.latency) ?? .infinity }
        #expect(latencies == latencies.sorted())
        Fixture.press(&s, .char("o"))
        let reversed = CompareScreen.order(s.compare).map { m[$0, 0].value(.latency) ?? .infinity }
        #expect(reversed == reversed.sorted(by: >))
    }

    @Test func aStrategyChangeRecomputesOnlyItsRowAndEqualsTheFullRebuild() throws {
        var s = try Fixture.state()
        Fixture.runEffects(Fixture.press(&s, .char("4")), &s)
        let before = try #require(s.compare.matrix)
        // Tune an override (a new strategy row "int8+tuned"): int4 has no run yet on any device.
        let cache = try #require(s.cache)
        let last = try #require(TuneScreen.weightedLayers(cache).last)
        let layer = cache.model.graph.nodes[last].name
        s.workspace.selection.overrides = [layer: .int4]
        let effects = WorkbenchApp.update(&s, .event(.tick), now: 0)
        let m = try #require(s.compare.matrix)
        #expect(m.strategies == before.strategies + ["int8+tuned"])
        // The unchanged rows are the very cells computed before (reused, not recomputed).
        for r in before.strategies.indices {
            for c in before.devices.indices {
                #expect(m[r, c].estimateValue?.latency.value == before[r, c].estimateValue?.latency.value)
            }
        }
        // The new row: the selected device computed in place, the others pending until their jobs report.
        let newRow = m.strategies.count - 1
        let selectedID = try #require(s.device?.id)
        let selected = try #require(m.devices.firstIndex(of: selectedID))
        #expect(!m[newRow, selected].pending && m[newRow, selected].estimateValue != nil)
        #expect(m.devices.indices.filter { $0 != selected }.allSatisfy { m[newRow, $0].pending })
        #expect(Fixture.text(s).contains("sim…"))
        Fixture.runEffects(effects, &s)
        let filled = try #require(s.compare.matrix)
        #expect(!filled.cells.contains { $0.pending })
        // Equal to the full path: a fresh cache building every cell in place.
        var fresh = EstimationCache(model: cache.model)
        let full = ComparisonMatrix.build(cache: &fresh, strategies: s.strategies, devices: s.targetDevices, simulator: s.simulator)
        #expect(full.strategies == filled.strategies && full.devices == filled.devices)
        for i in full.cells.indices {
            #expect(full.cells[i].estimateValue?.latency.value == filled.cells[i].estimateValue?.latency.value)
            #expect(full.cells[i].estimateValue?.energyPerInference == filled.cells[i].estimateValue?.energyPerInference)
            #expect(full.cells[i].weightBytes == filled.cells[i].weightBytes)
            #expect(full.cells[i].pareto == filled.cells[i].pareto, "\(full.cells[i].strategy) on \(full.cells[i].deviceID)")
        }
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
