import EdgeIR

/// A piece of hardware the simulator can place a model on: its compute units, memory, links,
/// runtimes, power and thermal behaviour, and lifecycle. Loaded from YAML (see `Data/devices/`).
public struct Device: Sendable, Identifiable {
    public var id: String
    public var name: String
    /// Calibration family (`coral`, `jetson`, `hailo`, `raspberry-pi`, `apple`, `qualcomm`, `mcu`,
    /// `intel-ncs`, `host`): the group whose residuals give this device's error band.
    public var family: String
    public var summary: String
    public var units: [ComputeUnit]
    public var links: [Link]
    public var runtimes: [Runtime]
    public var memory: MemorySpec
    public var power: PowerSpec
    /// Clock/power states, fastest first. Thermal throttling steps down this list.
    public var dvfs: [DVFSState]
    public var thermal: ThermalSpec
    public var lifecycle: Lifecycle
    /// Where the device was defined (file of its `id:` line).
    public var definedIn: String

    public func unit(_ id: String) -> ComputeUnit? { units.first { $0.id == id } }
    public func link(_ id: String) -> Link? { links.first { $0.id == id } }
    public func runtime(_ id: String) -> Runtime? { runtimes.first { $0.id == id } }
    public var defaultRuntime: Runtime { runtimes[0] }
}

/// What a compute unit is, which decides the default efficiency priors for unknown unit classes.
public enum UnitKind: String, Sendable, CaseIterable, Codable {
    case cpu, gpu, npu, tpu, dla, dsp, vpu, mcu
}

/// Which ops a unit can run.
public enum OpSupport: Sendable, Hashable {
    case all
    case only(Set<OpType>)
    case allExcept(Set<OpType>)

    public func supports(_ op: OpType) -> Bool {
        switch self {
        case .all: return true
        case .only(let s): return s.contains(op)
        case .allExcept(let s): return !s.contains(op)
        }
    }
}

/// What happens to weights that do not fit a unit's on-chip weight memory.
public enum WeightOverflow: String, Sendable, Codable {
    /// The excess is read over the host link on every inference (Edge TPU "off-chip parameters").
    case stream
    /// The model is split into contexts swapped in over the link, once per batch (Hailo multi-context).
    case contexts
}

/// One compute unit: a CPU cluster, a GPU, an NPU/TPU/DLA/DSP.
public struct ComputeUnit: Sendable {
    public var id: String
    public var name: String
    public var kind: UnitKind
    /// Efficiency class shared by units of the same micro-architecture (`edgetpu`, `ampere-gpu`,
    /// `cortex-a76`): fitted efficiency factors are keyed by it, so a device with no calibration rows
    /// borrows from its class.
    public var unitClass: String
    /// Group of related classes (`hexagon` for every Hexagon generation, `arm-cpu` for Cortex-A
    /// cores): their fitted efficiencies are pulled toward a shared group value, so a class with few
    /// calibration rows (or none) borrows strength from its relatives. nil: no group.
    public var group: String?
    /// Peak throughput per datapath in ops/s (2 ops per MAC), at the top DVFS state.
    public var peak: [ComputePrecision: Sourced]
    /// Datapaths a precision is executed on when the unit lacks it (Myriad X runs int8 models in fp16).
    public var promote: [ComputePrecision: ComputePrecision]
    /// Bandwidth to the memory holding weights and activations; nil: the device memory bandwidth.
    public var memoryBandwidth: Sourced?
    /// On-chip memory that can hold weights (Edge TPU 8 MB); nil: weights stay in device memory.
    /// Units with it also keep activations on chip.
    public var weightMemory: Sourced?
    /// Cache or scratch memory (GPU L2, NPU TCM, CPU L2+L3) that holds a layer's activations when they
    /// fit: only the part of a layer's input + output beyond it travels to device memory.
    public var localMemory: Sourced?
    /// Per-op limits on output elements beyond which the vendor compiler leaves an op to the
    /// fallback unit (Edge TPU: large ResizeBilinear).
    public var opLimits: [OpType: Double]
    public var weightOverflow: WeightOverflow
    /// Link to the host for attached accelerators; nil for units sharing the host's memory.
    public var link: String?
    public var ops: OpSupport
    /// Dataflow units pipeline frames through per-layer hardware: throughput is set by compute alone.
    public var dataflow: Bool
    /// Power drawn above idle while busy at the top DVFS state.
    public var activePower: Sourced
    /// Free-form facts about the unit (restrictions, what a source says), shown by `devices`.
    public var notes: [String]
    /// Expected fraction of peak on dense convolution, the centre of the prior for the fitted
    /// efficiency (headline TOPS of some parts are far from reachable); nil: the default prior.
    public var efficiencyPrior: Sourced? = nil

    /// The datapath a precision runs on here, or nil when the unit cannot run it at all.
    public func datapath(for p: ComputePrecision) -> ComputePrecision? {
        if peak[p] != nil { return p }
        if let q = promote[p], peak[q] != nil { return q }
        return nil
    }
}

/// A host link (USB, PCIe) an attached accelerator's inputs, outputs and streamed weights cross.
public struct Link: Sendable {
    public var id: String
    public var name: String
    /// Signalling bandwidth in bytes/s; the fitted link efficiency scales it.
    public var bandwidth: Sourced
    /// Fixed cost per transfer (a USB bulk transaction round trip, a PCIe doorbell).
    public var latency: Sourced
}

/// How a runtime (the vendor compiler + inference engine) splits a graph between units.
public enum PartitionRule: String, Sendable, Codable, CaseIterable {
    /// Ops up to the first unsupported op run on the accelerator; that op and all later ones on the
    /// fallback unit, supported or not (Edge TPU compiler; Hailo's parser end-node cut).
    case firstUnsupported = "first-unsupported"
    /// Each unsupported layer falls back alone; each boundary pays a transfer (TensorRT DLA
    /// `GPUFallback`, TFLite delegates, Core ML).
    case perLayer = "per-layer"
    /// One unsupported op sends the whole graph to the fallback unit (a plugin that refuses to load it).
    case wholeGraph = "whole-graph"
}

/// An inference stack on a device: which unit it drives, what it falls back to and how.
public struct Runtime: Sendable {
    public var id: String
    public var name: String
    /// Runtime class for fitted factors (`tensorrt`, `ncnn`, `libedgetpu-cpp`, `pycoral` …).
    public var runtimeClass: String
    public var unit: String
    public var fallback: String?
    public var partition: PartitionRule
    /// Precisions the runtime deploys (first is the default); nil: whatever the unit supports.
    public var precisions: [String]
    /// Whether the runtime fuses BatchNorm and activations into the preceding convolution.
    public var fusesActivations: Bool
    /// Expected speed relative to the unit's reference runtime, the centre of the prior for the
    /// fitted runtime factor (e.g. reference C kernels without SIMD are far slower); nil: 1.
    public var speedPrior: Sourced?
    /// The vendor's partitioning rule in words, shown with the fallback map.
    public var note: String
}

public struct MemorySpec: Sendable {
    /// Memory the model and runtime can use (device RAM).
    public var ram: Sourced
    public var bandwidth: Sourced
    /// Flash for weights on microcontrollers (weights execute in place); nil elsewhere.
    public var flash: Sourced?
    /// Memory taken by the OS and runtime before the model loads.
    public var runtimeOverhead: Sourced
}

public struct PowerSpec: Sendable {
    /// Board or module power when idle (powered, not inferring).
    public var idle: Sourced
}

/// One clock/power state (an nvpmodel mode, a throttled CPU clock).
public struct DVFSState: Sendable, Hashable {
    public var name: String
    /// Compute clock relative to the top state.
    public var clockScale: Double
    /// Active (above-idle) power relative to the top state.
    public var powerScale: Double
    public var source: ValueSource
}

/// Lumped thermal model: one heat capacity behind one thermal resistance to ambient.
public struct ThermalSpec: Sendable {
    /// Junction-to-ambient thermal resistance (°C/W) with the stock cooling.
    public var resistance: Sourced
    /// Heat capacity (J/°C) of die, package and heatsink.
    public var capacitance: Sourced
    /// Trip temperatures, ascending: crossing trip k steps the clock to DVFS state k+1.
    public var trips: [Double]
    public var tripSource: ValueSource
    /// Clock steps back up once the temperature falls this far below the trip.
    public var hysteresis: Double
    /// Temperature at which the device shuts down.
    public var shutdown: Sourced
}

public struct Lifecycle: Sendable, Codable {
    public enum Status: String, Sendable, Codable { case available, endOfLife = "end-of-life", discontinued, announced }
    public var status: Status
    public var note: String
}
