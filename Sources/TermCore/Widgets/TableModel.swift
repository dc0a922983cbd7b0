/// How wide a table column wants to be.
public enum ColumnWidth: Sendable, Hashable {
    /// Exactly `n` columns, never shrunk (dropped only when the table is too narrow for the fixed columns).
    case fixed(Int)
    /// As wide as the widest cell or title, clamped to min…max; shrinks down to `min` when space is short.
    case auto(min: Int, max: Int)
    /// Like `auto` with no maximum, and takes the spare width when the table is wider than its content.
    case fill(min: Int)

    /// Content-sized, at least 3 columns, unbounded.
    public static let content = ColumnWidth.auto(min: 3, max: Int.max)
}

/// A table column: title, alignment and width rule.
public struct TableColumn: Sendable, Hashable {
    public var title: String
    public var alignment: Alignment
    public var width: ColumnWidth

    public init(_ title: String, alignment: Alignment = .left, width: ColumnWidth = .content) {
        self.title = title
        self.alignment = alignment
        self.width = width
    }
}

/// The value a cell sorts by: numbers numerically (before any text), text case-insensitively.
public enum SortKey: Sendable, Hashable, Comparable {
    case number(Double)
    case text(String)

    /// The key for a cell's text: a number if the whole text parses as one, else the lower-cased text.
    public init(cell: String) {
        if let v = Double(cell) { self = .number(v) } else { self = .text(cell.lowercased()) }
    }

    public static func < (a: SortKey, b: SortKey) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if x.isNaN { return false }  // NaN sorts last
            return y.isNaN || x < y
        case (.number, .text): return true
        case (.text, .number): return false
        case (.text(let x), .text(let y)): return x < y
        }
    }
}

/// One table row: the texts shown, optional sort keys (one per column) and optional per-cell styles.
public struct TableRow: Sendable, Hashable {
    public var cells: [String]
    public var keys: [SortKey]
    public var styles: [Style?]

    /// A row; `keys` default to `SortKey(cell:)` of each cell (pass explicit keys for "12.5 ms" style text).
    public init(_ cells: [String], keys: [SortKey]? = nil, styles: [Style?] = []) {
        self.cells = cells
        self.keys = keys ?? cells.map(SortKey.init(cell:))
        self.styles = styles
    }
}

/// What the user did to a table: selection, scroll position, sort and filter. Owned by the screen's state.
public struct TableState: Sendable, Hashable {
    /// Index into the visible (filtered, sorted) rows.
    public var selection: Int
    /// First visible row shown.
    public var offset: Int
    public var sortColumn: Int?
    public var ascending: Bool
    /// Case-insensitive text a row must contain in some cell to be shown; empty shows all.
    public var filter: String

    public init(selection: Int = 0, offset: Int = 0, sortColumn: Int? = nil, ascending: Bool = true, filter: String = "") {
        self.selection = selection
        self.offset = offset
        self.sortColumn = sortColumn
        self.ascending = ascending
        self.filter = filter
    }

    /// Moves the selection by `delta` rows, clamped to `rowCount`, and scrolls so it stays in a body of
    /// `height` rows.
    public mutating func moveSelection(by delta: Int, rowCount: Int, height: Int) {
        selection = rowCount == 0 ? 0 : min(rowCount - 1, max(0, selection + delta))
        scrollToSelection(height: height)
    }

    /// Adjusts `offset` so the selected row is inside a body of `height` rows, moving as little as possible.
    public mutating func scrollToSelection(height: Int) {
        offset = TableState.offset(keeping: selection, from: offset, height: height)
    }

    /// The smallest scroll change from `offset` that shows row `selection` in `height` rows.
    public static func offset(keeping selection: Int, from offset: Int, height: Int) -> Int {
        guard height > 0 else { return selection }
        if selection < offset { return max(0, selection) }
        if selection >= offset + height { return selection - height + 1 }
        return max(0, offset)
    }

    /// Sorts by `column`: ascending first, flipping direction when it is already the sort column.
    public mutating func toggleSort(column: Int) {
        if sortColumn == column { ascending.toggle() } else { (sortColumn, ascending) = (column, true) }
    }
}

extension TableState {
    /// Row indices (into `rows`) that pass the filter, in sort order; ties keep their original order.
    ///
    /// - Complexity: O(n log n) comparisons plus O(n × cells) for the filter.
    public func visibleRows(_ rows: [TableRow]) -> [Int] {
        let needle = filter.lowercased()
        var idx = needle.isEmpty ? Array(rows.indices) : rows.indices.filter { i in
            rows[i].cells.contains { $0.lowercased().contains(needle) }
        }
        if let c = sortColumn {
            let asc = ascending
            idx.sort { a, b in
                let ka = c < rows[a].keys.count ? rows[a].keys[c] : .text("")
                let kb = c < rows[b].keys.count ? rows[b].keys[c] : .text("")
                if ka < kb { return asc }
                if kb < ka { return !asc }
                return a < b
            }
        }
        return idx
    }
}
