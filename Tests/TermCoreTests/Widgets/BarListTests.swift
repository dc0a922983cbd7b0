import Testing
@testable import TermCore

@Suite struct BarListTests {
    @Test func labelledBars() {
        var b = sentinel(22, 5)
        BarList([.init("conv1", 10), .init("fc", 5)]).render(into: &b, area: Rect(x: 1, y: 1, width: 20, height: 3))
        // Labels 5 wide (≤ 20/3), values "10"/"5" 2 wide; bar = 20 − 5 − 1 − 2 − 1 = 11 columns.
        // fc: 5/10 · 88 = 44 eighths = 5 full + "▌".
        #expect(b.lines == [
            xs(22),
            "x" + "conv1 " + rep("█", 11) + " 10" + "x",
            "x" + "fc    " + rep("█", 5) + "▌" + sp(7) + "5" + "x",
            "x" + sp(20) + "x",
            xs(22),
        ])
    }
}
