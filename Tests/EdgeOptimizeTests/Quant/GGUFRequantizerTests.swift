import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Re-quantized GGUF files: read back by the `gguf` package with the source's metadata, shapes and
/// untouched tensors, and projection bytes identical to the reference quantizer's on the same values
/// (gguf-py for Q8_0/Q4_0/Q4_1, ggml's reference for Q4_K/Q6_K).
@Suite struct GGUFRequantizerTests {
    @Test(arguments: [DType.q4_K, .q6_K, .q8_0, .q4_0])
    func writesAFileTheGGUFPackageReads(_ type: DType) throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let source = ref.path("source.gguf"), output = ref.path("out.gguf")
        try ref.run("gguf-fixture", source)
        let gguf = try GGUFFile(file: try MappedFile(path: source))
        let report = try GGUFRequantizer.write(gguf, as: type, to: URL(fileURLWithPath: output))
        // Projections in the fixture: blk.0.attn_q (F32, 512-wide rows), blk.0.attn_k (F32, 96-wide
        // rows: whole 32-value blocks but not 256-value super-blocks) and blk.0.ffn_down (F16, 256);
        // token_embd and output_norm are copied.
        let superBlock = type.blockSize == 256
        #expect(report.requantized.map(\.name) == (superBlock ? ["blk.0.attn_q.weight", "blk.0.ffn_down.weight"]
                                                               : ["blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.ffn_down.weight"]))
        #expect(report.kept == (superBlock ? ["blk.0.attn_k.weight"] : []))
        #expect(report.copied == (superBlock ? 3 : 2))
        let size = try FileManager.default.attributesOfItem(atPath: output)[.size] as? Int
        #expect(size == report.bytesWritten)

        let json = try ref.run("gguf-check", output, source, type.rawValue)
        #expect(json["metadata_equal_except_file_type"] as? Bool == true)
        #expect(json["file_type"] as? Int == Int(GGUFRequantizer.fileType(type)!))
        let tensors = json["tensors"] as? [[String: Any]] ?? []
        #expect(tensors.count == 5)
        for t in tensors {
            let name = t["name"] as? String ?? "?"
            #expect(t["same_name"] as? Bool == true, "\(name)")
            #expect(t["same_shape"] as? Bool == true, "\(name)")
            if report.requantized.contains(where: { $0.name == name }) {
                #expect(t["type"] as? String == type.rawValue.uppercased(), "\(name)")
                #expect(t["bytes_equal_reference"] as? Bool == true, "\(name) bytes differ from the reference quantizer")
                // Same bytes → same error; the report's SQNR is measured on our decoder.
                let ours = report.requantized.first { $0.name == name }!
                if let refSQNR = t["reference_sqnr"] as? Double {
                    #expect(abs(10 * log10(ours.signal / ours.noise) - refSQNR) < 1e-6, "\(name)")
                } else {
                    #expect(ours.noise == 0, "\(name): the reference round trip is lossless")   // Q8_0 → Q8_0
                }
            } else {
                #expect(t["bytes_equal_source"] as? Bool == true, "\(name) was to be copied unchanged")
            }
        }
    }

    @Test func refusesFormatsAndShapesItCannotWriteAndLeavesNoFile() throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let source = ref.path("source.gguf"), output = ref.path("out.gguf")
        try ref.run("gguf-fixture", source)
        let gguf = try GGUFFile(file: try MappedFile(path: source))
        #expect(throws: OptimizeError.self) { try GGUFRequantizer.write(gguf, as: .q5_K, to: URL(fileURLWithPath: output)) }
        #expect(throws: OptimizeError.self) { try GGUFRequantizer.write(gguf, as: .int8, to: URL(fileURLWithPath: output)) }
        #expect(!FileManager.default.fileExists(atPath: output))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: ref.dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }
}
