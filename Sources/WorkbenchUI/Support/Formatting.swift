import EdgeSim
import Foundation
import Workbench

/// Number formatting for the screens: three significant digits, units, and the provenance word or error band
/// every figure carries (issue 7: "every figure labelled measured / estimated (± band) / published / computed").
enum Fmt {
    /// Seconds as "12.3 ms", "850 µs", "1.24 s".
    static func time(_ s: Double) -> String {
        guard s.isFinite else { return "—" }
        if s >= 1 { return sig(s) + " s" }
        if s >= 1e-3 { return sig(s * 1e3) + " ms" }
        return sig(s * 1e6) + " µs"
    }

    /// Milliseconds as a bare number for table cells ("12.3").
    static func ms(_ s: Double) -> String { s.isFinite ? sig(s * 1e3) : "—" }

    /// Joules as "4.1 mJ", "120 µJ", "1.2 J".
    static func energy(_ j: Double) -> String {
        guard j.isFinite else { return "—" }
        if j >= 1 { return sig(j) + " J" }
        if j >= 1e-3 { return sig(j * 1e3) + " mJ" }
        return sig(j * 1e6) + " µJ"
    }

    static func power(_ w: Double) -> String {
        guard w.isFinite else { return "—" }
        if w >= 1 { return sig(w) + " W" }
        if w >= 1e-3 { return sig(w * 1e3) + " mW" }
        return sig(w * 1e6) + " µW"
    }

    /// Decimal bytes: "3.52 MB".
    static func bytes(_ b: Double) -> String {
        let a = abs(b)
        if a >= 1e9 { return sig(b / 1e9) + " GB" }
        if a >= 1e6 { return sig(b / 1e6) + " MB" }
        if a >= 1e3 { return sig(b / 1e3) + " KB" }
        return String(Int(b.rounded())) + " B"
    }

    static func bytes(_ b: Int) -> String { bytes(Double(b)) }

    /// Counts with SI suffixes: "25.6 M", "4.09 G".
    static func count(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e12 { return sig(v / 1e12) + " T" }
        if a >= 1e9 { return sig(v / 1e9) + " G" }
        if a >= 1e6 { return sig(v / 1e6) + " M" }
        if a >= 1e3 { return sig(v / 1e3) + " k" }
        return String(Int(v.rounded()))
    }

    static func count(_ v: Int) -> String { count(Double(v)) }

    static func percent(_ f: Double) -> String { f.isFinite ? String(Int((f * 100).rounded())) + " %" : "—" }

    /// dB with one decimal; ∞ for lossless.
    static func dB(_ v: Double) -> String {
        if v == .infinity { return "∞" }
        guard v.isFinite else { return "—" }
        return String(format: "%.1f", v)
    }

    /// Three significant digits without exponent for everyday magnitudes.
    static func sig(_ v: Double) -> String {
        guard v.isFinite else { return "—" }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        if a >= 1 { return String(format: "%.2f", v) }
        if a >= 0.01 { return String(format: "%.3f", v) }
        return String(format: "%.2g", v)
    }

    /// The error band of an estimated figure relative to its value, "−33/+100%" (bands are asymmetric: they come
    /// from the ratio of predicted to true values); "published" or "measured" otherwise.
    static func band(_ f: Figure) -> String {
        guard case .estimated(let lo, let hi, _, _) = f.provenance, f.value > 0 else { return f.provenanceWord }
        let down = Int(((1 - lo / f.value) * 100).rounded()), up = Int(((hi / f.value - 1) * 100).rounded())
        return "−\(max(0, down))/+\(max(0, up))%"
    }

    /// A latency with its provenance: "12.3 ms est. 10.1–14.9 ms".
    static func latencyLabelled(_ f: Figure) -> String {
        if case .estimated(let lo, let hi, _, _) = f.provenance {
            return time(f.value) + " est. " + sig(lo * 1e3) + "–" + sig(hi * 1e3) + " ms"
        }
        return time(f.value) + " " + f.provenanceWord
    }

    /// A device catalog value's source as one word, with the citation or reasoning.
    static func source(_ s: ValueSource) -> (word: String, detail: String) {
        switch s {
        case .published(let c): return ("published", c)
        case .estimate(let why): return ("estimated", why)
        case .user(let f): return ("user file", f)
        case .measured(let m): return ("measured", m)
        }
    }
}
