import Testing
@testable import TermCore

/// Frame diffs: only changed cells, wide characters whole, full redraw when there is nothing to compare to.
@Suite struct CellBufferDiffTests {
    @Test func identicalFramesHaveNoChanges() {
        var a = CellBuffer(width: 5, height: 2)
        a.write("hello", x: 0, y: 0)
        #expect(a.diff(from: a).isEmpty)
    }

    @Test func noPreviousOrNewSizeIsFullRedraw() {
        let a = CellBuffer(width: 3, height: 2)
        #expect(a.diff(from: nil) == [CellSpan(y: 0, x: 0, count: 3), CellSpan(y: 1, x: 0, count: 3)])
        #expect(a.diff(from: CellBuffer(width: 4, height: 2)).count == 2)
    }

    @Test func changedCellsFormRuns() {
        let old = CellBuffer(width: 6, height: 2)
        var new = old
        new.write("ab", x: 1, y: 0)
        new.write("c", x: 4, y: 0)
        new.write("d", x: 0, y: 1)
        new.setStyle(Style(attributes: .bold), in: Rect(x: 5, y: 1, width: 1, height: 1))
        #expect(new.diff(from: old) == [
            CellSpan(y: 0, x: 1, count: 2), CellSpan(y: 0, x: 4, count: 1),
            CellSpan(y: 1, x: 0, count: 1), CellSpan(y: 1, x: 5, count: 1),
        ])
    }

    @Test func wideCharacterIsRedrawnWhole() {
        var old = CellBuffer(width: 4, height: 1)
        old.write("a中d", x: 0, y: 0)
        var new = old
        new.write("文", x: 1, y: 0)
        // Heads differ (中 → 文), the continuations are identical; the run still covers both columns.
        #expect(new.diff(from: old) == [CellSpan(y: 0, x: 1, count: 2)])
        var narrow = old
        narrow.write("bc", x: 1, y: 0)
        #expect(narrow.diff(from: old) == [CellSpan(y: 0, x: 1, count: 2)])
    }

    @Test func diffIntoReusesStorage() {
        let old = CellBuffer(width: 3, height: 1)
        var new = old
        new.write("z", x: 2, y: 0)
        var spans = [CellSpan(y: 9, x: 9, count: 9)]
        new.diff(from: old, into: &spans)
        #expect(spans == [CellSpan(y: 0, x: 2, count: 1)])
    }
}
