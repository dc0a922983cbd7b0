import Testing
import TermCore
import Workbench
@testable import WorkbenchUI

/// The pure update: state and effects for keys, mouse, resize, saving and quitting.
@Suite struct UpdateTests {
    @Test func numberKeysSwitchScreensAndRememberThem() throws {
        var s = try Fixture.state()
        for (key, screen) in zip("12345", Screen.numbered) {
            Fixture.press(&s, .char(key.unicodeScalars.first!))
            #expect(s.screen == screen)
            #expect(s.workspace.selection.screen == screen.rawValue)
        }
    }

    @Test func quitWithoutChangesQuitsAtOnce() throws {
        var s = try Fixture.state()
        #expect(!s.isDirty)
        #expect(Fixture.press(&s, .char("q")).contains { $0.isQuit })
    }

    @Test func quitWithChangesAsks() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"), .end, .right)
        #expect(s.isDirty)
        #expect(Fixture.press(&s, .char("q")).isEmpty)
        #expect(s.modal == .confirmQuit(selected: 0))
        #expect(Fixture.text(s).contains("Unsaved changes"))
        // Esc: back to work.
        Fixture.press(&s, .escape)
        #expect(s.modal == nil)
        // "Quit without saving".
        Fixture.press(&s, .char("q"), .right)
        #expect(s.modal == .confirmQuit(selected: 1))
        #expect(Fixture.press(&s, .enter).contains { $0.isQuit })
    }

    @Test func saveAndQuitSavesFirst() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"), .end, .right, .char("q"))
        let effects = Fixture.press(&s, .enter)
        #expect(effects.compactMap(\.savePath) == [Fixture.workspacePath])
        #expect(!effects.contains { $0.isQuit })
        let after = WorkbenchApp.update(&s, .saveFinished(error: nil, thenQuit: true), now: 1)
        #expect(after.contains { $0.isQuit })
        #expect(!s.isDirty)
    }

    @Test func ctrlCTwiceQuitsWithoutSaving() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"), .end, .right)
        #expect(Fixture.press(&s, .ctrl("c")).isEmpty)
        #expect(Fixture.press(&s, .ctrl("c")).contains { $0.isQuit })
    }

    @Test func saveIsAnEffectAndAFailedSaveKeepsTheChanges() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("3"), .end, .right)
        #expect(Fixture.press(&s, .char("s")).compactMap(\.savePath) == [Fixture.workspacePath])
        _ = WorkbenchApp.update(&s, .saveFinished(error: "disk full", thenQuit: false), now: 1)
        #expect(s.isDirty)
        #expect(s.status?.kind == .error)
        #expect(Fixture.render(s).lines[38].contains("not saved: disk full"))
    }

    @Test func statusMessagesExpireWithTheClock() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .tab, .char("o"), now: 100)
        #expect(s.status != nil)
        _ = WorkbenchApp.update(&s, .event(.tick), now: 103)
        #expect(s.status != nil)
        _ = WorkbenchApp.update(&s, .event(.tick), now: 104.5)
        #expect(s.status == nil)
    }

    @Test func contextKeysCycleModelStrategyAndDevice() throws {
        var s = try Fixture.state()
        Fixture.press(&s, .char("M"))
        #expect(s.workspace.selection.model == 1)
        Fixture.press(&s, .char("S"))
        // int8 → 2:4+int8
        #expect(s.pipeline.name == "2:4+int8")
        Fixture.press(&s, .char("D"))
        #expect(s.device?.id == "rpi5-hailo8l")
        #expect(!s.isDirty)  // selections alone are not unsaved work
    }

    @Test func resizeIsFollowed() throws {
        var s = try Fixture.state()
        _ = WorkbenchApp.update(&s, .event(.resize(cols: 90, rows: 30)), now: 0)
        #expect(s.cols == 90 && s.rows == 30)
        let b = Fixture.render(s)
        #expect(b.width == 90 && b.lines[0].contains("1 Models"))
    }

    @Test func themesCycleAndAreRemembered() throws {
        var s = try Fixture.state()
        let first = s.theme.name
        Fixture.press(&s, .char("t"))
        #expect(s.theme.name != first)
        #expect(s.workspace.selection.theme == s.theme.name)
    }

    @Test func tabAndShiftTabMoveBetweenPanes() throws {
        var s = try Fixture.state()
        // Tune has two panes: the layer table (0) and the pipeline settings (1); both keys wrap around.
        Fixture.press(&s, .char("3"))
        #expect(s.focusedPane == 0)
        Fixture.press(&s, .tab)
        #expect(s.focusedPane == 1)
        Fixture.press(&s, .tab)
        #expect(s.focusedPane == 0)
        Fixture.press(&s, .backTab)
        #expect(s.focusedPane == 1)
        Fixture.press(&s, .backTab)
        #expect(s.focusedPane == 0)
        // Focus is per screen: Models keeps its own.
        Fixture.press(&s, .tab, .char("1"))
        #expect(s.focusedPane == 0)
        Fixture.press(&s, .char("3"))
        #expect(s.focusedPane == 1)
    }

    @Test func mouseSelectsTabsAndRows() throws {
        var s = try Fixture.state()
        let tabs = Chrome(cols: 120, rows: 40).tabsWidget(selected: .models, glyphs: .unicode).layout(width: 120)
        let tune = tabs[2].columns.lowerBound + 1
        _ = WorkbenchApp.update(&s, .event(.mouse(MouseEvent(.press(.left), x: tune, y: 0))), now: 0)
        #expect(s.screen == .tune)
        // Third body row of the layer table (the table pane starts below the header line at y = 3; its header row
        // is y = 4, so body rows start at y = 5).
        _ = WorkbenchApp.update(&s, .event(.mouse(MouseEvent(.press(.left), x: 10, y: 7))), now: 0)
        #expect(s.tune.table.selection == 2)
        _ = WorkbenchApp.update(&s, .event(.mouse(MouseEvent(.scrollDown, x: 10, y: 7))), now: 0)
        #expect(s.tune.table.selection == 3)
    }
}
