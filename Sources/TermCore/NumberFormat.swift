/// Short number labels for axes, ticks and bars: `33`, `0.25`, `1.5k`, `250G`, and durations like `1m 05s`.
///
/// Written without Foundation's formatters so labels are identical on every platform and locale.
public enum NumberFormat {
    /// `value` rounded to `decimals` places, trailing zeros and a trailing point removed ("2.50" → "2.5").
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-∞" : "∞") }
        var scale = 1.0
        for _ in 0..<max(0, min(decimals, 12)) { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        if rounded == 0 { return "0" }
        if abs(rounded) >= 1e15 { return "\(rounded)" }
        var s = "\(rounded)"  // shortest round-trip form of the rounded value, e.g. "0.3", "12.0"
        if s.contains("e") { return s }
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// Compact label with an SI suffix (k, M, G, T, P) and about three significant digits.
    ///
    /// 33 → "33", 1500 → "1.5k", 2.5e11 → "250G", 0.25 → "0.25", 0.0012 → "0.0012".
    public static func compact(_ value: Double) -> String {
        guard value.isFinite else { return fixed(value, decimals: 0) }
        let suffixes = ["", "k", "M", "G", "T", "P"]
        var v = value
        var k = 0
        while abs(v) >= 999.5 && k < suffixes.count - 1 {
            v /= 1000
            k += 1
        }
        let a = abs(v)
        let decimals: Int
        if a >= 99.95 { decimals = 0 }
        else if a >= 9.995 { decimals = 1 }
        else if a >= 1 || a == 0 { decimals = 2 }
        else {
            // Below 1: keep two significant digits.
            var d = 2
            var t = a * 10
            while t < 1 && d < 12 { t *= 10; d += 1 }
            decimals = d
        }
        return fixed(v, decimals: decimals) + suffixes[k]
    }

    /// A duration for ETAs: "45s", "4m 05s", "2h 03m"; "--" when unknown (negative or not finite).
    public static func duration(seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m " + twoDigits(s % 60) + "s" }
        let h = s / 3600
        return "\(h)h " + twoDigits((s % 3600) / 60) + "m"
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
