import Foundation

/// How far a number can be trusted.
public enum Provenance: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Computed by the simulator; the true value is expected in [low, high] (10th–90th percentile of
    /// the cross-validated calibration residuals of the device family).
    case estimated(low: Double, high: Double, family: String, calibrationRows: Int)
    /// Taken from a publication (a calibration row matched the scenario exactly).
    case published(source: String, row: String)
    /// Measured on this machine.
    case measured(String)
    /// Exact by construction (a byte count, a parameter count).
    case exact

    public var description: String {
        switch self {
        case .estimated(let lo, let hi, let f, let n):
            return n == 0 ? "estimated (no calibration rows for \(f); band \(fmt(lo))–\(fmt(hi)))"
                : "estimated, \(fmt(lo))–\(fmt(hi)) (\(f), \(n) calibration rows)"
        case .published(let s, let r): return "published (\(r): \(s))"
        case .measured(let m): return "measured (\(m))"
        case .exact: return "exact"
        }
    }

    private func fmt(_ v: Double) -> String { Units.short(v) }
}

/// A number the simulator reports, with its unit and provenance.
public struct Figure: Sendable, Hashable, Codable, CustomStringConvertible {
    public var value: Double
    public var unit: String
    public var provenance: Provenance

    public init(_ value: Double, _ unit: String, _ provenance: Provenance) {
        self.value = value
        self.unit = unit
        self.provenance = provenance
    }

    public var description: String { "\(Units.short(value)) \(unit) [\(provenance)]" }

    /// An estimate of `value` whose relative error follows `band` (signed error = predicted / true − 1):
    /// the true value lies in [value / (1 + high), value / (1 + low)].
    static func estimate(_ value: Double, _ unit: String, band: (low: Double, high: Double, rows: Int), family: String,
                         inverse: Bool = false) -> Figure {
        var lo = value / (1 + band.high), hi = value / (1 + max(band.low, -0.95))
        if inverse {
            // A rate is the reciprocal of a time: its errors flip.
            lo = value * (1 + max(band.low, -0.95))
            hi = value * (1 + band.high)
        }
        return Figure(value, unit, .estimated(low: lo, high: hi, family: family, calibrationRows: band.rows))
    }
}

/// Number formatting shared by reports.
public enum Units {
    /// Three significant digits, no exponent for everyday magnitudes.
    public static func short(_ v: Double) -> String {
        guard v.isFinite else { return v > 0 ? "∞" : "—" }
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1e6 || a < 1e-3 { return String(format: "%.3g", v) }
        if a >= 100 { return String(format: "%.0f", v) }
        if a >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.3g", v)
    }

    /// Bytes as B / KB / MB / GB (decimal).
    public static func bytes(_ b: Double) -> String {
        let a = abs(b)
        if a >= 1e9 { return String(format: "%.2f GB", b / 1e9) }
        if a >= 1e6 { return String(format: "%.1f MB", b / 1e6) }
        if a >= 1e3 { return String(format: "%.1f KB", b / 1e3) }
        return String(format: "%.0f B", b)
    }

    /// Seconds as ms / µs / s.
    public static func time(_ s: Double) -> String {
        if s >= 1 { return String(format: "%.2f s", s) }
        if s >= 1e-3 { return String(format: "%.3g ms", s * 1e3) }
        return String(format: "%.3g µs", s * 1e6)
    }
}
