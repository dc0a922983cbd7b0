import Foundation

/// What a calibration row measured.
public enum CalibrationMetric: String, Sendable, Codable {
    /// Time of one inference (batch) in seconds.
    case latency
    /// Inferences per second (pipelined on dataflow devices).
    case throughput
    /// LLM tokens per second generated one at a time.
    case decode
    /// LLM prompt tokens per second.
    case prefill
}

/// One published measurement mapped onto the simulator.
public struct CalibrationCase: Sendable {
    public var id: String
    public var deviceID: String
    public var runtimeID: String
    public var powerState: String?
    public var modelRef: String
    public var precision: Precision
    public var batch: Int
    public var metric: CalibrationMetric
    /// Published value in SI (seconds for latency, per second for rates).
    public var value: Double
    /// The value and unit as printed in the source.
    public var published: String
    public var source: String
    /// The CSV's own text for the row, for the report.
    public var deviceText: String
    public var modelText: String
    /// Why the mapping made a choice the CSV leaves open (closest variant, assumed precision …).
    public var notes: [String]
    /// Weight of the row in the fit (1 = fully trusted).
    public var weight: Double
    /// Prompt length for prefill rows (tokens per pass).
    public var tokens: Int
    /// The deployment ends with detection post-processing (NMS) that the catalog graph lacks.
    public var postprocess: Bool
}

/// The calibration rows, read from `Data/calibration/edge_measurements.csv` with `mapping.yaml`.
public enum CalibrationSet {
    /// The built-in rows.
    public static func load() throws -> [CalibrationCase] {
        guard let csvURL = Bundle.module.url(forResource: "edge_measurements", withExtension: "csv", subdirectory: "Data/calibration"),
              let mapURL = Bundle.module.url(forResource: "mapping", withExtension: "yaml", subdirectory: "Data/calibration") else {
            throw SimError.calibration("calibration data missing from the EdgeSim bundle")
        }
        return try load(csv: String(contentsOf: csvURL, encoding: .utf8), csvName: "edge_measurements.csv",
                        mapping: String(contentsOf: mapURL, encoding: .utf8), mappingName: "mapping.yaml")
    }

    /// Maps every CSV row; a row the mapping does not cover is an error naming it.
    public static func load(csv: String, csvName: String, mapping: String, mappingName: String) throws -> [CalibrationCase] {
        let table = try CSVTable(text: csv, file: csvName)
        let root = YAMLCursor(try YAMLValue.parse(mapping, file: mappingName), path: "")
        struct DeviceMap { let device: String; let runtime: String; let state: String?; let note: String? }
        var devices: [String: DeviceMap] = [:]
        for d in try root.require("devices").list() {
            let key = try d.require("csv").string() + "\u{1}" + d.require("runtime").string()
            devices[key] = DeviceMap(device: try d.require("device").string(), runtime: try d.require("use").string(),
                                     state: try d.optional("state")?.string(), note: try d.optional("note")?.string())
        }
        var models: [String: (ref: String, note: String?, postprocess: Bool)] = [:]
        for m in try root.require("models").list() {
            models[try m.require("csv").string() + "\u{1}" + m.require("input").string()] =
                (try m.require("ref").string(), try m.optional("note")?.string(), try m.optional("postprocess")?.bool() ?? false)
        }
        var precisions: [String: String] = [:]
        for (k, v) in try root.require("precisions").entries() { precisions[k] = try v.string() }
        var rowOverrides: [String: (precision: String?, note: String?)] = [:]
        for (k, v) in try root.optional("rows")?.entries() ?? [] {
            rowOverrides[k] = (try v.optional("precision")?.string(), try v.optional("note")?.string())
        }
        var trust: [String: Double] = [:]
        for (k, v) in try root.optional("trust")?.entries() ?? [] { trust[k] = try v.quantity(.ratio) }

        var cases: [CalibrationCase] = []
        for (n, row) in table.rows.enumerated() {
            let where_ = "\(csvName):\(table.lines[n])"
            let id = row["id"] ?? "?"
            let deviceText = row["device"] ?? "", runtimeText = row["runtime"] ?? ""
            guard let dm = devices[deviceText + "\u{1}" + runtimeText] else {
                throw SimError.calibration("\(where_): row \(id): no device mapping for '\(deviceText)' / '\(runtimeText)'")
            }
            let modelText = row["model"] ?? "", input = row["input"] ?? ""
            guard let mm = models[modelText + "\u{1}" + input] else {
                throw SimError.calibration("\(where_): row \(id): no model mapping for '\(modelText)' at '\(input)'")
            }
            var notes = [dm.note, mm.note].compactMap { $0 }
            let precisionText = row["precision"] ?? ""
            let override = rowOverrides[id]
            guard let pname = override?.precision ?? precisions[precisionText], let precision = Precision.parse(pname) else {
                throw SimError.calibration("\(where_): row \(id): no precision mapping for '\(precisionText)'")
            }
            if let note = override?.note { notes.append(note) }
            guard let value = Double(row["value"] ?? ""), value > 0 else {
                throw SimError.calibration("\(where_): row \(id): value '\(row["value"] ?? "")' is not a positive number")
            }
            let unit = row["unit"] ?? "", metricText = (row["metric"] ?? "").lowercased()
            let metric: CalibrationMetric
            var si = value
            switch unit {
            case "ms", "ms/img":
                metric = .latency
                si = value / 1000
            case "FPS", "inferences/s":
                metric = .throughput
            case "tokens/s":
                metric = metricText.contains("pp") || metricText.contains("prompt") ? .prefill : .decode
            default:
                throw SimError.calibration("\(where_): row \(id): unknown unit '\(unit)'")
            }
            let batch = Int(row["batch"] ?? "1") ?? 1
            var tokens = 1
            if metric == .prefill, let r = mm.ref.split(separator: "?").last {
                for kv in r.split(separator: "&") where kv.hasPrefix("prompt=") { tokens = Int(kv.dropFirst(7)) ?? 1 }
            }
            cases.append(CalibrationCase(
                id: id, deviceID: dm.device, runtimeID: dm.runtime, powerState: dm.state, modelRef: mm.ref,
                precision: precision, batch: batch, metric: metric, value: si, published: "\(row["value"] ?? "") \(unit)",
                source: row["source"] ?? "", deviceText: deviceText, modelText: modelText, notes: notes,
                weight: trust[id] ?? 1, tokens: tokens, postprocess: mm.postprocess))
        }
        return cases
    }
}
