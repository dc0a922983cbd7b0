import Testing
import TermCore
@testable import WorkbenchUI

/// The Models screen on the grid: the default workspace's models, the per-layer table and its sorting, the
/// layer detail, op histogram and peak-memory timeline.
@Suite struct ModelsScreenTests {
    @Test func showsTheWorkspaceModelsAndTheLayerTable() throws {
        let s = try Fixture.state()
        #expect(s.screen == .models)  // selection.screen in Workspaces/default.yaml
        let text = Fixture.text(s)
        #expect(text.contains("Workspace models (3)"))
        #expect(text.contains("● MobileNet v2") && text.contains("ResNet-50") && text.contains("EfficientNet-Lite0"))
        // torchvision's MobileNet v2 has 3,504,872 parameters (torchvision model table): "3.50 M".
        #expect(text.contains("3.50 M params"))
        #expect(text.contains("Layers ("))
        #expect(text.contains("features.0.0"))
        #expect(text.contains("ms on rpi5, int8, estimated"))
        #expect(text.contains("Ops") && text.contains("Live activations (MB)") && text.contains("peak "))
        #expect(text.contains("Layer · computed"))
    }

    @Test func sortsLayersByParameters() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .tab, .char("o"))
        #expect(s.focusedPane == 1)
        #expect(s.modelsScreen.table.sortColumn == 4 && !s.modelsScreen.table.ascending)
        let lines = Fixture.render(s).lines
        let header = try #require(lines.firstIndex { $0.contains("params▼") })
        // The largest layer is the classifier: 1,280 × 1,000 weights + 1,000 biases = 1,281,000 → "1.28 M".
        #expect(lines[header + 1].contains("classifier.1"))
        #expect(lines[header + 1].contains("1.28 M"))
    }

    @Test func openingAnotherModelAndAddingACatalogEntry() throws {
        var s = try Fixture.state()
        // Tree rows: 0 "Workspace models", 1–3 the models, 4 "Catalog".
        Fixture.press(&s, .down, .down, .enter)
        #expect(s.workspace.selection.model == 1)
        #expect(Fixture.text(s).contains("● ResNet-50"))
        // Open the catalog, its first task group, and add its first entry.
        Fixture.press(&s, .down, .down, .down, .right, .down, .right, .down, .enter)
        #expect(s.workspace.models.count == 4)
        #expect(s.isDirty)
        #expect(s.workspace.selection.model == 3)
    }

    @Test func filterNarrowsTheLayers() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .tab, .char("/"), .char("c"), .char("l"), .char("a"), .char("s"), .char("s"))
        #expect(s.filterInput?.text == "class")
        #expect(s.modelsScreen.table.filter == "class")
        #expect(Fixture.render(s).lines[38].contains("filter:"))
        Fixture.press(&s, .enter)
        #expect(s.filterInput == nil && s.modelsScreen.table.filter == "class")
        let text = Fixture.text(s)
        #expect(text.contains("classifier.1") && !text.contains("features.0.0 "))
        Fixture.press(&s, .char("/"), .escape)
        #expect(s.modelsScreen.table.filter == "")
    }
}
