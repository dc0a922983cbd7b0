import Testing
@testable import TermCore

@Suite struct StatusBarTests {
    @Test func leftAndRight() {
        var b = sentinel(32, 3)
        StatusBar(left: "Models · resnet50", right: "unsaved").render(into: &b, area: Rect(x: 1, y: 1, width: 30, height: 1))
        // 1 pad + 17 left + 5 blanks + 7 right = 30.
        #expect(b.lines == [xs(32), "x Models · resnet50     unsavedx", xs(32)])
        #expect(b[5, 1].style.attributes.contains(.reverse))
    }

    @Test func rightWinsWhenNarrow() {
        var b = sentinel(17, 1)
        StatusBar(left: "Models · resnet50", right: "unsaved").render(into: &b, area: Rect(x: 0, y: 0, width: 15, height: 1))
        // Left gets 15 − 7 − 1 gap − 1 pad = 6 columns: "Model…".
        #expect(b.lines == [" Model… unsavedxx"])
    }
}
