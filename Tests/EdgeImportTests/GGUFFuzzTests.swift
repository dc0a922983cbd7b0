import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// Seeded mutations of the real SmolLM2 file's metadata and of gguf-py-written files: every case must
/// end in an ``ImportError`` or a model whose every weight lies inside the file with its exact size.
@Suite(.serialized) struct GGUFFuzzTests {
    static func classify(_ file: MappedFile) -> FuzzHarness.Outcome {
        do {
            let model = try GGUFImporter.load(file: file)
            for t in model.graph.constants.values {
                // The decoder builder's small shape constants live in memory; every weight is mapped.
                guard case .mapped(let f, let offset, let length) = t.storage else { continue }
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
        let dir = try #require(GGUFReferenceTests.fixtures)
        var originals: [(name: String, bytes: [UInt8])] = []
        for name in ["quants-le.gguf", "quants-be.gguf", "align64.gguf", "tiny-llama.gguf"] {
            originals.append((name, Array(try Data(contentsOf: dir.appendingPathComponent(name)))))
        }
        // The real file's header, metadata (tokenizer included) and tensor infos: everything before the
        // weights, plus one page. Its mutations exercise every metadata path on real content.
        let smol = try MappedFile(path: GGUFReferenceTests.smolLM2)
        let head = try GGUFFile(file: smol).dataOffset + 4096
        originals.append(("SmolLM2 head", Array(smol.slice(offset: 0, length: head)!)))

        let total = FuzzHarness.caseCount(default: 20_000)
        let report = FuzzHarness(format: "gguf").run(originals: originals, casesEach: (total + originals.count - 1) / originals.count,
                                                     seed: 0x6767_7566, Self.classify)
        print("GGUF fuzz: \(report)")
        #expect(report.failures.isEmpty, "\(report.failures.prefix(10).joined(separator: "\n"))")
        #expect(report.cases >= total - originals.count)
        #expect(report.rejected > 0)
        #expect(report.accepted > 0)
    }

    /// Inputs that once misbehaved, kept under Regressions/gguf/, must now end cleanly.
    @Test func regressionInputs() throws {
        let dir = TestPaths.repoRoot.appendingPathComponent("Tests/EdgeImportTests/Regressions/gguf")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in files where !name.hasPrefix(".") {
            let bytes = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            let outcome = Self.classify(try InMemoryFile.map(bytes, name: "gguf-regression"))
            if case .wrong(let why) = outcome { Issue.record("\(name): \(why)") }
        }
    }
}
