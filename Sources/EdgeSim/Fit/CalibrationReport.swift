import Foundation

/// Predictions against the published values: per row, per device family and overall, in sample and
/// cross-validated. Signed error is predicted / published − 1 for every metric (so +20 % on a latency
/// means "predicted 20 % slower", on a throughput "predicted 20 % faster").
public struct CalibrationReport: Sendable, Codable {
    public struct Row: Sendable, Codable {
        public var id: String
        public var family: String
        public var device: String
        public var runtime: String
        public var model: String
        public var metric: CalibrationMetric
        public var published: String
        public var publishedValue: Double
        public var predicted: Double
        public var crossValidated: Double?
        public var modelHeldOut: Double?
        public var error: Double
        public var cvError: Double?
        public var notes: [String]
    }

    public struct Stats: Sendable, Codable, Hashable {
        public var rows: Int
        /// Median absolute percentage error (fraction), in sample.
        public var mdape: Double
        public var medianSigned: Double
        /// 90th percentile of the absolute error, in sample.
        public var p90: Double
        /// The same with each row predicted by a fit that did not see it.
        public var cvMdape: Double?
        public var cvMedianSigned: Double?
        /// 10th and 90th percentile of the cross-validated signed error.
        public var cvLow: Double?
        public var cvHigh: Double?
        /// MdAPE when every row of a model is held out together (the model was never seen).
        public var modelHeldOutMdape: Double?
    }

    public var rows: [Row]
    public var families: [String: Stats]
    public var overall: Stats
    public var cvMethod: String

    static func median(_ xs: [Double]) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func percentile(_ xs: [Double], _ q: Double) -> Double {
        guard !xs.isEmpty else { return .nan }
        let s = xs.sorted()
        let pos = q * Double(s.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, s.count - 1)
        return s[lo] + (s[hi] - s[lo]) * (pos - Double(lo))
    }

    static func stats(_ rows: [Row]) -> Stats {
        let e = rows.map(\.error)
        let cv = rows.compactMap(\.cvError)
        let held = rows.compactMap { r in r.modelHeldOut.map { $0 / r.publishedValue - 1 } }
        return Stats(rows: rows.count, mdape: median(e.map(abs)), medianSigned: median(e), p90: percentile(e.map(abs), 0.9),
                     cvMdape: cv.isEmpty ? nil : median(cv.map(abs)), cvMedianSigned: cv.isEmpty ? nil : median(cv),
                     cvLow: cv.isEmpty ? nil : percentile(cv, 0.1), cvHigh: cv.isEmpty ? nil : percentile(cv, 0.9),
                     modelHeldOutMdape: held.isEmpty ? nil : median(held.map(abs)))
    }

    init(rows: [Row], cvMethod: String) {
        self.rows = rows
        self.cvMethod = cvMethod
        var byFamily: [String: [Row]] = [:]
        for r in rows { byFamily[r.family, default: []].append(r) }
        families = byFamily.mapValues(Self.stats)
        overall = Self.stats(rows)
    }
}

extension Calibrator {
    /// The report for fitted `values`, with optional cross-validated and model-held-out predictions.
    public func report(values: [Double], crossValidated: [Double]? = nil, modelHeldOut: [Double]? = nil, cvMethod: String = "none") -> CalibrationReport {
        let rows = cases.indices.map { i -> CalibrationReport.Row in
            let c = cases[i]
            let p = predict(i, values)
            return CalibrationReport.Row(
                id: c.id, family: family(of: i), device: c.deviceID, runtime: c.runtimeID, model: c.modelRef, metric: c.metric,
                published: c.published, publishedValue: c.value, predicted: p, crossValidated: crossValidated?[i],
                modelHeldOut: modelHeldOut?[i], error: p / c.value - 1, cvError: crossValidated.map { $0[i] / c.value - 1 },
                notes: c.notes)
        }
        return CalibrationReport(rows: rows, cvMethod: cvMethod)
    }

    /// The fitted-parameter file content for `values` and its report.
    public func fittedParameters(values: [Double], report: CalibrationReport, note: String) -> FittedParameters {
        var p = FittedParameters()
        p.note = note
        let priors = index.priors()
        var usage = [Int](repeating: 0, count: index.count)
        for pr in prepared { for u in pr.used { usage[u] += 1 } }
        for k in index.keys.indices {
            p.entries[index.keys[k]] = FittedParameters.Entry(value: values[k], prior: priors[k], rows: usage[k])
        }
        // Kind defaults: geometric mean of the fitted classes of each unit kind, per key shape.
        var groups: [String: [Double]] = [:]
        for k in index.keys.indices where usage[k] > 0 {
            guard let kind = index.unitKinds[k], let cls = index.unitClasses[k] else { continue }
            let generic = index.keys[k].replacingOccurrences(of: "/\(cls)/", with: "/kind:\(kind.rawValue)/")
                .replacingOccurrences(of: "/\(cls)", with: "/kind:\(kind.rawValue)")
            guard generic != index.keys[k] else { continue }
            groups[generic, default: []].append(log(values[k]))
        }
        for (k, logs) in groups { p.kindDefaults[k] = exp(logs.reduce(0, +) / Double(logs.count)) }
        for (f, s) in report.families {
            p.families[f] = FittedParameters.FamilyStats(rows: s.rows, mdape: s.mdape, cvMdape: s.cvMdape ?? s.mdape,
                                                         medianSigned: s.medianSigned, bandLow: s.cvLow ?? -0.5, bandHigh: s.cvHigh ?? 1.0)
        }
        return p
    }
}
