import Testing
@testable import TermCore

@Suite struct NumberFormatTests {
    @Test(arguments: [
        (33.0, "33"), (1500, "1.5k"), (2.5e11, "250G"), (0.25, "0.25"), (0.0012, "0.0012"), (1e9, "1G"),
        (0, "0"), (-1500, "-1.5k"), (999.6, "1k"), (12345, "12.3k"), (5, "5"), (100, "100"), (0.1, "0.1"),
    ] as [(Double, String)])
    func compact(_ v: Double, _ expected: String) {
        #expect(NumberFormat.compact(v) == expected)
    }

    @Test func fixed() {
        #expect(NumberFormat.fixed(2.50, decimals: 2) == "2.5")
        #expect(NumberFormat.fixed(0.3, decimals: 3) == "0.3")
        #expect(NumberFormat.fixed(12, decimals: 1) == "12")
        #expect(NumberFormat.fixed(.nan, decimals: 1) == "NaN")
    }

    @Test func durations() {
        #expect(NumberFormat.duration(seconds: 45) == "45s")
        #expect(NumberFormat.duration(seconds: 65) == "1m 05s")
        #expect(NumberFormat.duration(seconds: 59.6) == "1m 00s")  // rounds to 60 s
        #expect(NumberFormat.duration(seconds: 3725) == "1h 02m")  // 3725 − 3600 = 125 s = 2 min
        #expect(NumberFormat.duration(seconds: -1) == "--")
        #expect(NumberFormat.duration(seconds: .infinity) == "--")
    }
}
