import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// Hand-built hostile safetensors files and indexes; each must fail with a one-line ``ImportError``.
@Suite struct SafetensorsHostileTests {
    /// A file with header `json` (padded with spaces to `pad` bytes if given) followed by `data`.
    static func file(_ json: String, data: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let h = Array(json.utf8)
        let n = declaredLength ?? UInt64(h.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + h + data
    }

    func expectFailure(_ bytes: [UInt8], field: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try SafetensorsImporter.load(file: try InMemoryFile.map(bytes, name: "st-hostile"))
            Issue.record("imported a hostile file", sourceLocation: sourceLocation)
        } catch let e as ImportError {
            #expect(e.format == "safetensors", sourceLocation: sourceLocation)
            #expect(e.field.contains(field), "\(e)", sourceLocation: sourceLocation)
            #expect(!e.description.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("wrong error: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func validBaseline() throws {
        // 2 × f32 = 8 bytes at [0, 8): imports, so every failure below is the mutation's doing.
        let ok = Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [UInt8](repeating: 0, count: 8))
        let m = try SafetensorsImporter.load(file: try InMemoryFile.map(ok))
        #expect(m.graph.constants["a"]?.type == TensorType(.float32, Shape([2])))
    }

    @Test func headerLengthBeyondFileOrLimit() {
        expectFailure(Self.file("{}", declaredLength: 1 << 40), field: "header_size")
        expectFailure(Self.file("{}", declaredLength: 200_000_000), field: "header_size")
        expectFailure(Self.file("{}", declaredLength: 3), field: "header_size")
        expectFailure([1, 0, 0], field: "header_size")
    }

    @Test func malformedJSON() {
        expectFailure(Self.file(#"{"a":{"dtype":"F32""#), field: "header")
        expectFailure(Self.file(String(repeating: "[", count: 10_000)), field: "header")
        expectFailure(Self.file("{" + String(repeating: #""a":{"#, count: 100) + String(repeating: "}", count: 101)), field: "header")
    }

    @Test func offsetsThatLie() {
        let d = [UInt8](repeating: 0, count: 8)
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,9000000000]}}"#, data: d), field: "'a'.data_offsets")
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: d), field: "'a'.data_offsets")
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: d), field: "'a'.data_offsets")
        // Two tensors over the same bytes.
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                                data: d + d), field: "data_offsets")
        // A hole: bytes 0..<4 unexplained.
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: d), field: "'a'.data_offsets")
        // Trailing bytes after the last tensor.
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: d), field: "data")
    }

    @Test func shapesThatOverflow() {
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}"#), field: "'a'.shape")
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}"#), field: "'a'.shape")
        expectFailure(Self.file(#"{"a":{"dtype":"F32","shape":[1e3],"data_offsets":[0,0]}}"#), field: "'a'.shape")
    }

    @Test func unknownDtypeAndDuplicateNames() {
        expectFailure(Self.file(#"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,1]}}"#, data: [0]), field: "'a'.dtype")
        expectFailure(Self.file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}"#,
                                data: [0, 0]), field: "'a'")
        expectFailure(Self.file(#"{"__metadata__":{"k":1}}"#), field: "__metadata__")
    }

    @Test func indexCannotEscapeItsDirectory() throws {
        let dir = try TestPaths.temporaryDirectory("st-index")
        defer { try? FileManager.default.removeItem(at: dir) }
        for shard in ["../outside.safetensors", "/etc/passwd", "sub/dir.safetensors", "..", ""] {
            let json = #"{"weight_map":{"w":"\#(shard)"}}"#
            let url = dir.appendingPathComponent("model.safetensors.index.json")
            try Data(json.utf8).write(to: url)
            do {
                _ = try ModelLoader.load(path: url.path)
                Issue.record("index naming '\(shard)' imported")
            } catch let e as ImportError {
                #expect(e.field.contains("weight_map"), "\(e)")
            }
        }
    }

    @Test func indexNamingAMissingTensor() throws {
        let dir = try TestPaths.temporaryDirectory("st-index")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(Self.file(#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}"#, data: [7])).write(to: dir.appendingPathComponent("s.safetensors"))
        let url = dir.appendingPathComponent("model.safetensors.index.json")
        try Data(#"{"weight_map":{"a":"s.safetensors","b":"s.safetensors"}}"#.utf8).write(to: url)
        #expect(throws: ImportError.self) { try ModelLoader.load(path: url.path) }
        try Data(#"{"weight_map":{"a":"s.safetensors"}}"#.utf8).write(to: url)
        #expect(try ModelLoader.load(path: url.path).graph.constants.count == 1)
    }
}
