import Testing
@testable import TermCore

@Suite struct HistogramTests {
    @Test func binning() {
        let (counts, range) = Histogram.bin([0, 1, 1, 2, 3, 3, 3, 4], bins: 4)
        // Range 0…4, bin width 1; 4 is the top edge → last bin.
        #expect(counts == [1, 2, 1, 4])
        #expect(range == 0...4)
        let fixed = Histogram.bin([-1, 0.5, 9, .nan, .infinity], bins: 2, range: 0...2)
        #expect(fixed.counts == [1, 0])
        #expect(Histogram.bin([3, 3], bins: 2).range == 3...4)
    }

    @Test func columnsAndLabels() {
        var b = sentinel(10, 5)
        Histogram(counts: [1, 2, 1, 4], lowerBound: 0, upperBound: 4).render(into: &b, area: Rect(x: 1, y: 1, width: 8, height: 3))
        // Two bar rows = 16 eighths; counts/4 → 4, 8, 4, 16 eighths; each bin 2 columns wide.
        #expect(b.lines == [xs(10), "x      ██x", "x▄▄██▄▄██x", "x0      4x", xs(10)])
    }

    @Test func mergedBinsAndMinimumHeight() {
        var b = sentinel(3, 2)
        // Six bins in three columns: pairs summed → 2, 4, 6.
        Histogram(counts: [1, 1, 2, 2, 3, 3], lowerBound: 0, upperBound: 6).render(into: &b, area: Rect(x: 0, y: 0, width: 3, height: 2))
        // One bar row = 8 eighths: 2/6 · 8 = 2.67 → 3 "▃", 4/6 · 8 = 5.33 → 5 "▅", 6/6 → 8 "█". Labels "0" and "6".
        #expect(b.lines == ["▃▅█", "0 6"])
        var c = sentinel(2, 2)
        Histogram(counts: [1, 100], lowerBound: 0, upperBound: 1).render(into: &c, area: Rect(x: 0, y: 0, width: 2, height: 2))
        // 1/100 · 8 = 0.08 → 0, raised to 1 eighth so the bin stays visible. Labels "0" + "1" need 3 columns: only "0".
        #expect(c.lines == ["▁█", "0 "])
    }
}
