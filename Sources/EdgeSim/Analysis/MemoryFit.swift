/// Whether a model fits a device's memory, and by how much it does not.
///
/// Not fitting is a result, not an error: users ask "by how many MB is this too big" to decide
/// between a smaller model, stronger quantization and a bigger device.
public struct MemoryFit: Sendable, Hashable, Codable {
    public struct Region: Sendable, Hashable, Codable {
        public var name: String
        public var capacity: Double
        public var required: Double
        public var contents: String
        public var fits: Bool { required <= capacity }
        /// Bytes missing (positive) or spare (negative).
        public var shortfall: Double { required - capacity }
    }

    public var regions: [Region]
    /// Weight bytes held on an accelerator's on-chip memory, and those streamed per inference.
    public var onChipWeights: Double
    public var streamedWeights: Double
    public var onChipCapacity: Double?

    public var fits: Bool { regions.allSatisfy(\.fits) }

    /// One line: "fits (62 % of RAM)" or "does not fit RAM by 1.3 GB".
    public var summary: String {
        if let bad = regions.filter({ !$0.fits }).max(by: { $0.shortfall < $1.shortfall }) {
            return "does not fit \(bad.name) by \(Units.bytes(bad.shortfall)) (needs \(Units.bytes(bad.required)) of \(Units.bytes(bad.capacity)))"
        }
        let parts = regions.map { "\(Int(($0.required / max($0.capacity, 1) * 100).rounded())) % of \($0.name)" }
        return "fits (" + parts.joined(separator: ", ") + ")"
    }

    /// Computes the fit of `workload` at `precision` on `device` (weights + peak activations + KV or
    /// recurrent state + runtime overhead against RAM; weights against flash on microcontrollers).
    /// - Parameter usableOnChip: the accelerator's on-chip bytes usable for weights (capacity times
    ///   the fitted usable fraction), nil when the main unit has none.
    public static func compute(workload: Workload, device: Device, precision: Precision, usableOnChip: Double? = nil,
                               extraState: Double = 0) -> MemoryFit {
        let weights = workload.weightBytes(at: precision)
        let activations = workload.peakActivationElements * precision.activationBytes
        let state = workload.stateBytes + extraState
        let overhead = device.memory.runtimeOverhead.value
        var regions: [Region] = []
        if let flash = device.memory.flash {
            regions.append(Region(name: "flash", capacity: flash.value, required: weights, contents: "weights"))
            regions.append(Region(name: "SRAM", capacity: device.memory.ram.value, required: activations + state + overhead,
                                  contents: "activations + state + runtime"))
        } else {
            regions.append(Region(name: "RAM", capacity: device.memory.ram.value, required: weights + activations + state + overhead,
                                  contents: "weights + activations + state + runtime"))
        }
        var onChip = 0.0, streamed = 0.0
        var cap: Double?
        if let usable = usableOnChip {
            cap = usable
            onChip = min(weights, usable)
            streamed = max(0, weights - usable)
        }
        return MemoryFit(regions: regions, onChipWeights: onChip, streamedWeights: streamed, onChipCapacity: cap)
    }
}
