import Foundation

/// A published measurement that matches a simulated scenario exactly (device, runtime, model,
/// precision, batch): shown next to the estimate with its source.
public struct PublishedMeasurement: Sendable, Codable, Hashable {
    /// Calibration row id (`E002`).
    public var id: String
    public var metric: CalibrationMetric
    /// Value in SI (seconds for latency, per second for rates).
    public var value: Double
    /// As printed in the source (`2.6 ms`).
    public var published: String
    public var source: String
    public var notes: [String]
}

/// Lookup of the calibration rows by scenario.
public enum PublishedFigures {
    static let table: [String: [PublishedMeasurement]] = {
        guard let cases = try? CalibrationSet.load() else { return [:] }
        var t: [String: [PublishedMeasurement]] = [:]
        for c in cases where !c.postprocess {
            let key = Self.key(model: c.modelRef, device: c.deviceID, runtime: c.runtimeID, precision: c.precision.name, batch: c.batch)
            t[key, default: []].append(PublishedMeasurement(id: c.id, metric: c.metric, value: c.value, published: c.published,
                                                            source: c.source, notes: c.notes))
        }
        return t
    }()

    /// A reference with its query parameters sorted (`zoo:x?b=1&a=2` → `zoo:x?a=2&b=1`).
    static func canonical(_ ref: String) -> String {
        let parts = ref.split(separator: "?", maxSplits: 1)
        guard parts.count == 2 else { return ref }
        return parts[0] + "?" + parts[1].split(separator: "&").sorted().joined(separator: "&")
    }

    static func key(model: String, device: String, runtime: String, precision: String, batch: Int) -> String {
        [canonical(model), device, runtime, precision, String(batch)].joined(separator: "\u{1}")
    }

    /// Published rows for exactly this scenario (powered by the calibration file).
    public static func matching(model: String, device: String, runtime: String, precision: String, batch: Int) -> [PublishedMeasurement] {
        table[key(model: model, device: device, runtime: runtime, precision: precision, batch: batch)] ?? []
    }
}
