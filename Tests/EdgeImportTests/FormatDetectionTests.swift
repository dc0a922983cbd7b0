import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeImport

/// Format detection by content: every fetched model is recognised whatever its name, and other files
/// (images, arrays, JSON configs, text) are not taken for a model.
@Suite struct FormatDetectionTests {
    static func detect(_ path: String) throws -> ModelFormat? {
        let file = try MappedFile(path: path)
        let head = file.slice(offset: 0, length: min(file.count, ModelFormat.detectionLength))!
        return ModelFormat.detect(head, fileSize: file.count)
    }

    static func detect(_ bytes: [UInt8], fileSize: Int? = nil) -> ModelFormat? {
        bytes.withUnsafeBytes { ModelFormat.detect($0, fileSize: fileSize ?? bytes.count) }
    }

    /// Fetched files, with the format their publisher's packaging gives them.
    static let models: [(String, ModelFormat)] = {
        let a = TestPaths.assets
        var out: [(String, ModelFormat)] = TFLiteReferenceTests.files.map { ($0, .tflite) }
        out.append((GGUFReferenceTests.smolLM2, .gguf))
        out.append((SafetensorsReferenceTests.silero, .safetensors))
        for p in ["silero_vad-6.2.3/silero_vad/data/silero_vad.onnx", "silero_vad-6.2.3/silero_vad/data/silero_vad_op18_ifless.onnx",
                  "magika-1.0.3/magika/models/standard_v3_3/model.onnx",
                  "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
                  "onnxruntime-1.32.0/onnxruntime/datasets/mul_1.onnx"] {
            out.append((a.appendingPathComponent(p).path, .onnx))
        }
        return out
    }()

    @Test func everyFetchedModelIsRecognised() throws {
        for (path, format) in Self.models {
            #expect(try Self.detect(path) == format, "\(path)")
        }
    }

    @Test func otherFilesAreNotModels() throws {
        let a = TestPaths.assets
        let others = ["scikit_image-0.26.0/skimage/data/astronaut.png", "scikit_image-0.26.0/skimage/data/lfw_subset.npy",
                      "scikit_learn-1.9.1/sklearn/datasets/data/digits.csv.gz", "scikit_learn-1.9.1/sklearn/datasets/data/iris.csv",
                      "magika-1.0.3/magika/models/standard_v3_3/config.min.json",
                      "silero_vad-6.2.3/silero_vad/tinygrad_model.py"]
        for p in others {
            #expect(try Self.detect(a.appendingPathComponent(p).path) == nil, "\(p)")
        }
    }

    @Test func namesDoNotMatterOnlyContent() throws {
        let dir = try TestPaths.temporaryDirectory("detect")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A TFLite model named .gguf and a safetensors file named .onnx still import as what they are.
        let tflite = dir.appendingPathComponent("model.gguf")
        try FileManager.default.copyItem(atPath: TFLiteReferenceTests.files[0], toPath: tflite.path)
        #expect(try ModelLoader.load(path: tflite.path).metadata.format == "tflite")
        let st = dir.appendingPathComponent("weights.onnx")
        try FileManager.default.copyItem(atPath: SafetensorsReferenceTests.silero, toPath: st.path)
        #expect(try ModelLoader.load(path: st.path).metadata.format == "safetensors")
    }

    @Test func structuralChecks() {
        // TFLite identifier but a root offset pointing outside a 64-byte file: not TFLite.
        var t = [UInt8](repeating: 0, count: 64)
        t[0] = 0xFF; t[1] = 0xFF; t[4...7] = [0x54, 0x46, 0x4C, 0x33]
        #expect(Self.detect(t) == nil)
        t[0] = 16; t[1] = 0
        #expect(Self.detect(t) == .tflite)
        // safetensors-like prefix whose header length exceeds the file: not safetensors.
        var s: [UInt8] = [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)
        #expect(Self.detect(s) == nil)
        s[0] = 2
        #expect(Self.detect(s) == .safetensors)
        // A JSON config is not a shard index; an index is.
        #expect(Self.detect(Array(#"{"model_type": "bert", "hidden_size": 768}"#.utf8)) == nil)
        #expect(Self.detect(Array("\n {\"weight_map\": {}}".utf8)) == .safetensors)
        // Protobuf: field 1 (ir_version) varint is ModelProto-like; field 1 with wire type 2 is not;
        // field 7 (graph) whose length exceeds the file is not.
        #expect(Self.detect([0x08, 0x07, 0x12, 0x00]) == .onnx)
        #expect(Self.detect([0x0A, 0x01, 0x00]) == nil)
        #expect(Self.detect([0x3A, 0xFF, 0x7F, 0x00]) == nil)
        // Empty and tiny files.
        #expect(Self.detect([]) == nil)
        #expect(Self.detect([0x47]) == nil)
    }

    @Test func unknownContentIsAOneLineError() throws {
        let dir = try TestPaths.temporaryDirectory("detect")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("notes.txt")
        try Data("hello, not a model\n".utf8).write(to: url)
        do {
            _ = try ModelLoader.load(path: url.path)
            Issue.record("a text file imported")
        } catch let e as ImportError {
            #expect(e.format == "unknown")
            #expect(!e.description.contains("\n"))
        }
    }
}
