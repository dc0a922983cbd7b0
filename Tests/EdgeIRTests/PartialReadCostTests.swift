import Testing
@testable import EdgeIR

/// Ops that touch only part of their inputs: their memory traffic, worked out by hand.
@Suite struct PartialReadCostTests {
    /// Slice reads only the elements it selects (the first rows of a learned position table).
    @Test func sliceReadsOnlyTheSelectedRows() throws {
        var b = GraphBuilder(name: "positions")
        let table = b.weight("pos.weight", .float32, Shape([512, 64]))
        let rows = try b.apply(.slice, [table, b.ints("starts", [0]), b.ints("ends", [8]), b.ints("axes", [0])], name: "rows")
        b.output(rows)
        let r = try b.finish().costReport()
        let node = try #require(r.nodes.first)
        // The whole table is a parameter: 512 · 64 = 32,768 values, 131,072 bytes.
        #expect(node.cost.parameters == 32_768)
        #expect(node.cost.weightBytes == 131_072)
        // Traffic: 8 rows · 64 · 4 bytes = 2,048 read and written (not the 131,072-byte table).
        #expect(node.cost.bytesRead == 2_048)
        #expect(node.cost.bytesWritten == 2_048)
    }

    /// KVCacheUpdate appends in place: it reads the new rows at their type and writes them at the cache's.
    @Test func cacheAppendWritesAtTheCacheType() throws {
        var b = GraphBuilder(name: "append")
        let cache = b.input("past", .float16, Shape([1, 2, 10, 4]), isState: true)
        let row = b.input("new", .float32, Shape([1, 2, 1, 4]))
        let present = try b.apply("KVCacheUpdate", [cache, row], name: "present")
        b.output(present)
        let r = try b.finish().costReport()
        let node = try #require(r.nodes.first)
        #expect(node.outputs == [TensorType(.float16, Shape([1, 2, 11, 4]))])
        // New rows: 2 · 1 · 4 = 8 values; read as float32 (32 bytes), written as float16 (16 bytes).
        #expect(node.cost.bytesRead == 32)
        #expect(node.cost.bytesWritten == 16)
        // State: the cache, 2 · 10 · 4 · 2 bytes = 160.
        #expect(r.stateBytes == 160)
    }
}
