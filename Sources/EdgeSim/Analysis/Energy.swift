/// Energy and power of running a model on a device.
///
/// Model: the board draws its idle power all the time; while a unit works it draws its active
/// (above-idle) power scaled by the DVFS state. So one batch costs `idle × latency + Σ unit busy
/// time × unit power`, and at a steady rate the average power is `idle + rate × dynamic energy per
/// inference` (the board idles between inferences).
public struct EnergyEstimate: Sendable, Hashable, Codable {
    /// Energy per inference at back-to-back operation (J), including the idle share of its time.
    public var joulesPerInference: Double
    /// Energy above idle per inference (J): what each extra inference costs.
    public var dynamicJoulesPerInference: Double
    public var idlePower: Double
    /// Average power when running back to back (W).
    public var busyPower: Double
    /// Arithmetic per inference (2 × MACs + other FLOPs).
    public var opsPerInference: Double
    /// Maximum sustainable rate (inferences/s) with one stream.
    public var maxRate: Double

    public var inferencesPerJoule: Double { joulesPerInference > 0 ? 1 / joulesPerInference : 0 }

    /// Average power at `rate` inferences per second (capped at the maximum rate).
    public func averagePower(rate: Double) -> Double {
        idlePower + min(max(rate, 0), maxRate) * dynamicJoulesPerInference
    }

    /// Achieved TOPS/W at `rate`: useful operations per second per watt, in 10¹² ops/J.
    public func topsPerWatt(rate: Double) -> Double {
        let r = min(max(rate, 0), maxRate)
        let p = averagePower(rate: r)
        return p > 0 ? opsPerInference * r / p / 1e12 : 0
    }

    /// Battery life in hours for `wattHours`, running at `rate` for a `duty` fraction of the time
    /// and idling otherwise.
    public func batteryHours(wattHours: Double, rate: Double, duty: Double) -> Double {
        let d = min(max(duty, 0), 1)
        let p = d * averagePower(rate: rate) + (1 - d) * idlePower
        return p > 0 ? wattHours / p : .infinity
    }
}
