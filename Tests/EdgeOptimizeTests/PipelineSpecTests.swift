import Foundation
import Testing
@testable import EdgeOptimize

/// Pipeline files: valid ones parse, every mistake is caught before work starts with file:line:col.
@Suite struct PipelineSpecTests {
    @Test func parsesAllStepKinds() throws {
        let yaml = """
            name: pruned-int8
            steps:
              - prune: {method: magnitude, sparsity: 0.5}
              - lowrank: {energy: 0.95}
              - quantize: {precision: int8, granularity: per-channel, calibration: percentile, percentile: 99.99}
            """
        let p = try PipelineSpec.parse(yaml: yaml, file: "p.yaml")
        #expect(p.name == "pruned-int8")
        #expect(p.steps.count == 3)
        #expect(p.summary == "prune(magnitude, 0.5) → lowrank(energy 0.95) → quantize(int8, per-channel, percentile 99.99)")
        let nm = try PipelineSpec.parse(yaml: "name: s\nsteps:\n  - prune: {method: \"n:m\", pattern: \"2:4\"}\n", file: "s.yaml")
        guard case .prune(let s) = nm.steps[0] else { Issue.record("not a prune step"); return }
        #expect(s.effectiveSparsity == 0.5)
        let q4 = try PipelineSpec.parse(yaml: "name: w4\nsteps:\n  - quantize: {precision: int4, group_size: 64}\n", file: "w.yaml")
        #expect(q4.summary == "quantize(int4, weight-only, g64)")
    }

    @Test func pruneExclusionsParseEmitAndDecodeOldFiles() throws {
        let p = try PipelineSpec.parse(yaml: "name: s\nsteps:\n  - prune: {method: \"n:m\", pattern: \"2:4\", exclude: [emb, Conv]}\n", file: "s.yaml")
        #expect(p.summary == "prune(2:4, except emb,Conv)")
        // Written back as YAML and read again: the same pipeline.
        let again = try PipelineSpec.parse(yaml: p.yamlLines().joined(separator: "\n") + "\n", file: "again.yaml")
        #expect(again == p)
        // JSON from before `exclude` existed still decodes (as no exclusions).
        let old = #"{"method":"magnitude","sparsity":0.5,"scope":"layer","n":2,"m":4,"norm":"l1"}"#
        let s = try JSONDecoder().decode(PruneSettings.self, from: Data(old.utf8))
        #expect(s == PruneSettings(method: .magnitude, sparsity: 0.5))
        #expect(try JSONDecoder().decode(PruneSettings.self, from: JSONEncoder().encode(PruneSettings(method: .nm, exclude: ["a"]))).exclude == ["a"])
    }

    func expectError(_ yaml: String, line: Int, contains text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try PipelineSpec.parse(yaml: yaml, file: "bad.yaml")
            Issue.record("accepted: \(yaml)", sourceLocation: sourceLocation)
        } catch let e as YAMLError {
            #expect(e.file == "bad.yaml", sourceLocation: sourceLocation)
            #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
            #expect(e.description.contains(text), "\(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func typosAndImpossibleSettingsNameLineAndColumn() {
        // Lines are 1-based; the error sits on the offending key or value.
        expectError("name: x\nsteps:\n  - quantise: {precision: int8}\n", line: 3, contains: "unknown key 'quantise'; did you mean 'quantize'?")
        expectError("name: x\nsteps:\n  - prune: {sparsity: 1.0}\n", line: 3, contains: "sparsity must be in [0, 1)")
        expectError("name: x\nsteps:\n  - prune: {sparsity: -0.1}\n", line: 3, contains: "sparsity must be in [0, 1)")
        expectError("name: x\nsteps:\n  - quantize: {precision: int3}\n", line: 3, contains: "precision 'int3' is not one of")
        expectError("name: x\nsteps:\n  - quantize:\n      precision: int8\n      granularty: per-tensor\n", line: 5,
                    contains: "did you mean 'granularity'")
        expectError("name: x\nsteps:\n  - quantize: {precision: int4, group_size: 100}\n", line: 3, contains: "group_size must be 32, 64 or 128")
        expectError("name: x\nsteps:\n  - lowrank: {energy: 0}\n", line: 3, contains: "energy must be in (0, 1]")
        expectError("name: x\nsteps:\n  - prune: {method: \"n:m\", pattern: \"4:4\"}\n", line: 3, contains: "1 ≤ N < M")
        expectError("name: x\nsteps:\n  - quantize: {precision: q4_0, mode: dynamic}\n", line: 3, contains: "dynamic quantization is int8 only")
        expectError("name: x\nsteps: [\n", line: 3, contains: "YAML syntax")
        expectError("steps: []\n", line: 1, contains: "needs a 'name'")
    }
}
