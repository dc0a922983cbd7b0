import Testing
@testable import TermCore

@Suite struct ModalTests {
    let modal = Modal(title: "Quit", message: "Unsaved changes will be lost.", buttons: ["Save", "Discard", "Cancel"])

    @Test func centredBoxWithButtons() {
        var b = sentinel(40, 10)
        modal.render(into: &b, area: b.bounds)
        // Message 29 wide; buttons "[ Save ]" 8 + "[ Discard ]" 11 + "[ Cancel ]" 10 + 2·2 = 33 → inner 33, box 37×5
        // (1 message line, blank, buttons, borders) centred at x = (40−37)/2 = 1, y = (10−5)/2 = 2.
        #expect(b.lines == [
            xs(40), xs(40),
            "x┌─ Quit " + rep("─", 28) + "┐xx",
            "x│ Unsaved changes will be lost." + sp(5) + "│xx",
            "x│" + sp(35) + "│xx",
            "x│ [ Save ]  [ Discard ]  [ Cancel ] │xx",
            "x└" + rep("─", 35) + "┘xx",
            xs(40), xs(40), xs(40),
        ])
        #expect(b[3, 5].style.attributes.contains(.reverse))  // "[" of the selected "Save"
        #expect(!b[13, 5].style.attributes.contains(.reverse))
    }

    @Test func hitTestFindsButtons() {
        let area = Rect(x: 0, y: 0, width: 40, height: 10)
        #expect(modal.hitTest(x: 3, y: 5, area: area) == 0)
        #expect(modal.hitTest(x: 14, y: 5, area: area) == 1)  // "[ Discard ]" spans 13–23
        #expect(modal.hitTest(x: 12, y: 5, area: area) == nil)  // the gap
        #expect(modal.hitTest(x: 14, y: 4, area: area) == nil)
    }

    @Test func longMessagesWrap() {
        let m = Modal(title: "Error", message: "the quick brown fox jumps", buttons: [], maxWidth: 14)
        // Wrapped at ≤ 14 − 4 = 10: "the quick" / "brown fox" / "jumps" → inner 9 (= "Error" + 4 too), box 13×5,
        // centred in 20×7 at ((20−13)/2, (7−5)/2) = (3, 1).
        #expect(m.box(in: Rect(x: 0, y: 0, width: 20, height: 7)) == Rect(x: 3, y: 1, width: 13, height: 5))
        var b = sentinel(20, 7)
        m.render(into: &b, area: b.bounds)
        #expect(b.lines[1] == "xxx┌─ Error ───┐xxxx")  // 9 columns of corner, rule and title, 3 rules, corner
        #expect(b.lines[2] == "xxx│ the quick │xxxx")
        #expect(b.lines[4] == "xxx│ jumps     │xxxx")
    }
}
