/// A node of a tree widget: a stable id (for the expanded set), a label and children.
public struct TreeNode: Sendable, Hashable {
    public var id: String
    public var label: String
    public var children: [TreeNode]

    public init(id: String, label: String, children: [TreeNode] = []) {
        self.id = id
        self.label = label
        self.children = children
    }
}

/// Expanded nodes, selection and scroll position of a tree. Owned by the screen's state.
public struct TreeState: Sendable, Hashable {
    public var expanded: Set<String>
    /// Index into the flattened visible rows.
    public var selection: Int
    public var offset: Int

    public init(expanded: Set<String> = [], selection: Int = 0, offset: Int = 0) {
        self.expanded = expanded
        self.selection = selection
        self.offset = offset
    }

    /// A visible row: the node, its depth, and its parent's row index (nil at the top level).
    public struct Row: Sendable, Hashable {
        public var node: TreeNode
        public var depth: Int
        public var parent: Int?
    }

    /// The rows shown: every root, and the children of expanded nodes, depth first.
    ///
    /// Iterative (an explicit stack), so a deeply nested tree read from a file cannot overflow the call stack.
    public func visibleRows(_ roots: [TreeNode]) -> [Row] {
        var out: [Row] = []
        var stack: [(TreeNode, Int, Int?)] = roots.reversed().map { ($0, 0, nil) }
        while let (node, depth, parent) = stack.popLast() {
            out.append(Row(node: node, depth: depth, parent: parent))
            if expanded.contains(node.id) {
                let me = out.count - 1
                for child in node.children.reversed() { stack.append((child, depth + 1, me)) }
            }
        }
        return out
    }

    /// Applies a navigation key: ↑/↓ move, → expands (or enters the first child), ← collapses (or goes to the
    /// parent), Enter/Space toggle. Returns false for keys it does not handle.
    public mutating func handle(_ key: Key, roots: [TreeNode], height: Int) -> Bool {
        let rows = visibleRows(roots)
        guard !rows.isEmpty else { return false }
        selection = min(max(0, selection), rows.count - 1)
        let row = rows[selection]
        switch key {
        case .up, .char("k"): selection = max(0, selection - 1)
        case .down, .char("j"): selection = min(rows.count - 1, selection + 1)
        case .right, .char("l"):
            if row.node.children.isEmpty { break }
            if expanded.contains(row.node.id) { selection += 1 } else { expanded.insert(row.node.id) }
        case .left, .char("h"):
            if expanded.contains(row.node.id) { expanded.remove(row.node.id) } else if let p = row.parent {
                selection = p
            }
        case .enter, .char(" "):
            guard !row.node.children.isEmpty else { return false }
            if expanded.contains(row.node.id) { expanded.remove(row.node.id) } else { expanded.insert(row.node.id) }
        default: return false
        }
        offset = TableState.offset(keeping: selection, from: offset, height: height)
        return true
    }
}

/// An indented tree with expand/collapse markers and a highlighted selection.
public struct Tree: Widget {
    public var roots: [TreeNode]
    public var state: TreeState
    public var glyphs: GlyphSet
    public var textStyle: Style
    public var markerStyle: Style
    public var selectionStyle: Style

    public init(_ roots: [TreeNode], state: TreeState = TreeState(), glyphs: GlyphSet = .unicode,
                textStyle: Style = .plain, markerStyle: Style = .plain,
                selectionStyle: Style = Style(attributes: .reverse)) {
        self.roots = roots
        self.state = state
        self.glyphs = glyphs
        self.textStyle = textStyle
        self.markerStyle = markerStyle
        self.selectionStyle = selectionStyle
    }

    public func render(into buffer: inout CellBuffer, area: Rect) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: .blank(textStyle))
        let rows = state.visibleRows(roots)
        guard !rows.isEmpty else { return }
        let selection = min(max(0, state.selection), rows.count - 1)
        let offset = TableState.offset(keeping: selection, from: state.offset, height: area.height)
        for line in 0..<area.height {
            let i = offset + line
            guard i < rows.count else { break }
            let row = rows[i]
            let y = area.y + line
            let selected = i == selection
            let base = selected ? textStyle.patched(with: selectionStyle) : textStyle
            buffer.fill(area.row(line), with: .blank(base))
            let indent = min(2 * row.depth, area.width)
            var x = area.x + indent
            if !row.node.children.isEmpty {
                let marker = state.expanded.contains(row.node.id) ? glyphs.expanded : glyphs.collapsed
                let ms = selected ? markerStyle.patched(with: selectionStyle) : markerStyle
                x = buffer.write(String(Character(marker)), x: x, y: y, style: ms, clip: area)
            } else {
                x += 1
            }
            x += 1
            if x < area.maxX {
                buffer.write(row.node.label, x: x, y: y, width: area.maxX - x, style: base, ellipsis: glyphs.ellipsis)
            }
        }
    }
}
