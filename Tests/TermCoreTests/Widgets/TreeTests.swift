import Testing
@testable import TermCore

@Suite struct TreeTests {
    let roots = [
        TreeNode(id: "a", label: "A", children: [
            TreeNode(id: "a1", label: "A1"),
            TreeNode(id: "a2", label: "A2", children: [TreeNode(id: "a2a", label: "A2a")]),
        ]),
        TreeNode(id: "b", label: "B"),
    ]

    @Test func rendersExpandedNodesIndented() {
        var b = sentinel(14, 7)
        Tree(roots, state: TreeState(expanded: ["a"])).render(into: &b, area: Rect(x: 1, y: 1, width: 12, height: 5))
        // Depth d indents 2d; a marker (▾ expanded, ▸ collapsed) or a blank, a space, then the label.
        #expect(b.lines == [
            xs(14),
            "x▾ A" + sp(9) + "x",
            "x    A1" + sp(6) + "x",
            "x  ▸ A2" + sp(6) + "x",
            "x  B" + sp(9) + "x",
            "x" + sp(12) + "x",
            xs(14),
        ])
        #expect(b[3, 1].style.attributes.contains(.reverse))
    }

    @Test func keysExpandCollapseAndMove() {
        var handled = false
        var s = TreeState(expanded: ["a"])
        handled = s.handle(.down, roots: roots, height: 5)  // A1
        #expect(handled)
        #expect(s.selection == 1)
        handled = s.handle(.down, roots: roots, height: 5)  // A2
        #expect(handled)
        #expect(s.selection == 2)
        handled = s.handle(.right, roots: roots, height: 5)
        #expect(handled)
        #expect(s.expanded.contains("a2"))
        #expect(s.visibleRows(roots).map(\.node.id) == ["a", "a1", "a2", "a2a", "b"])
        handled = s.handle(.right, roots: roots, height: 5)  // into A2a
        #expect(handled)
        #expect(s.selection == 3)
        handled = s.handle(.left, roots: roots, height: 5)  // leaf: back to the parent
        #expect(handled)
        #expect(s.selection == 2)
        handled = s.handle(.left, roots: roots, height: 5)  // collapse
        #expect(handled)
        #expect(!s.expanded.contains("a2"))
        handled = s.handle(.char("q"), roots: roots, height: 5)
        #expect(!handled)
        s.selection = 1
        handled = s.handle(.enter, roots: roots, height: 5)  // Enter on a leaf is the caller's
        #expect(!handled)
        s.selection = 0
        handled = s.handle(.enter, roots: roots, height: 5)
        #expect(handled)
        #expect(s.expanded.isEmpty)
    }

    @Test func scrollsToSelection() {
        var handled = false
        var s = TreeState(expanded: ["a", "a2"])
        for _ in 0..<4 { _ = s.handle(.down, roots: roots, height: 2) }
        #expect(s.selection == 4 && s.offset == 3)
        var b = sentinel(6, 2)
        Tree(roots, state: s).render(into: &b, area: Rect(x: 0, y: 0, width: 6, height: 2))
        // Rows 3–4: A2a at depth 2 needs indent 4 + marker slot + space = 6 columns before its label → no room.
        #expect(b.lines == [sp(6), "  B   "])
    }

    @Test func deepTreesDoNotRecurse() {
        var node = TreeNode(id: "leaf", label: "leaf")
        var ids: Set<String> = []
        for i in 0..<1000 {
            node = TreeNode(id: "n\(i)", label: "n", children: [node])
            ids.insert("n\(i)")
        }
        #expect(TreeState(expanded: ids).visibleRows([node]).count == 1001)
    }
}
