import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeImport

/// Hand-built hostile GGUF files: each names the field and byte offset of the bad value, computed
/// here from the layout (magic 4 + version 4 + tensor_count 8 + kv_count 8 = 24 bytes of header).
@Suite struct GGUFHostileTests {
    /// Little-endian GGUF bytes, written field by field.
    struct Bytes {
        var b: [UInt8] = []
        mutating func u8(_ v: UInt8) { b.append(v) }
        mutating func u32(_ v: UInt32) { for i in 0..<4 { b.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        mutating func u64(_ v: UInt64) { for i in 0..<8 { b.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }
        mutating func str(_ s: String) { u64(UInt64(s.utf8.count)); b += Array(s.utf8) }
        mutating func header(version: UInt32 = 3, tensors: UInt64, kvs: UInt64) {
            b += Array("GGUF".utf8); u32(version); u64(tensors); u64(kvs)
        }
        mutating func kvU32(_ key: String, _ v: UInt32) { str(key); u32(4); u32(v) }
        mutating func kvString(_ key: String, _ v: String) { str(key); u32(8); str(v) }
        mutating func pad(to alignment: Int) { while b.count % alignment != 0 { b.append(0) } }
    }

    func load(_ bytes: [UInt8]) throws -> Model {
        try GGUFImporter.load(file: try InMemoryFile.map(bytes, name: "gguf-hostile"))
    }

    /// Asserts the import fails with an ImportError on `field` at `offset` and returns it.
    @discardableResult
    func expectFailure(_ bytes: [UInt8], field: String, offset: Int?, _ comment: Comment? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) -> ImportError? {
        do {
            _ = try load(bytes)
            Issue.record("imported a hostile file", sourceLocation: sourceLocation)
            return nil
        } catch let e as ImportError {
            #expect(e.format == "gguf", sourceLocation: sourceLocation)
            #expect(e.field.contains(field), "field '\(e.field)' should mention '\(field)': \(e)", sourceLocation: sourceLocation)
            if let offset { #expect(e.offset == offset, "\(e)", sourceLocation: sourceLocation) }
            #expect(!e.description.contains("\n"))
            return e
        } catch {
            Issue.record("wrong error type: \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    @Test func gigabyteStringInATinyFile() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.u64(0xFFFF_FFFF)            // key length 4 GiB at offset 24
        f.b += [UInt8](repeating: 0x61, count: 200)
        expectFailure(f.b, field: "kv[0].key", offset: 24)
    }

    @Test func arrayCountBeyondTheFile() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.str("a")                    // 24..<33
        f.u32(9)                      // ARRAY at 33
        f.u32(0)                      // of u8 at 37
        f.u64(1 << 62)                // count at 41
        expectFailure(f.b, field: "kv[0] 'a'", offset: 41)
    }

    @Test func arrayOfStringsCountTimesLengthPrefixExceedsFile() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.str("a"); f.u32(9); f.u32(8)
        f.u64(1_000)                  // 1000 strings need ≥ 8000 bytes; the file has 0 after this
        expectFailure(f.b, field: "kv[0] 'a'", offset: 41)
    }

    @Test func unknownValueAndElementTypes() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.str("a"); f.u32(13); f.u32(0)
        expectFailure(f.b, field: "kv[0] 'a'", offset: 33)
        var g = Bytes()
        g.header(tensors: 0, kvs: 1)
        g.str("a"); g.u32(9); g.u32(77); g.u64(1); g.u8(0)
        expectFailure(g.b, field: "kv[0] 'a'", offset: 37)
    }

    @Test func arraysNestedTooDeep() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.str("a"); f.u32(9)
        for _ in 0..<GGUFMetadataReader.maxArrayDepth { f.u32(9); f.u64(1) }   // 8 nested ARRAY headers
        f.u32(0); f.u64(1); f.u8(7)
        // The 9th array header starts at 37 + 8 × 12.
        expectFailure(f.b, field: "kv[0] 'a'", offset: 37 + 8 * 12)
    }

    @Test func boolMustBeZeroOrOne() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.str("a"); f.u32(7); f.u8(2)
        expectFailure(f.b, field: "kv[0] 'a'", offset: 37)
    }

    @Test func duplicateKeysAndTensorNames() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 2)
        f.kvU32("a", 1)               // 24..<41
        f.kvU32("a", 2)
        expectFailure(f.b, field: "kv[1]", offset: 41)
        var g = Bytes()
        g.header(tensors: 2, kvs: 0)
        for _ in 0..<2 { g.str("t"); g.u32(1); g.u64(32); g.u32(0); g.u64(0) }   // 33 bytes each
        g.pad(to: 32); g.b += [UInt8](repeating: 0, count: 128)
        expectFailure(g.b, field: "tensor_infos[1]", offset: 24 + 33)
    }

    @Test func tensorCountBeyondTheFile() {
        var f = Bytes()
        f.header(tensors: 1 << 40, kvs: 0)
        expectFailure(f.b, field: "tensor_count", offset: 8)
    }

    @Test func dimensionProductOverflows64Bits() {
        var f = Bytes()
        f.header(tensors: 1, kvs: 0)
        f.str("t")                    // 24..<33
        f.u32(2)                      // n_dims at 33
        f.u64(1 << 32)                // dim 0 at 37
        f.u64(1 << 32)                // dim 1 at 45: 2³² × 2³² = 2⁶⁴ overflows
        f.u32(0); f.u64(0)
        expectFailure(f.b, field: "tensor_infos[0] 't'", offset: 45)
    }

    @Test func tooManyDimensions() {
        var f = Bytes()
        f.header(tensors: 1, kvs: 0)
        f.str("t"); f.u32(5)
        for _ in 0..<5 { f.u64(1) }
        f.u32(0); f.u64(0)
        expectFailure(f.b, field: "tensor_infos[0] 't'", offset: 33)
    }

    @Test func unknownAndRetiredTensorTypes() {
        for id: UInt32 in [4, 5, 31, 1000] {   // 4, 5: removed Q4_2/Q4_3; 31: removed Q4_0_4_4
            var f = Bytes()
            f.header(tensors: 1, kvs: 0)
            f.str("t"); f.u32(1); f.u64(32)   // type at 24 + 9 + 4 + 8 = 45
            f.u32(id); f.u64(0)
            expectFailure(f.b, field: "tensor_infos[0] 't'", offset: 45, "type \(id)")
        }
    }

    @Test func rowNotAWholeNumberOfBlocks() {
        var f = Bytes()
        f.header(tensors: 1, kvs: 0)
        f.str("t"); f.u32(1); f.u64(33)       // 33 is not a multiple of q4_0's 32
        f.u32(2); f.u64(0)
        expectFailure(f.b, field: "tensor_infos[0] 't'", offset: 45)
    }

    @Test func tensorDataPastTheEnd() {
        var f = Bytes()
        f.header(tensors: 1, kvs: 0)
        f.str("t"); f.u32(1); f.u64(1024)     // 1024 f32 = 4096 bytes
        f.u32(0); f.u64(0)                    // offset field at 49
        f.pad(to: 32)
        f.b += [UInt8](repeating: 0, count: 100)
        expectFailure(f.b, field: "tensor_infos[0] 't'.offset", offset: 49)
    }

    @Test func unalignedTensorOffset() {
        var f = Bytes()
        f.header(tensors: 1, kvs: 0)
        f.str("t"); f.u32(1); f.u64(4)
        f.u32(0); f.u64(4)                    // offset 4 at 49 is not a multiple of 32
        f.pad(to: 32); f.b += [UInt8](repeating: 0, count: 64)
        expectFailure(f.b, field: "tensor_infos[0] 't'", offset: 49)
    }

    @Test(arguments: [UInt32(0), 3, 48, 1 << 30])
    func absurdAlignment(_ value: UInt32) {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.kvU32("general.alignment", value)
        expectFailure(f.b, field: "general.alignment", offset: nil)
    }

    @Test func alignmentOfTheWrongType() {
        var f = Bytes()
        f.header(tensors: 0, kvs: 1)
        f.kvString("general.alignment", "32")
        expectFailure(f.b, field: "general.alignment", offset: nil)
    }

    @Test func versionsOtherThanTwoAndThree() {
        for v: UInt32 in [0, 1, 4, 0xFFFF_FFFF] {
            var f = Bytes()
            f.header(version: v, tensors: 0, kvs: 0)
            expectFailure(f.b, field: "version", offset: 4, "version \(v)")
        }
    }

    @Test func notGGUF() {
        expectFailure(Array("GGUX".utf8) + [UInt8](repeating: 0, count: 20), field: "magic", offset: 0)
        expectFailure([0x47, 0x47], field: "magic", offset: 0)
    }

    /// A minimal valid llama file whose `block_count` is replaced by `blockCount`.
    func llamaFile(blockCount: UInt32, headCountValue: (inout Bytes) -> Void = { $0.u32(4); $0.u32(2) }) -> [UInt8] {
        var f = Bytes()
        f.header(tensors: 1, kvs: 7)
        f.kvString("general.architecture", "llama")
        f.kvU32("llama.block_count", blockCount)
        f.kvU32("llama.embedding_length", 8)
        f.kvU32("llama.feed_forward_length", 16)
        f.str("llama.attention.head_count"); headCountValue(&f)
        f.kvU32("llama.attention.head_count_kv", 1)
        f.kvU32("llama.context_length", 64)
        f.str("token_embd.weight"); f.u32(2); f.u64(8); f.u64(4); f.u32(0); f.u64(0)
        f.pad(to: 32)
        f.b += [UInt8](repeating: 0, count: 8 * 4 * 4)
        return f.b
    }

    @Test func absurdLayerCount() throws {
        // The same file with a sane layer count imports, so the rejection is the layer count's doing.
        _ = try load(llamaFile(blockCount: 2))
        let e = expectFailure(llamaFile(blockCount: 1_000_000_000), field: "llama.block_count", offset: nil)
        #expect(e?.reason.contains("1000000000") == true)
    }

    @Test func metadataOfTheWrongTypeForTheReader() {
        // head_count stored as a string
        expectFailure(llamaFile(blockCount: 2) { $0.u32(8); $0.str("4") }, field: "llama.attention.head_count", offset: nil)
        // head_count stored as an array of u32 (per-layer form this reader does not take)
        expectFailure(llamaFile(blockCount: 2) { $0.u32(9); $0.u32(4); $0.u64(1); $0.u32(2) },
                      field: "llama.attention.head_count", offset: nil)
    }

    @Test func everyTruncationFailsCleanly() throws {
        let full = llamaFile(blockCount: 2)
        _ = try load(full)
        // The data section is the last 128 bytes; any cut before the end of the tensor data fails.
        for n in 0..<full.count {
            do {
                _ = try load(Array(full.prefix(n)))
                Issue.record("a file truncated to \(n) of \(full.count) bytes imported")
            } catch is ImportError {
            } catch {
                Issue.record("truncated to \(n): wrong error \(error)")
            }
        }
    }
}
