import Foundation

/// A belief about a parameter before seeing the calibration data: a centre and a multiplicative
/// spread (one standard deviation in log space), plus hard bounds.
///
/// Fitting is maximum a posteriori: rows pull parameters toward what the measurements say, priors
/// keep parameters that few rows inform near physically plausible values instead of letting them
/// absorb one row's noise.
public struct Prior: Sendable, Hashable, Codable {
    public var center: Double
    public var spread: Double
    public var lower: Double
    public var upper: Double

    public init(_ center: Double, spread: Double, lower: Double = 1e-12, upper: Double = 1e12) {
        self.center = center
        self.spread = spread
        self.lower = lower
        self.upper = upper
    }
}

/// The physical parameters the latency model is fitted with, by key.
///
/// Keys (classes come from the device files, runtime classes from their runtimes):
/// - `eff/<unit class>/<datapath>`: fraction of peak reached on dense convolution;
/// - `kind/<unit class>/<op kind>`: efficiency of an op kind relative to dense convolution;
/// - `rt/<runtime class>`: runtime multiplier on the efficiency of its main unit;
/// - `opovh/<runtime class>/<unit kind>`: dispatch overhead per executed layer (s);
/// - `fixed/<runtime class>`: fixed overhead per inference (s);
/// - `bw/<unit class>`: fraction of the memory bandwidth reached;
/// - `link/<link id>`: fraction of a host link's signalling rate reached;
/// - `cache/<unit class>`: usable fraction of on-chip weight memory;
/// - `ctx/<unit class>`: time to switch a context on a multi-context dataflow unit (s);
/// - `sync/<runtime class>`: cost of one partition boundary between units sharing memory (s);
/// - `slots/<unit class>`: layers a dataflow array holds at once, per TOPS of peak.
public enum ParameterKey {
    public static func eff(_ unitClass: String, _ p: ComputePrecision) -> String { "eff/\(unitClass)/\(p.rawValue)" }
    public static func kind(_ unitClass: String, _ k: OpKind) -> String { "kind/\(unitClass)/\(k.rawValue)" }
    public static func runtime(_ runtimeClass: String) -> String { "rt/\(runtimeClass)" }
    public static func opOverhead(_ runtimeClass: String, _ unitKind: UnitKind) -> String { "opovh/\(runtimeClass)/\(unitKind.rawValue)" }
    public static func fixed(_ runtimeClass: String) -> String { "fixed/\(runtimeClass)" }
    public static func bandwidth(_ unitClass: String) -> String { "bw/\(unitClass)" }
    public static func link(_ linkID: String) -> String { "link/\(linkID)" }
    public static func cache(_ unitClass: String) -> String { "cache/\(unitClass)" }
    public static func context(_ unitClass: String) -> String { "ctx/\(unitClass)" }
    public static func sync(_ runtimeClass: String) -> String { "sync/\(runtimeClass)" }
    public static func slots(_ unitClass: String) -> String { "slots/\(unitClass)" }

    /// The prior for a key; `unitKind` refines the priors that depend on what the unit is.
    public static func prior(for key: String, unitKind: UnitKind?) -> Prior {
        let parts = key.split(separator: "/").map(String.init)
        switch parts.first ?? "" {
        case "eff":
            // The host's peak is already a measured GEMM rate, so networks reach most of it.
            if parts.count > 1, parts[1] == "host-cpu" { return Prior(0.6, spread: 2, lower: 1e-4, upper: 1) }
            // Typical fractions of peak on dense convolution (MLPerf-class results on GPUs reach
            // 40–60 %, CPUs with good kernels 30–50 %, NPUs vary widely with the compiler).
            let c: Double
            switch unitKind {
            case .gpu?: c = 0.35
            case .cpu?: c = 0.3
            case .mcu?: c = 0.3
            case .tpu?, .npu?, .dla?, .dsp?, .vpu?: c = 0.35
            case nil: c = 0.3
            }
            return Prior(c, spread: 4, lower: 1e-4, upper: 1)
        case "kind":
            switch parts.last ?? "" {
            case OpKind.depthwise.rawValue: return Prior(0.25, spread: 3, lower: 1e-3, upper: 2)
            case OpKind.matmul.rawValue: return Prior(0.7, spread: 3, lower: 1e-3, upper: 2)
            case OpKind.attention.rawValue: return Prior(0.4, spread: 3, lower: 1e-3, upper: 2)
            case OpKind.postprocess.rawValue: return Prior(0.01, spread: 10, lower: 1e-6, upper: 2)
            default: return Prior(0.1, spread: 4, lower: 1e-4, upper: 2)
            }
        case "rt": return Prior(1, spread: 3, lower: 1e-3, upper: 10)
        case "opovh":
            let c: Double
            switch unitKind {
            case .gpu?: c = 20e-6
            case .cpu?: c = 15e-6
            case .mcu?: c = 100e-6
            default: c = 10e-6
            }
            return Prior(c, spread: 5, lower: 1e-8, upper: 0.05)
        case "fixed": return Prior(0.2e-3, spread: 10, lower: 1e-7, upper: 1)
        case "bw": return Prior(0.6, spread: 2, lower: 0.01, upper: 1)
        case "link": return Prior(0.6, spread: 3, lower: 0.01, upper: 1)
        case "cache": return Prior(0.8, spread: 1.3, lower: 0.1, upper: 1)
        case "ctx": return Prior(1e-3, spread: 10, lower: 1e-6, upper: 1)
        case "sync": return Prior(0.1e-3, spread: 10, lower: 1e-7, upper: 0.1)
        case "slots": return Prior(6, spread: 2, lower: 0.5, upper: 100)
        default: return Prior(1, spread: 3)
        }
    }
}

/// Fitted parameter values with what informed them, and the calibration residual statistics per
/// device family that give every estimate its error band. Loaded from `Data/fitted-parameters.json`.
public struct FittedParameters: Sendable, Codable {
    public struct Entry: Sendable, Codable, Hashable {
        public var value: Double
        public var prior: Prior
        /// Calibration rows whose prediction depends on this parameter.
        public var rows: Int
    }

    /// Residual statistics of one device family (signed error = predicted / published − 1).
    public struct FamilyStats: Sendable, Codable, Hashable {
        public var rows: Int
        /// Median absolute percentage error, in-sample and cross-validated.
        public var mdape: Double
        public var cvMdape: Double
        public var medianSigned: Double
        /// 10th and 90th percentile of the cross-validated signed error: the band shown with estimates.
        public var bandLow: Double
        public var bandHigh: Double
    }

    public var schema: Int = 1
    public var note: String = ""
    public var entries: [String: Entry] = [:]
    public var families: [String: FamilyStats] = [:]
    /// Defaults for unit classes the calibration did not see, keyed like `eff/kind:gpu/fp16`:
    /// the geometric mean of the fitted classes of that unit kind.
    public var kindDefaults: [String: Double] = [:]

    public init() {}

    /// The value for a key: fitted, else the kind default, else the prior centre.
    public func value(_ key: String, unitKind: UnitKind? = nil, unitClass: String? = nil) -> Double {
        if let e = entries[key] { return e.value }
        if let k = unitKind, let c = unitClass {
            let generic = key.replacingOccurrences(of: "/\(c)/", with: "/kind:\(k.rawValue)/")
                .replacingOccurrences(of: "/\(c)", with: "/kind:\(k.rawValue)")
            if let d = kindDefaults[generic] { return d }
        }
        return ParameterKey.prior(for: key, unitKind: unitKind).center
    }

    /// The error band for a family: cross-validated 10th–90th percentile of signed error. A family
    /// with fewer than ten rows has too few residuals for percentiles to mean much, so its band is
    /// widened to at least −50 % … +100 % (a factor of two either way); no rows: exactly that.
    public func band(family: String) -> (low: Double, high: Double, rows: Int) {
        guard let f = families[family], f.rows > 0 else { return (-0.5, 1.0, 0) }
        if f.rows < 10 { return (min(f.bandLow, -0.5), max(f.bandHigh, 1.0), f.rows) }
        return (f.bandLow, f.bandHigh, f.rows)
    }

    /// The built-in fitted parameters (empty when the file is missing, e.g. before the first fit).
    public static let builtIn: FittedParameters = {
        guard let url = Bundle.module.url(forResource: "fitted-parameters", withExtension: "json", subdirectory: "Data"),
              let data = try? Data(contentsOf: url),
              let p = try? JSONDecoder().decode(FittedParameters.self, from: data) else { return FittedParameters() }
        return p
    }()

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try e.encode(self)
    }
}
