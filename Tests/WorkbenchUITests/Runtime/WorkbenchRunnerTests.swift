import EdgeTestSupport
import Foundation
import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

/// The runner against an in-memory terminal: background work reports back, saving writes the file, reopening
/// restores the selections.
@Suite struct WorkbenchRunnerTests {
    @Test func backgroundEvaluationReportsBack() throws {
        let terminal = HeadlessTerminal(cols: 120, rows: 40)
        let runner = WorkbenchRunner(state: try Fixture.tinyState(), terminal: terminal, clock: ManualClock(5))
        runner.send(.event(.key(.char("e"))))
        #expect(runner.state.evaluations[0]?.running != nil)
        #expect(runner.wait(timeout: 30) { $0.evaluations[0]?.last != nil })
        #expect(runner.state.evaluations[0]?.running == nil)
        #expect(runner.state.evaluations[0]?.last?.metric == "weight SQNR (estimate)")
    }

    @Test func sustainedRunReportsBack() throws {
        let runner = WorkbenchRunner(state: try Fixture.tinyState(), terminal: HeadlessTerminal(cols: 120, rows: 40), clock: ManualClock())
        runner.send(.event(.key(.char("5"))))
        #expect(runner.wait(timeout: 30) { $0.dashboard.run != nil })
        #expect(runner.state.dashboard.run?.samples.count == 21)  // 20 s run: t = 0 … 20
    }

    @Test func saveWritesAtomicallyAndReopeningRestoresSelections() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ws.yaml").path
        try FileManager.default.copyItem(atPath: Fixture.workspacePath, toPath: path)
        var s = try Fixture.defaultState.get()
        s.workspacePath = path
        let terminal = HeadlessTerminal(cols: 120, rows: 40)
        terminal.pendingEvents = [.key(.char("3")), .key(.end), .key(.right), .key(.char("D")), .key(.char("s")), .key(.char("q"))]
        let runner = WorkbenchRunner(state: s, terminal: terminal, clock: ManualClock())
        runner.run(tickMilliseconds: 0)
        #expect(!runner.state.isDirty)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("screen: tune"))
        #expect(text.contains("classifier.1: int4"))
        #expect(text.contains("device: rpi5-hailo8l"))
        let reopened = try Startup.open(workspacePath: path, themeSpec: nil, themesDirectory: Fixture.themes,
                                        capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256), cols: 120, rows: 40,
                                        simulator: Fixture.simulator)
        #expect(reopened.screen == .tune)
        #expect(reopened.workspace.selection.overrides == ["classifier.1": .int4])
        #expect(reopened.device?.id == "rpi5-hailo8l")
        #expect(!reopened.isDirty)
    }

    @Test func aBadThemeOrWorkspaceIsAnErrorBeforeTheScreen() throws {
        #expect(throws: StartupError.self) {
            try Startup.open(workspacePath: Fixture.workspacePath, themeSpec: "no-such-theme", themesDirectory: Fixture.themes,
                             capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256), cols: 80, rows: 24,
                             simulator: Fixture.simulator)
        }
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml").path
        try "edgewise-workspace: 1\nname: x\nmodels: [zoo:mobilenet_v2]\ndevices: [rpi9]\nscenario: {fps: 30}\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        do {
            _ = try Startup.open(workspacePath: bad, themeSpec: nil, themesDirectory: Fixture.themes,
                                 capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256), cols: 80, rows: 24,
                                 simulator: Fixture.simulator)
            Issue.record("an unknown device must be refused")
        } catch {
            #expect("\(error)".contains("bad.yaml:4"))
            #expect("\(error)".contains("rpi9"))
        }
    }

    @Test func themeFlagPicksTheTheme() throws {
        let s = try Startup.open(workspacePath: Fixture.workspacePath, themeSpec: "light", themesDirectory: Fixture.themes,
                                 capabilities: TerminalCapabilities(utf8: true, colorDepth: .indexed256), cols: 80, rows: 24,
                                 simulator: Fixture.simulator)
        #expect(s.theme.name == "light")
    }
}
