/// Human-readable numbers for tables.
enum Format {
    /// 25557032 → "25.56 M"; 4.09e9 → "4.09 G".
    static func si(_ v: Int) -> String { si(Double(v)) }

    static func si(_ v: Double) -> String {
        let a = abs(v)
        switch a {
        case 1e12...: return String(format: "%.2f T", v / 1e12)
        case 1e9...: return String(format: "%.2f G", v / 1e9)
        case 1e6...: return String(format: "%.2f M", v / 1e6)
        case 1e3...: return String(format: "%.2f k", v / 1e3)
        default: return v == v.rounded() ? String(Int(v)) : String(format: "%.2f", v)
        }
    }

    /// Bytes in binary units: 1536 → "1.50 KiB".
    static func bytes(_ v: Int) -> String {
        let d = Double(v)
        switch d {
        case 1_099_511_627_776...: return String(format: "%.2f TiB", d / 1_099_511_627_776)
        case 1_073_741_824...: return String(format: "%.2f GiB", d / 1_073_741_824)
        case 1_048_576...: return String(format: "%.2f MiB", d / 1_048_576)
        case 1024...: return String(format: "%.2f KiB", d / 1024)
        default: return "\(v) B"
        }
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", x * 100) }
}

import Foundation

/// A plain-text table with aligned columns.
struct TextTable {
    enum Align { case left, right }
    var headers: [String]
    var aligns: [Align]
    var rows: [[String]] = []

    init(_ headers: [(String, Align)]) {
        self.headers = headers.map(\.0)
        self.aligns = headers.map(\.1)
    }

    mutating func add(_ row: [String]) { rows.append(row) }

    func render() -> String {
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return aligns[i] == .left ? c + pad : pad + c
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = [line(headers), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n")
    }
}
