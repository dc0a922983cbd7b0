import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// Hand-laid hostile FlatBuffers. Offsets in comments are worked out from the layout: a u32 root
/// offset, the `TFL3` identifier at 4, vtables `[u16 size, u16 table size, u16 field offsets…]`,
/// tables starting with an i32 back-offset to their vtable, u32 forward offsets to vectors and tables.
@Suite struct TFLiteHostileTests {
    struct Bytes {
        var b: [UInt8] = []
        mutating func u16(_ v: UInt16) { b += [UInt8(v & 0xFF), UInt8(v >> 8)] }
        mutating func u32(_ v: UInt32) { for i in 0..<4 { b.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
        mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
        mutating func id() { b += Array("TFL3".utf8) }
        mutating func pad(to n: Int) { while b.count < n { b.append(0) } }
    }

    func expectFailure(_ bytes: [UInt8], field: String, offset: Int?, reason: String? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try TFLiteImporter.load(file: try InMemoryFile.map(bytes, name: "tflite-hostile"))
            Issue.record("imported a hostile file", sourceLocation: sourceLocation)
        } catch let e as ImportError {
            #expect(e.format == "tflite", sourceLocation: sourceLocation)
            #expect(e.field.contains(field), "\(e)", sourceLocation: sourceLocation)
            if let offset { #expect(e.offset == offset, "\(e)", sourceLocation: sourceLocation) }
            if let reason { #expect(e.reason.contains(reason), "\(e)", sourceLocation: sourceLocation) }
            #expect(!e.description.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("wrong error: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func rootOffsetOutsideTheFile() {
        var f = Bytes()
        f.u32(0xFFF0); f.id(); f.pad(to: 16)
        expectFailure(f.b, field: "model", offset: 0)
    }

    @Test func vtableOutsideTheFile() {
        var f = Bytes()
        f.u32(8); f.id()
        f.i32(-4096)                    // table at 8 → vtable at 8 + 4096, past the 16-byte file
        f.pad(to: 16)
        expectFailure(f.b, field: "model", offset: 8)
    }

    /// Model table at 20 with version 3 and a subgraphs vector at 32 claiming 2³¹−1 elements.
    static func model(version: UInt32, subgraphCount: UInt32) -> [UInt8] {
        var f = Bytes()
        f.u32(20); f.id()
        f.u16(10); f.u16(12); f.u16(4); f.u16(0); f.u16(8)   // vtable at 8: version at +4, subgraphs at +8
        f.pad(to: 20)
        f.i32(20 - 8)                                        // table at 20 → vtable at 8
        f.u32(version)                                       // 24
        f.u32(4)                                             // 28 → vector at 32
        f.u32(subgraphCount)                                 // 32
        return f.b
    }

    @Test func vectorLengthBeyondTheFile() {
        expectFailure(Self.model(version: 3, subgraphCount: 0x7FFF_FFFF), field: "model.subgraphs", offset: 32)
    }

    @Test func otherSchemaVersions() {
        expectFailure(Self.model(version: 4, subgraphCount: 0), field: "model.version", offset: 20)
        // Version 3 with no subgraph at all.
        expectFailure(Self.model(version: 3, subgraphCount: 0), field: "model.subgraphs", offset: 20)
    }

    @Test func fieldOutsideItsTable() {
        var f = Bytes()
        f.u32(20); f.id()
        f.u16(8); f.u16(8); f.u16(4); f.u16(200)            // version at +4; field 1 claims +200 in an 8-byte table
        f.pad(to: 20)
        f.i32(12); f.u32(3)
        expectFailure(f.b, field: "model.operator_codes", offset: 14)   // the vtable entry for field 1 is at 8 + 6
    }

    /// 100,000 subgraph references to one subgraph whose 1,000 tensor references all point at one tensor:
    /// a 404 KB file that would make a naive reader visit 10⁸ tables. The read budget (16 × file size)
    /// stops it with an error, quickly.
    @Test func sharedTablesCannotAmplifyWork() {
        let n = 100_000, m = 1_000
        var f = Bytes()
        f.u32(32); f.id()
        f.u16(10); f.u16(12); f.u16(4); f.u16(0); f.u16(8)   // 8: model vtable
        f.pad(to: 20)
        f.u16(6); f.u16(8); f.u16(4)                          // 20: subgraph vtable (tensors at +4)
        f.pad(to: 28)
        f.u16(4); f.u16(4)                                    // 28: tensor vtable, no fields
        f.i32(32 - 8); f.u32(3); f.u32(4)                     // 32: model table, subgraphs vector at 44
        let s = 48 + 4 * n
        f.u32(UInt32(n))                                      // 44
        for i in 0..<n { f.u32(UInt32(s - (48 + 4 * i))) }    // every element → subgraph table at s
        let t = s + 12 + 4 * m
        f.i32(Int32(s - 20)); f.u32(4)                        // s: subgraph table, tensors vector at s + 8
        f.u32(UInt32(m))                                      // s + 8
        for j in 0..<m { f.u32(UInt32(t - (s + 12 + 4 * j))) } // every element → tensor table at t
        f.i32(Int32(t - 28))                                  // t: tensor table
        let start = Date()
        expectFailure(f.b, field: "model.subgraphs[", offset: nil, reason: "more data than the file holds")
        // A hang guard, not a speed claim: the budget stops after ~1.6 M table visits, a naive reader makes 10⁸
        // (minutes in a debug build). 60 s leaves room for a loaded CI machine.
        #expect(Date().timeIntervalSince(start) < 60)
    }

    @Test func everyTruncationOfARealModelFailsCleanly() throws {
        let dir = try #require(TFLiteReferenceTests.fixtures)
        let full = Array(try Data(contentsOf: dir.appendingPathComponent("external.tflite")))
        _ = try TFLiteImporter.load(file: try InMemoryFile.map(full))
        for n in stride(from: 0, to: full.count, by: 7) {
            do {
                _ = try TFLiteImporter.load(file: try InMemoryFile.map(Array(full.prefix(n)), name: "tflite-trunc"))
                Issue.record("truncated to \(n) of \(full.count) bytes imported")
            } catch is ImportError {
            } catch {
                Issue.record("truncated to \(n): wrong error \(error)")
            }
        }
    }
}
