import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import SwiftProtobuf
import Testing

/// Seeded mutations of every real ONNX test file: each case must end in a clean ``ImportError`` or a
/// model whose every stored tensor lies inside its file and has exactly its type's byte size.
///
/// `EDGEWISE_FUZZ_DUMP=<dir>` writes the value-fuzz cases there instead of importing them, for triage
/// with `edgewise-import-probe` (one process per file, so every crash site shows up in one pass).
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

    /// Byte mutations mostly break the protobuf structure; this pass keeps the structure and poisons the
    /// values shape inference computes with. Each case decodes a real file with swift-protobuf, sets
    /// one to three integer attributes, int64 tensor elements or declared dimensions to extremes
    /// (±2⁶³, ±2⁴⁰, 2³¹, −1, 0 …) or float attributes to NaN/∞, re-encodes it and imports it.
    /// `EDGEWISE_FUZZ_CASES / 8` cases (2,500 by default).
    @Test func extremeValuesInValidFilesFailCleanlyOrImport() throws {
        try ONNXTestFiles.requireAssets()
        let paths = ONNXTestFiles.all.filter { ((try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0) < 1 << 20 }
        let protos = paths.compactMap { try? Onnx_ModelProto(serializedBytes: Data(contentsOf: URL(fileURLWithPath: $0))) }
        try #require(protos.count > 1000)
        let dir = try TestPaths.temporaryDirectory("onnx-value-fuzz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let work = dir.appendingPathComponent("case.onnx")
        var rng = SeededRNG(seed: Self.baseSeed ^ 0xC0FFEE)
        let count = max(1, Self.caseCount / 8)
        var models = 0, problems: [String] = []
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<count {
            var m = protos[i % protos.count]
            var what: [String] = []
            for _ in 0..<(1 + Int(rng.next() % 3)) { what.append(Self.poison(&m.graph, &rng)) }
            if let dump = ProcessInfo.processInfo.environment["EDGEWISE_FUZZ_DUMP"] {  // triage: write, do not import
                try Data(try m.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: dump + "/value-\(i).onnx"))
                continue
            }
            try Data(try m.serializedBytes() as [UInt8]).write(to: work)
            let file = try MappedFile(path: work.path)
            do {
                let model = try ONNXImporter.load(file: file)
                models += 1
                if let p = Self.inconsistency(model.graph, file: file) { problems.append("case \(i): \(p)") }
            } catch {
                if error.description.contains("\n") { problems.append("case \(i) [\(what)]: error spans lines") }
            }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "ONNX value fuzz: %d cases in %.1f s (%.0f cases/s), %d imported", count, elapsed, Double(count) / elapsed, models))
        for p in problems.prefix(20) { Issue.record("\(p)") }
        #expect(problems.isEmpty)
        #expect(models > count / 2)  // the poisoned files are still structurally valid
    }

    static let extremes: [Int64] = [.max, .min, -1, 0, 1 << 40, -(1 << 40), 1 << 31, Int64(Int32.max) + 1, 3, -3]

    /// One poisoning of `g` (recursing into a subgraph now and then); returns what it did.
    static func poison(_ g: inout Onnx_GraphProto, _ rng: inout SeededRNG, depth: Int = 0) -> String {
        func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(n, 1))) }
        let extreme = extremes[pick(extremes.count)]
        switch pick(4) {
        case 0 where !g.node.isEmpty:  // an integer or float attribute
            let k = pick(g.node.count)
            guard !g.node[k].attribute.isEmpty else { return "none" }
            let a = pick(g.node[k].attribute.count)
            var attr = g.node[k].attribute[a]
            if attr.hasG, depth < 4, rng.next() % 2 == 0 {
                return "sub:" + poison(&g.node[k].attribute[a].g, &rng, depth: depth + 1)
            }
            if attr.hasI { attr.i = extreme }
            if !attr.ints.isEmpty { attr.ints[pick(attr.ints.count)] = extreme }
            if attr.hasF { attr.f = [Float.nan, .infinity, -.infinity, 1e30, -0.0][pick(5)] }
            g.node[k].attribute[a] = attr
            return "attr \(attr.name)=\(extreme)"
        case 1 where !g.initializer.isEmpty:  // an int64 initializer element
            let k = pick(g.initializer.count)
            var t = g.initializer[k]
            guard t.dataType == 7 else { return "none" }
            if !t.int64Data.isEmpty {
                t.int64Data[pick(t.int64Data.count)] = extreme
            } else if t.rawData.count >= 8 {
                let at = 8 * pick(t.rawData.count / 8)
                for b in 0..<8 { t.rawData[at + b] = UInt8(truncatingIfNeeded: extreme >> (8 * Int64(b))) }
            }
            g.initializer[k] = t
            return "init \(t.name)=\(extreme)"
        case 2 where !g.node.isEmpty:  // a Constant node's int64 value
            guard let k = g.node.indices.filter({ g.node[$0].opType == "Constant" }).randomElement(using: &rng),
                  !g.node[k].attribute.isEmpty else { return "none" }
            var attr = g.node[k].attribute[0]
            if !attr.ints.isEmpty { attr.ints[pick(attr.ints.count)] = extreme }
            if attr.hasI { attr.i = extreme }
            if attr.hasT, attr.t.dataType == 7 {
                if !attr.t.int64Data.isEmpty { attr.t.int64Data[pick(attr.t.int64Data.count)] = extreme }
                else if attr.t.rawData.count >= 8 {
                    let at = 8 * pick(attr.t.rawData.count / 8)
                    for b in 0..<8 { attr.t.rawData[at + b] = UInt8(truncatingIfNeeded: extreme >> (8 * Int64(b))) }
                }
            }
            g.node[k].attribute[0] = attr
            return "constant=\(extreme)"
        default:  // a declared dimension of an input
            guard !g.input.isEmpty else { return "none" }
            let k = pick(g.input.count)
            guard case .tensorType(var tt)? = g.input[k].type.value, !tt.shape.dim.isEmpty else { return "none" }
            tt.shape.dim[pick(tt.shape.dim.count)].dimValue = extreme
            g.input[k].type.tensorType = tt
            return "dim=\(extreme)"
        }
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
