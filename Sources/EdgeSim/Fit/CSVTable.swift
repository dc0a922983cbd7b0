/// A minimal RFC 4180 CSV reader: quoted fields may hold commas, newlines and doubled quotes.
struct CSVTable: Sendable {
    let header: [String]
    let rows: [[String: String]]
    /// Line number (1-based) where each row starts, for error messages.
    let lines: [Int]

    /// - Throws: ``SimError/calibration(_:)`` on an unterminated quote or a row with a wrong field count.
    init(text: String, file: String) throws {
        var records: [[String]] = []
        var starts: [Int] = []
        var field = ""
        var record: [String] = []
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"": inQuotes = true
                case ",": record.append(field); field = ""
                case "\r": break
                case "\n":
                    record.append(field); field = ""
                    if !(record.count == 1 && record[0].isEmpty) { records.append(record); starts.append(recordLine) }
                    record = []
                    line += 1
                    recordLine = line
                default: field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inQuotes { throw SimError.calibration("\(file):\(recordLine): unterminated quoted field") }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
            starts.append(recordLine)
        }
        guard let header = records.first else { throw SimError.calibration("\(file): empty file") }
        self.header = header
        var rows: [[String: String]] = []
        for (k, r) in records.dropFirst().enumerated() {
            guard r.count == header.count else {
                throw SimError.calibration("\(file):\(starts[k + 1]): \(r.count) fields, header has \(header.count)")
            }
            var d: [String: String] = [:]
            for (h, v) in zip(header, r) { d[h] = v }
            rows.append(d)
        }
        self.rows = rows
        self.lines = Array(starts.dropFirst())
    }
}
