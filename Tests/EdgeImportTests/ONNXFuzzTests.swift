import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import Testing

/// Seeded mutations of every real ONNX test file: each case must end in a clean ``ImportError`` or a
/// model whose every stored tensor lies inside its file and has exactly its type's byte size.
///
/// `EDGEWISE_FUZZ_CASES` sets the case count (default 20,000, spread round-robin so every file gets
/// at least ⌊cases / files⌋ mutations); `EDGEWISE_FUZZ_SEED` changes the base seed. The mutated bytes
/// of the running case sit in one working file (on tmpfs when there is one): if the process dies,
/// that file is the crashing input, and a copy belongs in Tests/EdgeImportTests/Regressions/onnx/.
@Suite(.serialized) struct ONNXFuzzTests {
    static var caseCount: Int { Int(ProcessInfo.processInfo.environment["EDGEWISE_FUZZ_CASES"] ?? "") ?? 20_000 }
    static var baseSeed: UInt64 { UInt64(ProcessInfo.processInfo.environment["EDGEWISE_FUZZ_SEED"] ?? "") ?? 0x0ED6E_5EED }

    @Test func mutatedRealFilesFailCleanlyOrImportConsistently() throws {
        try ONNXTestFiles.requireAssets()
        let paths = ONNXTestFiles.all
        try #require(paths.count > 1000)
        let originals = try paths.map { [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0))) }
        let dir = FileManager.default.fileExists(atPath: "/dev/shm")
            ? URL(fileURLWithPath: "/dev/shm/edgewise-onnx-fuzz-\(getpid())") : try TestPaths.temporaryDirectory("onnx-fuzz")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let work = dir.appendingPathComponent("case.onnx")
        print("ONNX fuzz: \(Self.caseCount) cases over \(paths.count) files, base seed \(Self.baseSeed); working file \(work.path)")

        var errors = 0, models = 0, problems: [String] = []
        var slowest = (seconds: 0.0, label: "")
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<Self.caseCount {
            let k = i % paths.count
            let seed = Self.baseSeed &+ UInt64(i)
            var mutator = Mutator(original: originals[k], seed: seed)
            let (bytes, what) = mutator.next()
            let label = "\(paths[k].split(separator: "/").suffix(2).joined(separator: "/")) seed \(seed) [\(what)]"
            try Data(bytes).write(to: work)
            let t0 = DispatchTime.now().uptimeNanoseconds
            do {
                let file = try MappedFile(path: work.path)
                let model = try ONNXImporter.load(file: file)
                models += 1
                if let p = Self.inconsistency(model.graph, file: file) { problems.append("\(label): \(p)") }
            } catch let e as ImportError {
                errors += 1
                if e.description.contains("\n") { problems.append("\(label): error spans lines: \(e)") }
            }
            let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if dt > slowest.seconds { slowest = (dt, label) }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "ONNX fuzz: %d cases in %.1f s (%.0f cases/s): %d clean errors, %d models; slowest case %.3f s (%@)",
                     Self.caseCount, elapsed, Double(Self.caseCount) / elapsed, errors, models, slowest.seconds, slowest.label))
        for p in problems.prefix(20) { Issue.record("\(p)") }
        #expect(problems.isEmpty)
        #expect(errors + models == Self.caseCount)
        #expect(errors > 0 && models > 0)  // the mutations reach both outcomes
    }

    /// Every crashing input found so far, kept as a file: each must now fail cleanly or import.
    @Test func regressionFilesFailCleanlyOrImport() throws {
        let dir = TestPaths.repoRoot.appendingPathComponent("Tests/EdgeImportTests/Regressions/onnx")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".onnx") }.sorted()
        try #require(!files.isEmpty, "Regressions/onnx holds the inputs that once crashed the importer")
        for name in files {
            let file = try MappedFile(path: dir.appendingPathComponent(name).path)
            do {
                let model = try ONNXImporter.load(file: file)
                #expect(Self.inconsistency(model.graph, file: file) == nil, "\(name)")
            } catch {
                #expect(!error.description.isEmpty, "\(name)")
            }
        }
    }

    /// A stored tensor outside its file, or whose bytes disagree with its type, in any (sub)graph.
    static func inconsistency(_ g: Graph, file: MappedFile, depth: Int = 0) -> String? {
        for t in g.orderedConstants {
            switch t.storage {
            case .mapped(let f, let offset, let length):
                if f.slice(offset: offset, length: length) == nil { return "tensor '\(t.name)' maps \(offset)+\(length) outside \(f.count) bytes" }
                if t.type.byteCount != length { return "tensor '\(t.name)' maps \(length) bytes for \(t.type)" }
            case .memory(let b):
                if t.dtype != .string, t.type.byteCount != b.count { return "tensor '\(t.name)' holds \(b.count) bytes for \(t.type)" }
            case .absent:
                break
            }
        }
        guard depth < Graph.maxSubgraphDepth else { return nil }
        for n in g.nodes {
            for (_, sub) in n.subgraphs {
                if let p = inconsistency(sub, file: file, depth: depth + 1) { return p }
            }
        }
        return nil
    }
}
