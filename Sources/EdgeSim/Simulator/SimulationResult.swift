import EdgeIR

/// One layer of a simulation: where it ran, why, and what bounded it.
public struct LayerReport: Sendable, Hashable, Codable {
    public enum Bound: String, Sendable, Codable { case compute, memory, overhead, fused, free }
    public var name: String
    public var op: String
    public var kind: OpKind
    /// Unit id it ran on.
    public var unit: String
    /// Why it is on that unit (empty: it simply runs on the runtime's main unit).
    public var reason: String
    public var time: Double
    public var compute: Double
    public var memory: Double
    public var overhead: Double
    public var bound: Bound
    public var macs: Double
    public var weightBytes: Double
}

/// Everything one simulation says about a model on a device.
public struct SimulationResult: Sendable, Codable {
    /// Time and layer count on one unit.
    public struct UnitTime: Sendable, Codable, Hashable {
        public var unit: String
        public var time: Double
        public var layers: Int
    }

    public var deviceID: String
    public var deviceName: String
    public var family: String
    public var runtimeID: String
    public var runtimeName: String
    /// The vendor's partitioning rule in words.
    public var partitionRule: String
    public var precision: String
    public var batch: Int
    public var streams: Int
    public var powerState: String
    /// End-to-end time of one batch (s).
    public var latency: Figure
    /// Inferences (samples) per second with the given batch and streams.
    public var throughput: Figure
    /// Bottleneck occupancy per batch (s).
    public var busy: Double
    public var fixedOverhead: Double
    public var transferTime: Double
    public var syncTime: Double
    public var contextSwitchTime: Double
    public var layers: [LayerReport]
    /// Time per unit id (s) and layer count.
    public var unitTimes: [UnitTime]
    public var fallbackLayers: Int
    public var memory: MemoryFit
    public var energy: EnergyEstimate
    public var lifecycle: Lifecycle
    public var notes: [String]
    /// Published measurements of exactly this scenario (model, device, runtime, precision, batch).
    public var published: [PublishedMeasurement] = []
}

/// What to simulate besides the model and the device.
public struct SimulationOptions: Sendable {
    /// nil: the graph's stored precision for quantized imports, else the runtime's default.
    public var precision: Precision?
    public var batch: Int
    /// Concurrent streams (independent requests in flight).
    public var streams: Int
    /// Runtime id; nil: the device's default runtime.
    public var runtime: String?
    /// DVFS state name; nil: the nominal (fastest) state.
    public var powerState: String?

    public init(precision: Precision? = nil, batch: Int = 1, streams: Int = 1, runtime: String? = nil, powerState: String? = nil) {
        self.precision = precision
        self.batch = batch
        self.streams = streams
        self.runtime = runtime
        self.powerState = powerState
    }
}
