import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// Seeded mutations of the real Silero VAD weights and of package-written files: every case must end
/// in an ``ImportError`` or a model whose tensors lie inside the file with their exact sizes.
@Suite(.serialized) struct SafetensorsFuzzTests {
    static func classify(_ file: MappedFile) -> FuzzHarness.Outcome {
        do {
            let model = try SafetensorsImporter.load(file: file)
            for t in model.graph.constants.values {
                guard case .mapped(let f, let offset, let length) = t.storage else { return .wrong("\(t.name) not mapped") }
                guard f.slice(offset: offset, length: length) != nil else { return .wrong("\(t.name) outside the file") }
                guard t.type.byteCount == length else { return .wrong("\(t.name): \(t.type) is not \(length) bytes") }
            }
            return .accepted
        } catch let e as ImportError {
            return e.description.contains("\n") ? .wrong("multi-line error: \(e)") : .rejected
        } catch {
            return .wrong("not an ImportError: \(error)")
        }
    }

    @Test func mutatedFilesFailCleanly() throws {
        let dir = try #require(SafetensorsReferenceTests.fixtures)
        var originals: [(name: String, bytes: [UInt8])] = []
        for p in ["single/model.safetensors", "sharded/model-00001-of-00002.safetensors"] {
            originals.append((p, Array(try Data(contentsOf: dir.appendingPathComponent(p)))))
        }
        // Silero's header plus its first tensors: the real header's mutations, at a fuzzable size.
        let silero = Array(try Data(contentsOf: URL(fileURLWithPath: SafetensorsReferenceTests.silero)))
        originals.append(("silero_vad_16k.safetensors", silero))
        let total = FuzzHarness.caseCount(default: 20_000)
        let report = FuzzHarness(format: "safetensors").run(originals: originals, casesEach: (total + originals.count - 1) / originals.count,
                                                            seed: 0x7361_6665, Self.classify)
        print("safetensors fuzz: \(report)")
        #expect(report.failures.isEmpty, "\(report.failures.prefix(10).joined(separator: "\n"))")
        #expect(report.cases >= total - originals.count)
        #expect(report.rejected > 0)
        #expect(report.accepted > 0)
    }

    @Test func regressionInputs() throws {
        let dir = TestPaths.repoRoot.appendingPathComponent("Tests/EdgeImportTests/Regressions/safetensors")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !name.hasPrefix(".") {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            if case .wrong(let why) = Self.classify(try InMemoryFile.map(bytes, name: "st-regression")) { Issue.record("\(name): \(why)") }
        }
    }
}
