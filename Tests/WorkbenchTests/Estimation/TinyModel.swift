import EdgeIR
import EdgeSim
import Foundation
@testable import Workbench

/// The hand-checkable model the estimation tests use, and the shared device catalog.
///
/// x[1,16,8,8] → Conv(32, 3×3, pad 1, bias) → Relu → GAP → Flatten → Gemm(10, weight [10,32], bias).
/// Conv MACs: 32 out × 8·8 positions × 16·3·3 = 294,912; Gemm MACs: 10 × 32 = 320.
enum TinyModel {
    static func graph(fcWeights: [Float]? = nil, convWeights: [Float]? = nil) throws -> Graph {
        var b = GraphBuilder(name: "tiny")
        let x = b.input("x", .float32, Shape([1, 16, 8, 8]))
        func storage(_ v: [Float]?) -> TensorStorage { v.map { .memory($0.withUnsafeBytes { Array($0) }) } ?? .absent }
        var y = try b.apply(.conv, [x, b.weight("conv.w", .float32, Shape([32, 16, 3, 3]), storage: storage(convWeights)),
                                    b.weight("conv.b", .float32, Shape([32]))], ["pads": .ints([1, 1, 1, 1])], name: "conv")
        y = try b.apply(.relu, [y], name: "relu")
        y = try b.apply(.globalAveragePool, [y], name: "gap")
        y = try b.apply(.flatten, [y], name: "flat")
        y = try b.apply(.gemm, [y, b.weight("fc.w", .float32, Shape([10, 32]), storage: storage(fcWeights)),
                                b.weight("fc.b", .float32, Shape([10]))], ["transB": .int(1)], name: "fc")
        b.output(y)
        return try b.finish()
    }

    static func model(fcWeights: [Float]? = nil, convWeights: [Float]? = nil) throws -> WorkbenchModel {
        let g = try graph(fcWeights: fcWeights, convWeights: convWeights)
        return try WorkbenchModel(slot: ModelSlot(reference: "tiny", label: "tiny"),
                                  model: Model(graph: g, metadata: ModelMetadata(format: "zoo", source: "tiny")))
    }

    /// The built-in device catalog, loaded once.
    static let simulator: Simulator = {
        // The catalog ships with the package; a failure here is a broken build, reported by every test using it.
        (try? Simulator(catalog: DeviceCatalog.load())) ?? Simulator(catalog: DeviceCatalog(devices: []))
    }()

    static func device(_ id: String) throws -> Device { try simulator.catalog.require(id) }
}
