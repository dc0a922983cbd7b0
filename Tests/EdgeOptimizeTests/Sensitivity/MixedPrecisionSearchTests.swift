import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Mixed precision on Magika: every returned model is re-measured here (a fresh scorer on the engine,
/// and onnxruntime on the exported file) against the constraint it was searched under.
@Suite(.serialized) struct MixedPrecisionSearchTests {
    static let minSQNR = 25.0

    /// Output SQNR of `m` against the original, measured by a scorer built for this check only.
    func remeasure(_ c: MagikaCorpus, _ m: Model, feed: [String: HostTensor], labels: [Int]? = nil) throws -> OutputScorer.Score {
        try OutputScorer(graph: c.model.graph, evaluation: [feed], labels: labels, opset: PipelineRunner.opset(of: c.model)).score(m.graph)
    }

    @Test func aTinyBudgetStillReturnsAValidModelAndAGenerousOneAFarSmallerOne() throws {
        let c = try MagikaCorpus.load()
        let (feed, _) = c.feed(rows: 6)
        let search = try MixedPrecisionSearch(model: c.model, evaluation: [feed])
        // No time at all: the original model (the only one known to meet the constraint).
        let (quick, q) = try search.run(c.model, constraint: .minOutputSQNR(Self.minSQNR), timeBudget: 0)
        #expect(q.stoppedEarly)
        #expect(try remeasure(c, quick, feed: feed).sqnr >= Self.minSQNR)
        #expect(q.weightBytes == q.originalWeightBytes && q.originalWeightBytes == 4 * 781_376)

        var lines: [String] = []
        let (small, r) = try search.run(c.model, constraint: .minOutputSQNR(Self.minSQNR), timeBudget: 600, progress: { lines.append($0) })
        print("mixed precision (min \(Self.minSQNR) dB): \(r.assignment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.rawValue)" }) "
              + "weights \(r.weightBytes) of \(r.originalWeightBytes) B, SQNR \(r.score.sqnr) dB, \(r.evaluations) evaluations, \(r.seconds) s")
        #expect(!r.stoppedEarly)
        let again = try remeasure(c, small, feed: feed)
        #expect(again.sqnr >= Self.minSQNR)
        #expect(abs(again.sqnr - r.score.sqnr) < 1e-9)
        // Far smaller than fp32: at least everything in fp16 (half) — int8 per channel alone is > 30 dB
        // per layer on Magika (SensitivityAnalysisTests), so the search must do better than half.
        #expect(r.weightBytes < r.originalWeightBytes / 2)
        #expect(!lines.isEmpty)
        // onnxruntime on the exported model agrees with the constraint (its own fp32 reference).
        let ort = try c.ort(small, rows: 6)
        let ortSQNR = try #require(ort["sqnr"] as? Double)
        print("mixed precision: onnxruntime SQNR \(ortSQNR) dB")
        #expect(ortSQNR >= Self.minSQNR - 0.05)
    }

    @Test func accuracyConstraintIsMetOnTheLabels() throws {
        let c = try MagikaCorpus.load()
        let (feed, labels) = c.feed(rows: 6)
        let search = try MixedPrecisionSearch(model: c.model, evaluation: [feed], labels: labels)
        let (m, r) = try search.run(c.model, constraint: .maxAccuracyDrop(0), timeBudget: 600)
        let again = try remeasure(c, m, feed: feed, labels: labels)
        let base = try #require(search.scorer.baselineAccuracy), acc = try #require(again.accuracy)
        print("mixed precision (max drop 0): accuracy \(acc) vs \(base) on \(labels.count) files, weights \(r.weightBytes) of \(r.originalWeightBytes) B")
        #expect(acc >= base)
        #expect(r.weightBytes < r.originalWeightBytes)
        // A constraint that cannot be measured is refused before any work.
        let unlabelled = try MixedPrecisionSearch(model: c.model, evaluation: [feed])
        #expect(throws: OptimizeError.self) { try unlabelled.run(c.model, constraint: .maxAccuracyDrop(0.01), timeBudget: 1) }
        #expect(throws: OptimizeError.self) { try search.run(c.model, constraint: .maxAccuracyDrop(1.5), timeBudget: 1) }
    }

    /// An injected objective drives the choice: one that prefers fp16 everywhere (distance of each
    /// layer's bits from 16) yields all-fp16, which meets 25 dB easily (fp16 weights are > 66 dB).
    @Test func anInjectedObjectiveIsWhatIsMinimised() throws {
        let c = try MagikaCorpus.load()
        let (feed, _) = c.feed(rows: 3)
        let search = try MixedPrecisionSearch(model: c.model, evaluation: [feed])
        let (layers, _) = QuantizableLayer.find(in: c.model.graph)
        let objective: (MixedPrecisionSearch.Assignment) -> Double = { a in
            layers.reduce(0.0) { $0 + Double(abs((a[$1.node] ?? .fp32).bits - 16)) }
        }
        let (_, r) = try search.run(c.model, constraint: .minOutputSQNR(Self.minSQNR), timeBudget: 600, objective: objective)
        #expect(r.originalObjective == 48)   // three layers × |32 − 16|
        #expect(r.objective == 0)
        #expect(r.assignment.values.allSatisfy { $0 == .fp16 } && r.assignment.count == 3)
    }
}
