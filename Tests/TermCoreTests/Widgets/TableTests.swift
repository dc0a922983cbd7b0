import Testing
@testable import TermCore

/// Table rendering, sorting, filtering, scrolling and column sizing. Columns: Layer (left), MACs and Bytes (right);
/// content widths: Layer max("Layer"+1, "layer1") = 6, MACs "MACs"+1 = 5, Bytes "Bytes"+1 = 6.
@Suite struct TableTests {
    let columns = [TableColumn("Layer"), TableColumn("MACs", alignment: .right), TableColumn("Bytes", alignment: .right)]
    let rows = [TableRow(["conv1", "118", "9"]), TableRow(["layer1", "115", "147"]), TableRow(["fc", "2", "2050"])]

    func table(_ state: TableState = TableState()) -> Table { Table(columns: columns, rows: rows, state: state) }

    @Test func headerRowsAndSelection() {
        var b = sentinel(22, 6)
        table().render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 4))
        // Widths 6, 5, 6 + 2 gaps = 19 of 20; columns at x = 1, 8, 14; one spare blank at the end.
        #expect(b.lines == [
            xs(22),
            "xLayer   MACs  Bytes x",
            "xconv1" + sp(4) + "118" + sp(6) + "9 x",  // "conv1 " + gap + "  118" + gap + "     9" + spare
            "xlayer1" + sp(3) + "115" + sp(4) + "147 x",
            "xfc" + sp(4) + " " + "    2" + " " + "  2050" + " x",
            xs(22),
        ])
        #expect(b[1, 2].style.attributes.contains(.reverse) && b[20, 2].style.attributes.contains(.reverse))
        #expect(!b[1, 3].style.attributes.contains(.reverse))
        #expect(b[1, 1].style.attributes.contains(.bold))
    }

    @Test func sortAscendingAndDescending() {
        var b = sentinel(22, 6)
        table(TableState(sortColumn: 1, ascending: true)).render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 4))
        // By MACs ascending: fc (2), layer1 (115), conv1 (118); the arrow fills MACs' 5th column.
        #expect(b.lines[1] == "xLayer  MACs▲  Bytes x")
        #expect(b.lines[2].hasPrefix("xfc "))
        #expect(b.lines[4].hasPrefix("xconv1 "))
        #expect(TableState(sortColumn: 2, ascending: false).visibleRows(rows) == [2, 1, 0])  // 2050, 147, 9
        #expect(TableState(sortColumn: 0, ascending: true).visibleRows(rows) == [0, 2, 1])  // conv1, fc, layer1
    }

    @Test func toggleSort() {
        var s = TableState()
        s.toggleSort(column: 2)
        #expect(s.sortColumn == 2 && s.ascending)
        s.toggleSort(column: 2)
        #expect(s.sortColumn == 2 && !s.ascending)
        s.toggleSort(column: 0)
        #expect(s.sortColumn == 0 && s.ascending)
    }

    @Test func sortIsStableAndNumbersBeforeText() {
        let r = [TableRow(["b", "1"]), TableRow(["a", "n/a"]), TableRow(["c", "1"]), TableRow(["d", "0.5"])]
        // Keys: 1, "n/a", 1, 0.5 → 0.5, 1 (row 0), 1 (row 2), then text.
        #expect(TableState(sortColumn: 1).visibleRows(r) == [3, 0, 2, 1])
        // Descending keeps equal keys in their original order too.
        #expect(TableState(sortColumn: 1, ascending: false).visibleRows(r) == [1, 0, 2, 3])
        let nan = [TableRow(["x"], keys: [.number(.nan)]), TableRow(["y"], keys: [.number(1)])]
        #expect(TableState(sortColumn: 0).visibleRows(nan) == [1, 0])
    }

    @Test func filterIsCaseInsensitive() {
        #expect(TableState(filter: "LAY").visibleRows(rows) == [1])
        #expect(TableState(filter: "20").visibleRows(rows) == [2])  // "2050"
        var b = sentinel(22, 4)
        table(TableState(filter: "zzz")).render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 2))
        #expect(b.lines[2] == "xno rows match “zzz” x")
        #expect(b[1, 2].style.attributes.contains(.dim))
    }

    @Test func scrollKeepsSelectionVisible() {
        let many = (0..<10).map { TableRow(["r\($0)"]) }
        let t = Table(columns: [TableColumn("Row")], rows: many, state: TableState(selection: 7))
        var b = sentinel(6, 4)
        t.render(into: &b, area: Rect(x: 0, y: 0, width: 4, height: 4))
        // Body of 3 rows, selection 7 → offset 7 − 3 + 1 = 5: r5, r6, r7.
        #expect(b.lines == ["Row xx", "r5  xx", "r6  xx", "r7  xx"])
        #expect(b[0, 3].style.attributes.contains(.reverse))
        #expect(t.rowPosition(atY: 2, area: Rect(x: 0, y: 0, width: 4, height: 4), visibleCount: 10) == 6)
        #expect(t.rowPosition(atY: 0, area: Rect(x: 0, y: 0, width: 4, height: 4), visibleCount: 10) == nil)
    }

    @Test func movingTheSelection() {
        var s = TableState()
        s.moveSelection(by: 5, rowCount: 10, height: 3)
        #expect(s.selection == 5 && s.offset == 3)
        s.moveSelection(by: -4, rowCount: 10, height: 3)
        #expect(s.selection == 1 && s.offset == 1)
        s.moveSelection(by: 100, rowCount: 10, height: 3)
        #expect(s.selection == 9 && s.offset == 7)
        s.moveSelection(by: -100, rowCount: 10, height: 3)
        #expect(s.selection == 0 && s.offset == 0)
        s.moveSelection(by: 1, rowCount: 0, height: 3)
        #expect(s.selection == 0)
    }

    @Test func columnsShrinkWidestFirst() {
        var b = sentinel(17, 6)
        table().render(into: &b, area: Rect(x: 1, y: 1, width: 15, height: 4))
        // Desired 6+5+6 = 17 > 15 − 2 gaps = 13. Water level: L = 4 gives 4+4+4 = 12 ≤ 13, L = 5 gives 15 → L = 4;
        // the spare column goes to the first column still below its content width → 5, 4, 4.
        #expect(b.lines == [
            xs(17),
            "xLayer MACs Byt…x",
            "xconv1  118    9x",
            "xlaye…  115  147x",
            "xfc       2 2050x",
            xs(17),
        ])
    }

    @Test func columnsAreDroppedFromTheRightWhenMinimumsDoNotFit() {
        // Minimums 3+3+3 + 2 gaps = 11 > 8 → drop Bytes: 3+3+1 = 7 ≤ 8. Then 7 columns for desired 6+5:
        // L = 3 (3+3 = 6; L = 4 → 8 > 7), spare 1 → Layer: 4, 3.
        #expect(table().columnWidths(width: 8, visible: [0, 1, 2]) == [4, 3, nil])
        #expect(table().columnWidths(width: 2, visible: [0, 1, 2]) == [2, nil, nil])
    }

    @Test func fillColumnTakesSpareWidth() {
        let t = Table(columns: [TableColumn("Name", width: .fill(min: 3)), TableColumn("Value")],
                      rows: [TableRow(["a", "1"])])
        // Name: max(3, 4+1, 1) = 5; Value: 5+1 = 6; 20 − 1 gap − 11 = 8 spare → Name 13.
        #expect(t.columnWidths(width: 20, visible: [0]) == [13, 6])
        let fixed = Table(columns: [TableColumn("A", width: .fixed(4)), TableColumn("B", width: .auto(min: 2, max: 3))],
                          rows: [TableRow(["a", "long"])])
        #expect(fixed.columnWidths(width: 20, visible: [0]) == [4, 3])
    }

    @Test func perCellStylesUnderSelection() {
        let good = Style(fg: .green)
        let t = Table(columns: [TableColumn("A"), TableColumn("B")],
                      rows: [TableRow(["a", "b"], styles: [nil, good])],
                      selectionStyle: Style(attributes: .reverse))
        var b = CellBuffer(width: 10, height: 2)
        t.render(into: &b, area: b.bounds)
        // A's width is max("A"+1, "a") = 2, raised to the content minimum 3; B at 3 + 1 gap = 4 keeps its colour
        // and gains the selection's reverse.
        #expect(b[4, 1].style == Style(fg: .green, attributes: .reverse))
    }
}
