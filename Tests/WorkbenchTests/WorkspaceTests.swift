import EdgeOptimize
import EdgeTestSupport
import Foundation
import Testing
@testable import Workbench

/// Workspaces: the shipped files load, save/reopen is lossless, bad files name their line, newer files are never overwritten.
@Suite struct WorkspaceTests {
    static let shipped = ["default", "smart-camera", "wearable-kws", "mobile-app", "industrial-anomaly", "on-device-llm",
                          "file-type-magika"]

    func path(_ name: String) -> String {
        TestPaths.repoRoot.appendingPathComponent("Workspaces/\(name).yaml").path
    }

    @Test(arguments: shipped)
    func shippedWorkspaceLoadsAndRoundTrips(_ name: String) throws {
        let ws = try Workspace.load(path: path(name))
        #expect(!ws.models.isEmpty)
        #expect(!ws.devices.isEmpty)
        let again = try Workspace.parse(yaml: ws.yaml(), file: "roundtrip.yaml")
        #expect(again == ws)
    }

    @Test func saveIsAtomicAndReopens() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var ws = try Workspace.load(path: path("default"))
        ws.selection.overrides = ["features.0": .int8, "classifier.1": .fp32]
        ws.selection.screen = "tune"
        let target = dir.appendingPathComponent("mine.yaml").path
        try ws.save(to: target)
        let back = try Workspace.load(path: target)
        #expect(back == ws)
        // No temporary files left beside it.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files == ["mine.yaml"])
    }

    @Test func newerFormatIsRejectedAndNeverOverwritten() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = dir.appendingPathComponent("future.yaml").path
        let future = "edgewise-workspace: 7\nname: From the future\nmodels: [zoo:resnet50]\nscenario: {fps: 30}\nhologram: true\n"
        try Data(future.utf8).write(to: URL(fileURLWithPath: target))
        do {
            _ = try Workspace.load(path: target)
            Issue.record("a format-7 workspace loaded")
        } catch let e as YAMLError {
            #expect(e.line == 1)
            #expect(e.message.contains("newer Edgewise (format 7)"))
        }
        let ws = try Workspace.load(path: path("default"))
        #expect(throws: YAMLError.self) { try ws.save(to: target) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == future)
    }

    func expectError(_ yaml: String, line: Int, contains text: String, knownDevices: Set<String>? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try Workspace.parse(yaml: yaml, file: "w.yaml", knownDevices: knownDevices)
            Issue.record("accepted", sourceLocation: sourceLocation)
        } catch let e as YAMLError {
            #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
            #expect(e.description.contains(text), "\(e)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func handEditingMistakesNameTheLine() {
        let head = "edgewise-workspace: 1\nname: W\nmodels: [zoo:resnet50]\n"
        expectError(head + "scenario: {fps: 0}\n", line: 4, contains: "fps must be > 0")
        expectError(head + "scenario:\n  fps: 30\n  ambiant_c: 20\n", line: 6, contains: "did you mean 'ambient_c'")
        expectError(head + "scenario: {fps: 30}\ndevices: [rpi6]\n", line: 5, contains: "unknown device 'rpi6'; did you mean 'rpi5'",
                    knownDevices: ["rpi5", "coral-usb"])
        expectError(head + "scenario: {fps: 30}\nselection: {screen: settings}\n", line: 5, contains: "screen 'settings' is not one of")
        expectError(head + "scenario: {fps: 30}\npipelines:\n  - name: a\n    steps:\n      - prune: {sparsity: 2}\n", line: 8,
                    contains: "sparsity must be in [0, 1)")
        expectError("name: W\n", line: 1, contains: "not an Edgewise workspace")
        expectError(head + "scenario: {fps: 30, duty_cycle: 1.5}\n", line: 4, contains: "duty_cycle must be in (0, 1]")
    }
}

/// The on-device LLM example opens a real GGUF file from the model cache (CI runs Scripts/fetch-models.sh).
@Suite struct LLMWorkspaceTests {
    @Test func theGGUFModelLoadsWithItsRealWeights() throws {
        let ws = try Workspace.load(path: TestPaths.repoRoot.appendingPathComponent("Workspaces/on-device-llm.yaml").path)
        let slot = try #require(ws.models.first { $0.reference.hasSuffix(".gguf") })
        let file = EvalData.resolve(slot.reference)
        try #require(FileManager.default.fileExists(atPath: file), "\(file) is missing: run Scripts/fetch-models.sh (CI does)")
        let m = try WorkbenchModel(slot: slot)
        #expect(m.metadata.format == "gguf")
        // models.md §2.5: SmolLM2-135M-Instruct Q4_1 holds 134,515,008 parameters (Q4_1 ×210, F32 ×61, Q8_0 ×1).
        #expect(m.inspection.summary.parameters == 134_515_008)
        // Its tensor data is the file (98,362,432 B) after the data offset (1,785,664 B): at most 96,576,768 B.
        #expect(m.inspection.summary.weightBytes <= 96_576_768 && m.inspection.summary.weightBytes > 90_000_000)
        // Q4_1 blocks hold most of the bytes: the model's own weights count as int4.
        #expect(m.storedPrecision == .int4)
    }

    @Test func aMissingCacheFileLeavesTheOtherModelsUsable() throws {
        // A workspace whose cached file is absent still opens: that model alone reports how to fetch it.
        let missing = ModelSlot(reference: "cache:assets/none/SmolLM2.gguf")
        let e = #expect(throws: WorkbenchError.self) { try WorkbenchModel(slot: missing) }
        #expect(e.map { "\($0)" }?.contains("Scripts/fetch-models.sh") == true)
    }
}
