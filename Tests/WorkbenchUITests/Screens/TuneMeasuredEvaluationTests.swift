import EdgeSim
import EdgeTestSupport
import Foundation
import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

/// Tune's `e` on a model file with eval data (Workspaces/file-type-magika.yaml: Magika on real cached files) runs
/// the engine in the background, shows the measured output SQNR, agreement and accuracy, marks it stale after a
/// change, and `edgewise tune --evaluate --json` reports the very same value. Needs Scripts/fetch-models.sh (CI runs it).
@Suite(.serialized) struct TuneMeasuredEvaluationTests {
    static let workspace = TestPaths.repoRoot.appendingPathComponent("Workspaces/file-type-magika.yaml").path

    func open() throws -> AppState {
        let ws = try Workspace.load(path: Self.workspace)
        let file = EvalData.resolve(ws.models[0].reference)
        try #require(FileManager.default.fileExists(atPath: file), "\(file) is missing: run Scripts/fetch-models.sh (CI does)")
        var s = try Startup.open(workspacePath: Self.workspace, themeSpec: nil, themesDirectory: Fixture.themes,
                                 capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256), cols: 120, rows: 40,
                                 now: 0, simulator: Fixture.simulator)
        Fixture.runEffects(WorkbenchApp.update(&s, .event(.tick), now: 0), &s)
        try #require(s.cache != nil, "Magika did not load: \(s.models.first.map { "\($0)" } ?? "")")
        return s
    }

    @Test func measuredOnTheEvalDataInTheBackgroundAndEqualToTheJSONTwin() throws {
        var s = try open()
        #expect(s.screen == .tune)
        #expect(Fixture.text(s).contains("e measures on the eval data"))
        // Opening Tune on a model file with eval data ran the pipeline's per-layer sensitivity analysis in the
        // background (Fixture.runEffects ran it): the sens dB column shows its output SQNR per layer, labelled.
        let sens = try #require(s.sensitivities[0]?.result)
        let cache = try #require(s.cache)
        let layers = TuneScreen.weightedLayers(cache).map { cache.model.graph.nodes[$0].name }
        #expect(!sens.outputSQNR.isEmpty && Set(sens.outputSQNR.keys).isSubset(of: Set(layers)))
        let rows = TuneScreen.rows(s, cache, TuneScreen.weightedLayers(cache))
        for r in rows {
            if let v = sens.outputSQNR[r.cells[0]] { #expect(r.cells[4] == Fmt.dB(v), "\(r.cells[0])") }
        }
        #expect(Fixture.text(s).contains("sens dB: output SQNR, layer alone int8 (measured)"))
        let effects = Fixture.press(&s, .char("e"))
        #expect(effects.contains { $0.evaluateJob != nil })
        #expect(Fixture.text(s).contains("evaluating"))
        Fixture.runEffects(effects, &s)
        let r = try #require(s.evaluations[0]?.last)
        let m = try #require(r.measured)
        #expect(r.metric == "output SQNR on eval data" && r.value == m.outputSQNR)
        let text = Fixture.text(s)
        #expect(text.contains("output SQNR on eval data") && text.contains("measured") && text.contains("top-1 agreement"))
        #expect(text.contains("accuracy"))
        // A change makes it stale (the last value stays, marked) and re-evaluates in the background.
        let weighted = TuneScreen.weightedLayers(try #require(s.cache))
        s.tune.table.selection = 0
        let again = Fixture.press(&s, .right)
        #expect(again.contains { $0.evaluateJob != nil })
        #expect(Fixture.text(s).contains("STALE"))
        #expect(!weighted.isEmpty)

        // The headless twin: same workspace, same strategy (the int8 pipeline), same measured value.
        let cli = try CLI.run(["tune", Self.workspace, "--evaluate", "--json"], timeout: 600)
        #expect(cli.status == 0, "\(cli.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])
        let q = try #require(doc["quality"] as? [String: Any])
        #expect(q["metric"] as? String == "output SQNR on eval data")
        #expect(q["valueDB"] as? Double == r.value)
        let measured = try #require(q["measured"] as? [String: Any])
        // Fractions k/57 written as JSON text and parsed back may differ in the last bit (Foundation's parser).
        #expect(abs((measured["top1Agreement"] as? Double ?? -1) - (m.top1Agreement ?? -2)) < 1e-12)
        #expect(abs((measured["accuracy"] as? Double ?? -1) - (m.accuracy ?? -2)) < 1e-12)
        #expect(measured["samples"] as? Int == m.samples)
    }
}
