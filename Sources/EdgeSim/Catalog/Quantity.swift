import Foundation

/// Physical dimensions a device-file number may carry, and the units each accepts.
///
/// Writing `102.4 GB/s` or `8 MiB` in a device file rather than `102400000000` keeps the files
/// readable and lets the loader reject a bandwidth given where a size belongs.
enum Dimension: String, Sendable {
    case bytes, bandwidth, opsRate, power, time, temperature, heatCapacity, thermalResistance, frequency, ratio

    /// Unit suffix → factor to the SI base (bytes, bytes/s, ops/s, W, s, °C, J/°C, °C/W, Hz, 1).
    var units: [String: Double] {
        switch self {
        case .bytes:
            return ["B": 1, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
                    "KiB": 1024, "MiB": 1_048_576, "GiB": 1_073_741_824]
        case .bandwidth:
            return ["B/s": 1, "kB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, "TB/s": 1e12,
                    "kbit/s": 125, "Mbit/s": 125_000, "Gbit/s": 125_000_000]
        case .opsRate:
            return ["ops/s": 1, "MOPS": 1e6, "GOPS": 1e9, "TOPS": 1e12, "GFLOPS": 1e9, "TFLOPS": 1e12,
                    "MMAC/s": 2e6, "GMAC/s": 2e9, "TMAC/s": 2e12]
        case .power: return ["W": 1, "mW": 1e-3]
        case .time: return ["s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "min": 60]
        case .temperature: return ["C": 1, "°C": 1]
        case .heatCapacity: return ["J/C": 1, "J/°C": 1, "J/K": 1]
        case .thermalResistance: return ["C/W": 1, "°C/W": 1, "K/W": 1]
        case .frequency: return ["Hz": 1, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9]
        case .ratio: return ["%": 0.01, "x": 1]
        }
    }

    /// An example for error messages.
    var example: String {
        switch self {
        case .bytes: return "8 MiB"
        case .bandwidth: return "102.4 GB/s"
        case .opsRate: return "4 TOPS"
        case .power: return "2.5 W"
        case .time: return "50 us"
        case .temperature: return "85 C"
        case .heatCapacity: return "40 J/C"
        case .thermalResistance: return "3.5 C/W"
        case .frequency: return "1.3 GHz"
        case .ratio: return "0.5"
        }
    }

    /// Parses `"<number>[ ]<unit>"`; a bare number is taken in the SI base unit.
    /// - Returns: nil when the text is not a finite number with a unit of this dimension.
    func parse(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        var end = t.startIndex
        for i in t.indices {
            let c = t[i]
            if c.isNumber || c == "." || c == "-" || c == "+" || ((c == "e" || c == "E") && i != t.startIndex) {
                end = t.index(after: i)
            } else {
                break
            }
        }
        // "e" as the last consumed character belongs to a unit (none of ours starts with e), but guard anyway.
        guard let number = Double(t[t.startIndex..<end].replacingOccurrences(of: "_", with: "")), number.isFinite else { return nil }
        let unit = t[end...].trimmingCharacters(in: .whitespaces)
        if unit.isEmpty { return number }
        guard let factor = units[unit] else { return nil }
        return number * factor
    }
}
