import EdgeOptimize
import Testing
@testable import Workbench

/// Which precision each layer runs at under a strategy, and the exact size that follows (sizes by hand).
@Suite struct PrecisionAssignmentTests {
    let int8 = PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))])

    @Test func pipelinePrecisionReachesWeightedLayersAndFlowsToTheRest() throws {
        let m = try TinyModel.model()
        let a = PrecisionAssignment(model: m, strategy: Strategy(pipeline: int8))
        // conv, relu, gap, flat, fc — relu/gap/flat follow their producer (conv, int8).
        #expect(a.layers == [.int8, .int8, .int8, .int8, .int8])
        #expect(a.dominant == .int8)
        #expect(a.used == [.int8])
        // conv.w 4,608 B + 32 fp32 scales 128 B; conv.b int32 128 B; fc.w 320 B + 10 scales 40 B; fc.b int32 40 B.
        #expect(a.weightBytes == 4_736 + 128 + 360 + 40)
        #expect(a.macs == 294_912 + 320)
        // 4,608 + 32 + 320 + 10 parameters.
        #expect(a.parameters == 4_970)
    }

    @Test func overridesMixPrecisionsAndKeepTheDominantByMACs() throws {
        let m = try TinyModel.model()
        let a = PrecisionAssignment(model: m, strategy: Strategy(pipeline: int8, overrides: ["fc": .fp16]))
        #expect(a.layers == [.int8, .int8, .int8, .int8, .fp16])
        // conv carries 294,912 MACs at int8 against fc's 320 at fp16.
        #expect(a.dominant == .int8)
        #expect(a.used == [.fp16, .int8])
        // fc.w at fp16: 320 × 2 = 640 B; the int32 bias the int8 step made stays 40 B.
        #expect(a.weightBytes == 4_736 + 128 + 640 + 40)
    }

    @Test func skipKeepsTheStoredPrecisionAndCanMoveTheDominant() throws {
        let m = try TinyModel.model()
        let a = PrecisionAssignment(model: m, strategy: Strategy(pipeline: int8, overrides: ["conv": .skip]))
        // skip → the model's own float32; relu/gap/flat follow conv.
        #expect(a.layers == [.fp32, .fp32, .fp32, .fp32, .int8])
        #expect(a.dominant == .fp32)
        #expect(!a.layers.contains(.skip))
    }

    @Test func baselineIsAllFloat32() throws {
        let m = try TinyModel.model()
        let a = PrecisionAssignment(model: m, strategy: Strategy(pipeline: .baseline))
        #expect(a.layers == Array(repeating: .fp32, count: 5))
        // (4,608 + 32 + 320 + 10) × 4 B.
        #expect(a.weightBytes == 19_880)
        #expect(a.sparsity == 0)
    }

    @Test func pruningComposesSparsity() throws {
        let m = try TinyModel.model()
        let p = PipelineSpec(name: "p", steps: [.prune(PruneSettings(method: .magnitude, sparsity: 0.5)),
                                                .prune(PruneSettings(method: .nm, n: 2, m: 4))])
        // Two steps keep 0.5 × 0.5 of the weights: 1 − 0.25 = 0.75 zero.
        #expect(PrecisionAssignment(model: m, strategy: Strategy(pipeline: p)).sparsity == 0.75)
    }

    @Test func weightedLayersAreTheOnesWithConstantWeights() throws {
        let m = try TinyModel.model()
        #expect(m.isWeighted == [true, false, false, false, true])
        #expect(m.weightName == ["conv.w", nil, nil, nil, "fc.w"])
        #expect(m.storedPrecision == .fp32)
    }
}

/// A strategy's overrides derived from its pipeline's assignment (no cost report) give the figures the cost
/// report of the overridden graph gives: by hand on the tiny model, and against the cost report on ResNet-50.
@Suite struct DerivedAssignmentTests {
    let int8 = PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))])

    func derived(_ m: WorkbenchModel, _ s: Strategy) -> PrecisionAssignment {
        let baseEstimate = StrategyEstimate(graph: m.graph, pipeline: s.pipeline)
        let base = PrecisionAssignment(model: m, strategy: Strategy(pipeline: s.pipeline))
        return PrecisionAssignment(model: m, strategy: s, over: base, baseEstimate: baseEstimate)
    }

    @Test func fc16OnTheTinyModelByHand() throws {
        let m = try TinyModel.model()
        let a = derived(m, Strategy(pipeline: int8, overrides: ["fc": .fp16, "conv": .int4]))
        #expect(a.layers == [.int4, .int4, .int4, .int4, .fp16])
        // conv.w int4 group-wise (128, symmetric): 4,608 × ½ = 2,304 B + 4,608 / 128 = 36 fp16 scales = 72 B;
        // conv.b stays the int8 step's int32 128 B; fc.w fp16 320 × 2 = 640 B; fc.b int32 40 B.
        #expect(a.weightBytes == 2_304 + 72 + 128 + 640 + 40)
        // Retyping changes no shape: 294,912 + 320 MACs and 4,970 parameters as before.
        #expect(a.macs == 294_912 + 320)
        #expect(a.parameters == 4_970)
    }

    /// Overrides by position among ResNet-50's 54 weighted layers (53 convolutions and the classifier): the first,
    /// middle and last layers, a downsampling shortcut, every precision including `skip`.
    @Test(arguments: [
        [(0, LayerPrecision.int4)],
        [(53, .fp16), (1, .skip), (52, .int4)],
        [(4, .fp32), (30, .int8), (0, .fp16), (17, .int4)],
    ])
    func resnet50MatchesTheCostReport(positions: [(Int, LayerPrecision)]) throws {
        let m = try WorkbenchModel(slot: ModelSlot(reference: "zoo:resnet50", label: "ResNet-50"))
        let weighted = m.graph.nodes.indices.filter { m.isWeighted[$0] }.map { m.graph.nodes[$0].name }
        #expect(weighted.count == 54)
        let overrides = Dictionary(uniqueKeysWithValues: positions.map { (weighted[$0.0], $0.1) })
        for pipeline in [int8, PipelineSpec(name: "fp16", steps: [.quantize(QuantizeSettings(precision: .fp16))]), .baseline] {
            let s = Strategy(pipeline: pipeline, overrides: overrides)
            // Reference: the full path, a cost report of the overridden graph.
            let full = PrecisionAssignment(model: m, strategy: s)
            #expect(full.costed)
            #expect(derived(m, s) == full)
        }
    }
}
