import EdgeOptimize
/// Two comparison cells side by side: per-layer precision, unit and time, and where they differ.
///
/// Used when the user opens two cells of the Compare screen; rows are ordered by the absolute time difference so
/// the layers that explain the gap come first.
public struct CellComparison: Sendable {
    public struct Row: Sendable, Equatable {
        public var index: Int
        public var layer: String
        public var op: String
        public var precisionA: LayerPrecision
        public var precisionB: LayerPrecision
        public var unitA: String
        public var unitB: String
        public var timeA: Double
        public var timeB: Double
        /// timeB − timeA (s).
        public var delta: Double { timeB - timeA }
    }

    public var titleA: String
    public var titleB: String
    public var latencyA: Double
    public var latencyB: Double
    public var energyA: Double
    public var energyB: Double
    public var weightBytesA: Int
    public var weightBytesB: Int
    public var rows: [Row]

    /// Compares `a` and `b` (estimates of the same model) layer by layer.
    public init(model: WorkbenchModel, titleA: String, a: MixedEstimate, assignmentA: PrecisionAssignment,
                titleB: String, b: MixedEstimate, assignmentB: PrecisionAssignment) {
        self.titleA = titleA
        self.titleB = titleB
        latencyA = a.latency.value
        latencyB = b.latency.value
        energyA = a.energyPerInference
        energyB = b.energyPerInference
        weightBytesA = assignmentA.weightBytes
        weightBytesB = assignmentB.weightBytes
        let n = min(a.layerTimes.count, b.layerTimes.count, model.layerCount)
        var rows: [Row] = []
        rows.reserveCapacity(n)
        for i in 0..<n {
            let l = model.workload.layers[i]
            rows.append(Row(index: i, layer: l.name, op: l.op.rawValue, precisionA: assignmentA.layers[i],
                            precisionB: assignmentB.layers[i], unitA: a.layerUnits[i], unitB: b.layerUnits[i],
                            timeA: a.layerTimes[i], timeB: b.layerTimes[i]))
        }
        rows.sort { x, y in abs(x.delta) != abs(y.delta) ? abs(x.delta) > abs(y.delta) : x.index < y.index }
        self.rows = rows
    }

    /// Rows where precision, unit or time differ.
    public var differing: [Row] {
        rows.filter { $0.precisionA != $0.precisionB || $0.unitA != $0.unitB || $0.timeA != $0.timeB }
    }
}
