import Foundation
import EdgeTestSupport
import Testing
import TermCore
@testable import WorkbenchUI

@Suite struct KeyBindingsTests {
    /// docs/keys.md is generated from the bindings table; this fails when someone changes one and not the other.
    @Test func docsKeysIsUpToDate() throws {
        let path = TestPaths.repoRoot.appendingPathComponent("docs/keys.md").path
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        #expect(onDisk == KeyBindings.markdown(), "docs/keys.md is stale: run `swift run edgewise keys > docs/keys.md`")
    }

    @Test func screenBindingsWinOverGlobalOnes() {
        #expect(KeyBindings.action(for: .char("o"), on: .models) == .sortNext)
        #expect(KeyBindings.action(for: .char("o"), on: .compare) == .sortByMetric)
        #expect(KeyBindings.action(for: .escape, on: .tune) == .cancel)
        #expect(KeyBindings.action(for: .char("q"), on: .tune) == .quit)
        #expect(KeyBindings.action(for: .char("k"), on: .devices) == .up)
        #expect(KeyBindings.action(for: .char("z"), on: .models) == nil)
    }

    @Test func noKeyIsBoundTwiceInOneScope() {
        var seen: [String: Action] = [:]
        for b in KeyBindings.all {
            for k in b.keys {
                let id = "\(b.scope)|\(k)"
                #expect(seen[id] == nil || seen[id] == b.action, "\(k) bound twice in \(b.scope.title)")
                seen[id] = b.action
            }
        }
    }

    @Test func issueSevenKeysExist() {
        // Arrows and vim keys, Tab/Shift-Tab, 1–5, /, s, t, q (issue 7, part 4).
        let global: [(Key, Action)] = [(.up, .up), (.char("k"), .up), (.down, .down), (.char("j"), .down), (.left, .left),
                                       (.char("h"), .left), (.right, .right), (.char("l"), .right), (.tab, .nextPane),
                                       (.backTab, .previousPane), (.char("1"), .screenModels), (.char("5"), .screenDashboard),
                                       (.char("/"), .filter), (.char("s"), .save), (.char("t"), .nextTheme), (.char("q"), .quit)]
        for (k, a) in global { #expect(KeyBindings.action(for: k, on: .compare) == a || k == .left || k == .right) }
        #expect(KeyBindings.action(for: .char("?"), on: .models) == .help)
    }
}
