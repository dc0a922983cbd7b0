import EdgeOptimize
import Testing
@testable import EdgeSim
@testable import Workbench

/// Pareto flags and sorting on hand-placed cells.
@Suite struct ComparisonMatrixTests {
    /// A cell with the given latency (ms), energy (mJ), fit and quality.
    func cell(_ name: String, _ latencyMs: Double, _ energyMJ: Double, fits: Bool = true, quality: Double? = nil) -> ComparisonCell {
        let memory = MemoryFit(regions: [.init(name: "RAM", capacity: 100, required: fits ? 50 : 150, contents: "weights")],
                               onChipWeights: 0, streamedWeights: 0, onChipCapacity: nil)
        let e = MixedEstimate(deviceID: "d", deviceName: "d", latency: Figure(latencyMs / 1e3, "s", .exact),
                              throughput: Figure(1e3 / latencyMs, "inferences/s", .exact), energyPerInference: energyMJ / 1e3,
                              dynamicEnergy: 0, idlePower: 0, busyPower: 0, memory: memory, layerTimes: [], layerUnits: [],
                              fallbackLayers: 0, dominant: .int8, isComposed: false, notes: [])
        return ComparisonCell(strategy: name, deviceID: "d", estimate: .success(e), weightBytes: 0, quality: quality,
                              qualityLabel: quality == nil ? nil : "q", pareto: false)
    }

    @Test func paretoFlagsOnHandPlacedPoints() {
        let cells = [
            cell("A", 10, 5, quality: 30),
            cell("B", 12, 4),                 // slower but more frugal than A: kept
            cell("C", 12, 6),                 // slower and hungrier than A: dominated
            cell("D", 9, 9, fits: false),     // does not fit: never optimal, dominates nothing
            cell("E", 10, 5, quality: 30),    // ties A: neither is strictly better
            cell("F", 11, 5.5, quality: 40),  // worse than A and E in latency and energy, better in measured quality
        ]
        #expect(ComparisonMatrix.paretoFlags(cells) == [true, true, false, false, true, true])
    }

    @Test func qualityCountsOnlyWhenBothCellsHaveIt() {
        // Without a measurement on G, G is compared on latency and energy alone, and beats F there.
        let cells = [cell("F", 11, 5.5, quality: 40), cell("G", 10, 5)]
        #expect(ComparisonMatrix.paretoFlags(cells) == [false, true])
    }

    @Test func aFailedCellIsNeverOptimal() {
        var failed = cell("X", 1, 1)
        failed.estimate = .failure(.simulation(device: "d", reason: "unsupported"))
        #expect(ComparisonMatrix.paretoFlags([failed, cell("A", 10, 5)]) == [false, true])
    }

    @Test func rowsSortByTheMetricWithUnknownLast() {
        var unknown = cell("U", 1, 1)
        unknown.estimate = .failure(.simulation(device: "d", reason: "x"))
        let m = ComparisonMatrix(strategies: ["A", "B", "U", "C"], devices: ["d"],
                                 cells: [cell("A", 10, 5), cell("B", 3, 9), unknown, cell("C", 7, 1)])
        #expect(m.rowOrder(by: .latency, column: 0) == [1, 3, 0, 2])           // 3, 7, 10 ms, then unknown
        #expect(m.rowOrder(by: .latency, column: 0, bestFirst: false) == [0, 3, 1, 2])
        #expect(m.rowOrder(by: .fps, column: 0) == [1, 3, 0, 2])               // more fps is better
        #expect(m.rowOrder(by: .energy, column: 0) == [3, 0, 1, 2])            // 1, 5, 9 mJ
        #expect(m.rowOrder(by: .accuracy, column: 0) == [0, 1, 2, 3])          // nothing measured: order kept
    }

    @Test func matrixOverRealDevicesHasOneCellPerPair() throws {
        let m = try TinyModel.model()
        var cache = EstimationCache(model: m)
        let strategies = [Strategy(pipeline: .baseline),
                          Strategy(pipeline: PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))]))]
        let devices = try ["rpi5", "coral-usb", "jetson-orin-nano-super"].map(TinyModel.device)
        let matrix = ComparisonMatrix.build(cache: &cache, strategies: strategies, devices: devices, simulator: TinyModel.simulator)
        #expect(matrix.cells.count == 6)
        #expect(matrix[1, 2].strategy == "int8" && matrix[1, 2].deviceID == "jetson-orin-nano-super")
        // Exact sizes from PrecisionAssignmentTests: 19,880 B fp32, 5,264 B int8.
        #expect(matrix[0, 0].weightBytes == 19_880 && matrix[1, 0].weightBytes == 5_264)
        #expect(matrix.cells.contains { $0.pareto })
    }
}
