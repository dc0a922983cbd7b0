import EdgeIR
import Testing
@testable import EdgeSim

/// The vendor partitioning rules, on conv → tanh → conv → relu with an NPU that lacks Tanh.
@Suite struct PlacementTests {
    func place(_ rule: PartitionRule) throws -> (Placement, Workload, Device) {
        let d = try SimToy.device(partition: rule)
        let w = try Workload(graph: SimToy.convTanhConv())
        return (try Placement.place(w, device: d, runtime: d.defaultRuntime, precision: .int8), w, d)
    }

    func units(_ p: Placement, _ d: Device) -> [String] { p.decisions.map { d.units[$0.unit].id } }

    @Test func firstUnsupportedSendsTheRestToTheCPU() throws {
        let (p, _, d) = try place(.firstUnsupported)
        #expect(units(p, d) == ["npu", "cpu", "cpu", "cpu"])
        #expect(p.decisions[0].reason.isEmpty)
        #expect(p.decisions[1].reason.contains("does not support Tanh"))
        #expect(p.decisions[2].reason.contains("after the first unsupported op ('tanh')"))
    }

    @Test func perLayerFallsBackOneLayerAtATime() throws {
        let (p, _, d) = try place(.perLayer)
        #expect(units(p, d) == ["npu", "cpu", "npu", "npu"])
        #expect(p.decisions[1].reason.contains("falls back to cpu"))
    }

    @Test func wholeGraphMovesEverything() throws {
        let (p, _, d) = try place(.wholeGraph)
        #expect(units(p, d) == ["cpu", "cpu", "cpu", "cpu"])
    }

    @Test func unsupportedPrecisionFallsBack() throws {
        // The NPU has only int8: an fp32 deployment cannot use it at all.
        let d = try SimToy.device(partition: .perLayer)
        let w = try Workload(graph: SimToy.convTanhConv())
        let p = try Placement.place(w, device: d, runtime: d.defaultRuntime, precision: .fp32)
        #expect(units(p, d) == ["cpu", "cpu", "cpu", "cpu"])
        #expect(p.decisions[0].reason.contains("no fp32 datapath"))
    }

    @Test func partitionBoundariesPayLinkTransfers() throws {
        // per-layer: input → npu, npu → cpu (tanh), cpu → npu (conv2), npu → host (output): 4 transfers of
        // 16·8·8 = 1024 int8 elements, each 1024 B / 1e9 B/s + 10 µs = 11.024 µs.
        let d = try SimToy.device(partition: .perLayer)
        var index = ParameterIndex()
        let plan = try Plan(workload: Workload(graph: SimToy.convTanhConv()), device: d, runtime: d.defaultRuntime,
                            precision: .int8, parameters: &index)
        let t = plan.evaluate(index.values(from: SimToy.parameters))
        #expect(plan.transfers.count == 4)
        #expect(abs(t.transfer - 4 * 11.024e-6) < 1e-12)
    }
}
