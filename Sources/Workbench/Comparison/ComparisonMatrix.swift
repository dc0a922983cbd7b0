import EdgeOptimize
import EdgeSim

/// A metric the comparison can show and sort by.
public enum ComparisonMetric: String, Sendable, CaseIterable, Codable {
    case latency, fps, energy, memory, accuracy

    public var title: String {
        switch self {
        case .latency: return "latency"
        case .fps: return "fps"
        case .energy: return "energy/inference"
        case .memory: return "memory fit"
        case .accuracy: return "accuracy"
        }
    }

    /// True when a smaller value is better.
    public var lowerIsBetter: Bool { self == .latency || self == .energy || self == .memory }
}

/// One cell of the comparison: a strategy on a device.
public struct ComparisonCell: Sendable {
    public var strategy: String
    public var deviceID: String
    /// The estimate, or why the device cannot run the strategy.
    public var estimate: Result<MixedEstimate, WorkbenchError>
    /// Exact size of the strategy's weights (bytes).
    public var weightBytes: Int
    /// The measured quality, when an evaluation has run for this strategy (e.g. weight SQNR in dB), and its label.
    public var quality: Double?
    public var qualityLabel: String?
    /// Not dominated by any other cell that fits (see ``ComparisonMatrix/paretoFlags(_:)``).
    public var pareto: Bool
    /// The device's simulation is still running in the background; `estimate` is a placeholder until it lands.
    public var pending: Bool = false

    public var estimateValue: MixedEstimate? { if case .success(let e) = estimate { return e } else { return nil } }

    /// The metric as a number for sorting and Pareto (nil when unknown). Memory is the fraction of the tightest
    /// region used.
    public func value(_ m: ComparisonMetric) -> Double? {
        if m == .accuracy { return quality }
        guard let e = estimateValue else { return nil }
        switch m {
        case .latency: return e.latency.value
        case .fps: return e.fps
        case .energy: return e.energyPerInference
        case .memory: return e.memory.regions.map { $0.required / max($0.capacity, 1) }.max()
        case .accuracy: return quality
        }
    }

    public var fits: Bool { estimateValue?.memory.fits ?? false }
}

/// Strategies (rows) × devices (columns) with latency, fps, energy per inference, memory fit and accuracy, and
/// the Pareto-optimal cells marked. Built without a terminal, so `edgewise compare --json` prints the same.
public struct ComparisonMatrix: Sendable {
    public var strategies: [String]
    public var devices: [String]
    /// Row-major: `cells[row * devices.count + column]`.
    public var cells: [ComparisonCell]

    public subscript(row: Int, column: Int) -> ComparisonCell { cells[row * devices.count + column] }

    /// Builds the matrix of `strategies` × `devices` for the model in `cache`.
    /// - Parameter quality: measured quality per strategy name (from evaluations), if any.
    /// - Complexity: one composition per cell (O(layers)), plus a simulation per device and precision not yet cached.
    public static func build(cache: inout EstimationCache, strategies: [Strategy], devices: [Device], simulator: Simulator,
                             quality: [String: (value: Double, label: String)] = [:]) -> ComparisonMatrix {
        let rows = strategies.map { row(cache: &cache, strategy: $0, devices: devices, simulator: simulator) }
        return assemble(strategies: strategies.map(\.name), devices: devices.map(\.id), rows: rows, quality: quality)
    }

    /// One strategy's cells on `devices`, without quality or Pareto flags (see ``assemble(strategies:devices:rows:quality:)``).
    ///
    /// `simulate` names the devices that may be simulated now; on the others a cell whose runs are not in the
    /// cache yet comes back `pending` (its simulation belongs in a background job) — nil simulates everywhere.
    public static func row(cache: inout EstimationCache, strategy: Strategy, devices: [Device], simulator: Simulator,
                           simulate: Set<String>? = nil) -> [ComparisonCell] {
        let a = cache.assignment(strategy)
        return devices.map { d in
            var pending = false
            let e: Result<MixedEstimate, WorkbenchError>
            if simulate == nil || simulate!.contains(d.id) {
                e = cache.estimate(a, on: d, simulator: simulator)
            } else if let ready = cache.readyEstimate(a, on: d) {
                e = ready
            } else {
                e = .failure(.simulation(device: d.id, reason: "simulating…"))
                pending = true
            }
            return ComparisonCell(strategy: strategy.name, deviceID: d.id, estimate: e, weightBytes: a.weightBytes,
                                  quality: nil, qualityLabel: nil, pareto: false, pending: pending)
        }
    }

    /// Puts rows made by ``row(cache:strategy:devices:simulator:simulate:)`` together: quality per strategy
    /// name, then the Pareto flags over every cell. O(cells²) for Pareto, no composition.
    public static func assemble(strategies: [String], devices: [String], rows: [[ComparisonCell]],
                                quality: [String: (value: Double, label: String)] = [:]) -> ComparisonMatrix {
        var cells: [ComparisonCell] = []
        cells.reserveCapacity(strategies.count * devices.count)
        for (name, row) in zip(strategies, rows) {
            for var c in row {
                c.quality = quality[name]?.value
                c.qualityLabel = quality[name]?.label
                cells.append(c)
            }
        }
        let flags = paretoFlags(cells)
        for i in cells.indices { cells[i].pareto = flags[i] }
        return ComparisonMatrix(strategies: strategies, devices: devices, cells: cells)
    }

    /// Pareto optimality over deployment options: a cell is optimal when it fits in memory and no other fitting
    /// cell is at least as good in latency, energy per inference and (when both have one) measured quality, and
    /// strictly better in one of them.
    public static func paretoFlags(_ cells: [ComparisonCell]) -> [Bool] {
        struct Point { var latency: Double; var energy: Double; var quality: Double? }
        let points: [Point?] = cells.map { c in
            guard c.fits, let e = c.estimateValue else { return nil }
            return Point(latency: e.latency.value, energy: e.energyPerInference, quality: c.quality)
        }
        func dominates(_ a: Point, _ b: Point) -> Bool {
            var better = false
            if a.latency > b.latency || a.energy > b.energy { return false }
            if a.latency < b.latency || a.energy < b.energy { better = true }
            if let qa = a.quality, let qb = b.quality {
                if qa < qb { return false }
                if qa > qb { better = true }
            }
            return better
        }
        return points.indices.map { i in
            guard let p = points[i] else { return false }
            return !points.indices.contains { j in j != i && points[j].map { dominates($0, p) } == true }
        }
    }

    /// Row order sorting strategies by `metric` on device `column` (best first when `bestFirst`); unknown values
    /// sort last, ties keep their order.
    public func rowOrder(by metric: ComparisonMetric, column: Int, bestFirst: Bool = true) -> [Int] {
        let rows = Array(strategies.indices)
        guard column >= 0, column < devices.count else { return rows }
        return rows.sorted { a, b in
            let va = self[a, column].value(metric), vb = self[b, column].value(metric)
            switch (va, vb) {
            case (nil, nil): return a < b
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?):
                if x == y { return a < b }
                let ascending = metric.lowerIsBetter == bestFirst
                return ascending ? x < y : x > y
            }
        }
    }
}
