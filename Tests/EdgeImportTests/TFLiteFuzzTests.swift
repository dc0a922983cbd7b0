import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// Seeded mutations of the real MediaPipe models: every case must end in an ``ImportError`` or a model
/// whose constants all lie inside the file with their exact sizes.
@Suite(.serialized) struct TFLiteFuzzTests {
    static func classify(_ file: MappedFile) -> FuzzHarness.Outcome {
        do {
            let model = try TFLiteImporter.load(file: file)
            for t in model.graph.constants.values {
                guard case .mapped(let f, let offset, let length) = t.storage else { continue }
                guard f.slice(offset: offset, length: length) != nil else { return .wrong("\(t.name) outside the file") }
            }
            return .accepted
        } catch let e as ImportError {
            return e.description.contains("\n") ? .wrong("multi-line error: \(e)") : .rejected
        } catch {
            return .wrong("not an ImportError: \(error)")
        }
    }

    @Test func mutatedFilesFailCleanly() throws {
        // The three smallest models (all op kinds of the set but sparsity/custom) plus one with custom ops.
        let wanted = ["face_detection_short_range.tflite", "hand_recrop.tflite", "selfie_segmentation.tflite",
                      "face_detection_full_range_sparse.tflite"]
        let originals = try TFLiteReferenceTests.files.filter { p in wanted.contains { p.hasSuffix($0) } }.map { p in
            (name: String(p.split(separator: "/").last!), bytes: Array(try Data(contentsOf: URL(fileURLWithPath: p))))
        }
        try #require(originals.count == wanted.count)
        // The schema-API fixture: external buffer, per-axis quantization, strided slice, custom op.
        let dir = try #require(TFLiteReferenceTests.fixtures)
        let originalsAll = originals + [(name: "external.tflite",
                                         bytes: Array(try Data(contentsOf: dir.appendingPathComponent("external.tflite"))))]
        let total = FuzzHarness.caseCount(default: 20_000)
        let report = FuzzHarness(format: "tflite").run(originals: originalsAll, casesEach: (total + originalsAll.count - 1) / originalsAll.count,
                                                       seed: 0x7466_6C33, Self.classify)
        print("TFLite fuzz: \(report)")
        #expect(report.failures.isEmpty, "\(report.failures.prefix(10).joined(separator: "\n"))")
        #expect(report.cases >= total - originalsAll.count)
        #expect(report.rejected > 0)
        #expect(report.accepted > 0)
    }

    /// Inputs that once misbehaved, kept under Regressions/tflite/, must now end cleanly.
    @Test func regressionInputs() throws {
        let dir = TestPaths.repoRoot.appendingPathComponent("Tests/EdgeImportTests/Regressions/tflite")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !name.hasPrefix(".") {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            if case .wrong(let why) = Self.classify(try InMemoryFile.map(bytes, name: "tflite-regression")) {
                Issue.record("\(name): \(why)")
            }
        }
    }
}
