import Testing
@testable import TermCore

/// Splitting rectangles by constraints; every expected size is worked out in the comment beside it.
@Suite struct LayoutTests {
    func widths(_ rects: [Rect]) -> [Int] { rects.map(\.width) }

    @Test func fixedAndFill() {
        // 100 − 20 − 30 = 50 for the fill.
        let r = Rect(x: 0, y: 0, width: 100, height: 10).split(.horizontal, [.fixed(20), .fill(1), .fixed(30)])
        #expect(widths(r) == [20, 50, 30])
        #expect(r.map(\.x) == [0, 20, 70])
        #expect(r.allSatisfy { $0.height == 10 && $0.y == 0 })
    }

    @Test func percentages() {
        // 25 % of 80 = 20, 50 % = 40, fill gets 80 − 60 = 20.
        let r = Rect(x: 0, y: 0, width: 80, height: 1).split(.horizontal, [.percentage(25), .percentage(50), .fill(1)])
        #expect(widths(r) == [20, 40, 20])
        #expect(r.map(\.x) == [0, 20, 60])
    }

    @Test func spacingAndLeftovers() {
        // 10 − 1 spacing = 9; 9·1/2 = 4 each, one left over → the first: 5, 4 at x 0 and 5 + 1.
        let r = Rect(x: 0, y: 0, width: 10, height: 1).split(.horizontal, [.fill(1), .fill(1)], spacing: 1)
        #expect(widths(r) == [5, 4])
        #expect(r.map(\.x) == [0, 6])
        // Weights 1:3 of 10 → 2 and 7 (floor), 1 left → the first: 3, 7.
        let w = Rect(x: 0, y: 0, width: 10, height: 1).split(.horizontal, [.fill(1), .fill(3)])
        #expect(widths(w) == [3, 7])
    }

    @Test func minGrowsLikeFill() {
        // Bases 10 + 5 = 15, remainder 15 shared by min (weight 1) and fill(1): 7 each, 1 left → min: 18, 5, 7.
        let r = Rect(x: 0, y: 0, width: 30, height: 1).split(.horizontal, [.min(10), .fixed(5), .fill(1)])
        #expect(widths(r) == [18, 5, 7])
        #expect(r.map(\.x) == [0, 18, 23])
    }

    @Test func overConstrainedShrinksFromTheEnd() {
        // 3 + 3 + 1 = 7 in 5: the last loses 1 (→ 0), then the middle loses 1 (→ 2).
        let r = Rect(x: 0, y: 0, width: 4, height: 5).split(.vertical, [.fixed(3), .fixed(3), .fixed(1)])
        #expect(r.map(\.height) == [3, 2, 0])
        #expect(r.map(\.y) == [0, 3, 5])
    }

    @Test func verticalKeepsOrigin() {
        let r = Rect(x: 5, y: 2, width: 10, height: 6).split(.vertical, [.fixed(1), .fill(1), .fixed(1)])
        #expect(r == [Rect(x: 5, y: 2, width: 10, height: 1), Rect(x: 5, y: 3, width: 10, height: 4),
                      Rect(x: 5, y: 7, width: 10, height: 1)])
    }

    @Test func spacingLargerThanLengthStaysInside() {
        let r = Rect(x: 0, y: 0, width: 3, height: 1).split(.horizontal, [.fill(1), .fill(1), .fill(1)], spacing: 2)
        #expect(r.allSatisfy { $0.width == 0 && $0.x <= 3 })
    }

    @Test func rectHelpers() {
        let r = Rect(x: 2, y: 3, width: 10, height: 4)
        #expect(r.intersection(Rect(x: 0, y: 0, width: 5, height: 5)) == Rect(x: 2, y: 3, width: 3, height: 2))
        #expect(r.intersection(Rect(x: 50, y: 0, width: 5, height: 5)).isEmpty)
        #expect(r.inset(by: 1) == Rect(x: 3, y: 4, width: 8, height: 2))
        #expect(r.inset(by: 3).isEmpty)
        // (10 − 4)/2 = 3, (4 − 2)/2 = 1.
        #expect(r.centered(width: 4, height: 2) == Rect(x: 5, y: 4, width: 4, height: 2))
        #expect(r.contains(x: 11, y: 6) && !r.contains(x: 12, y: 6))
    }
}
