import EdgeImport
import EdgeTestSupport
import Foundation
import TermCore
import Testing
import Workbench
@testable import WorkbenchUI

/// `a` on the Models screen: a prompt for a model file or a `zoo:` reference; files load in the background.
@Suite struct ModelsAddTests {
    func type(_ s: inout AppState, _ text: String) {
        for c in text { Fixture.press(&s, .char(c.unicodeScalars.first!)) }
    }

    @Test func aCatalogReferenceIsAddedAtOnce() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("a"))
        #expect(s.addModelInput != nil)
        #expect(Fixture.text(s).contains("add model:"))
        type(&s, "zoo:mobilenet_v1_025")
        // While the prompt is open, letters are text, not commands: `q` did not ask to quit.
        #expect(s.modal == nil && !s.quitting)
        let effects = Fixture.press(&s, .enter)
        #expect(effects.isEmpty)
        // The default workspace has three models (Workspaces/default.yaml); the new one is the fourth, selected.
        #expect(s.workspace.models.map(\.reference).last == "zoo:mobilenet_v1_025")
        #expect(s.models.count == 4 && s.modelIndex == 3)
        #expect(s.isDirty)
    }

    @Test func aModelFileLoadsInTheBackground() throws {
        let file = TestPaths.assets.appendingPathComponent("mediapipe-0.10.21/mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite").path
        try #require(FileManager.default.fileExists(atPath: file), "run Scripts/fetch-models.sh")
        var s = try Fixture.state()
        Fixture.press(&s, .char("a"))
        type(&s, file)
        let effects = Fixture.press(&s, .enter)
        // Enter asks the runner to load the file; update itself reads nothing.
        #expect(effects.count == 1)
        guard case .loadModel(_, let slot)? = effects.first else { Issue.record("no load effect: \(effects)"); return }
        #expect(slot.reference == file && slot.label == "selfie_segmentation.tflite")
        #expect(s.models.count == 3)
        #expect(Fixture.text(s).contains("loading "))
        Fixture.runEffects(effects, &s)
        #expect(s.models.count == 4 && s.modelIndex == 3)
        // The layer table lists the importer's nodes (the TFLite importer, not the UI, decides how many).
        let nodes = try ModelLoader.load(path: file).graph.nodes.count
        #expect(Fixture.text(s).contains("Layers (\(nodes))"), "\(Fixture.text(s))")
    }

    @Test func aMissingFileIsAnErrorAndNothingIsAdded() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("a"))
        type(&s, "/nonexistent/model.onnx")
        let effects = Fixture.press(&s, .enter)
        Fixture.runEffects(effects, &s)
        #expect(s.models.count == 3)
        #expect(s.status?.kind == .error)
        #expect(s.status?.text.contains("no such file") == true)
        // Esc closes the prompt without adding anything.
        Fixture.press(&s, .char("a"))
        type(&s, "zoo:resnet18")
        Fixture.press(&s, .escape)
        #expect(s.addModelInput == nil && s.models.count == 3)
    }
}
