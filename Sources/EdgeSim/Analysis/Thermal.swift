import Foundation

/// A sustained workload: frames arriving at a fixed rate for a while, in a given ambient.
public struct ThermalScenario: Sendable, Hashable, Codable {
    public var fps: Double
    public var duration: Double
    public var ambient: Double
    /// Starting temperature; nil: the ambient (a cold device).
    public var initialTemperature: Double?

    public init(fps: Double, duration: Double, ambient: Double = 25, initialTemperature: Double? = nil) {
        self.fps = fps
        self.duration = duration
        self.ambient = ambient
        self.initialTemperature = initialTemperature
    }
}

/// How one DVFS state performs: time per frame and board power while busy.
public struct ThermalStateModel: Sendable, Hashable, Codable {
    public var name: String
    public var latency: Double
    /// Board power while a frame is being processed (idle + the units' active power).
    public var busyPower: Double
}

/// The result of stepping a lumped RC thermal model through a sustained workload.
public struct ThermalTrace: Sendable, Codable {
    public struct Sample: Sendable, Codable, Hashable {
        public var time: Double
        public var temperature: Double
        public var state: Int
    }

    public var frames: Int
    public var processed: Int
    public var dropped: Int
    /// Latency of every processed frame (s), in order.
    public var latencies: [Float]
    /// Temperature and DVFS state once per second.
    public var samples: [Sample]
    public var stateNames: [String]
    /// Seconds spent in each DVFS state.
    public var residency: [Double]
    /// When the clock first stepped down; nil if it never did.
    public var firstThrottle: Double?
    /// Processed frames per second over the last window (the last minute, or the last half of a
    /// shorter run).
    public var sustainedFPS: Double
    public var p50: Double
    public var p99: Double
    public var worst: Double
    /// p99 − p50 of the frame latency.
    public var jitter: Double
    public var peakTemperature: Double
    public var finalTemperature: Double
    public var finalState: Int
    /// Temperature the device settles at if the final state's load continued (T_amb + P̄·R).
    public var steadyStateTemperature: Double
    /// When the device reached its shutdown temperature; nil if it never did.
    public var shutdownAt: Double?
    /// Energy balance over the run: electrical energy in = heat stored + heat dissipated (J).
    public var energyIn: Double
    public var heatStored: Double
    public var heatOut: Double
}

/// Lumped RC thermal simulation with DVFS throttling and hysteresis.
///
/// One heat capacity C behind one thermal resistance R to ambient: C·dT/dt = P(t) − (T − T_amb)/R.
/// Power is piecewise constant (busy at the state's busy power, idle at idle power), so each piece is
/// integrated exactly: T(t) = T∞ + (T₀ − T∞)·e^(−t/RC) with T∞ = T_amb + P·R. Frames arrive every
/// 1/fps; a frame arriving while the previous one still runs is dropped. Before each frame the
/// governor checks the temperature: at or above trip k it steps the clock to state k+1; it steps
/// back up once the temperature is `hysteresis` below the trip.
public enum ThermalSimulation {
    /// Runs `scenario` on a device with the given per-state behaviour.
    /// - Throws: ``SimError/invalidScenario(_:)`` for fps ≤ 0, duration ≤ 0, non-finite inputs or an
    ///   ambient at or above the shutdown temperature.
    /// - Complexity: O(frames).
    public static func run(_ scenario: ThermalScenario, states: [ThermalStateModel], idlePower: Double,
                           thermal: ThermalSpec) throws -> ThermalTrace {
        let s = scenario
        guard s.fps.isFinite, s.fps > 0 else { throw SimError.invalidScenario("fps must be positive (got \(s.fps))") }
        guard s.duration.isFinite, s.duration > 0 else { throw SimError.invalidScenario("duration must be positive (got \(s.duration) s)") }
        guard s.duration * s.fps <= 50_000_000 else { throw SimError.invalidScenario("more than 50 million frames; shorten the run") }
        guard s.ambient.isFinite else { throw SimError.invalidScenario("ambient temperature must be a number") }
        guard s.ambient < thermal.shutdown.value else {
            throw SimError.invalidScenario("ambient \(s.ambient) °C is at or above the shutdown temperature \(thermal.shutdown.value) °C")
        }
        guard !states.isEmpty else { throw SimError.invalidScenario("no DVFS states") }
        let r = thermal.resistance.value, c = thermal.capacitance.value, tau = r * c
        let trips = thermal.trips, hyst = thermal.hysteresis, shutdown = thermal.shutdown.value
        let period = 1 / s.fps
        let frames = Int((s.duration * s.fps).rounded(.down))
        var temperature = s.initialTemperature ?? s.ambient
        let startTemperature = temperature
        var t = 0.0, busyUntil = 0.0
        var state = 0, busyState = 0
        var energyIn = 0.0, heatOut = 0.0
        var latencies: [Float] = []
        latencies.reserveCapacity(frames)
        var samples: [ThermalTrace.Sample] = []
        samples.reserveCapacity(Int(s.duration) + 2)
        var nextSample = 0.0
        var residency = [Double](repeating: 0, count: states.count)
        var processedAt: [Double] = []
        processedAt.reserveCapacity(frames)
        var firstThrottle: Double?
        var shutdownAt: Double?
        var peak = temperature
        var dropped = 0

        /// Advances the temperature by `dt` at constant power `p`, exactly.
        func advance(_ dt: Double, _ p: Double) {
            guard dt > 0 else { return }
            let tInf = s.ambient + p * r
            let decay = exp(-dt / tau)
            let t0 = temperature
            temperature = tInf + (t0 - tInf) * decay
            energyIn += p * dt
            heatOut += p * dt + (t0 - tInf) * c * (1 - decay)
        }
        func advance(to end: Double) {
            // Busy part first (the running frame), then idle, recording per-second samples.
            while t < end {
                let busyEnd = min(busyUntil, end)
                let segmentEnd = t < busyEnd ? busyEnd : end
                let stop = min(segmentEnd, nextSample > t ? nextSample : segmentEnd)
                let power = t < busyEnd ? states[busyState].busyPower : idlePower
                advance(stop - t, power)
                residency[t < busyEnd ? busyState : state] += stop - t
                t = stop
                peak = max(peak, temperature)
                if t >= nextSample {
                    samples.append(.init(time: t, temperature: temperature, state: state))
                    nextSample += 1
                }
                if shutdownAt == nil, temperature >= shutdown { shutdownAt = t; return }
            }
        }
        samples.append(.init(time: 0, temperature: temperature, state: 0))
        nextSample = 1
        for k in 0..<frames {
            let arrival = Double(k) * period
            advance(to: arrival)
            if shutdownAt != nil { dropped += frames - k; break }
            // Governor: step down at trips, back up below trip − hysteresis.
            while state < trips.count, state < states.count - 1, temperature >= trips[state] {
                state += 1
                if firstThrottle == nil { firstThrottle = arrival }
            }
            while state > 0, temperature < trips[state - 1] - hyst { state -= 1 }
            if busyUntil > arrival + 1e-12 {
                dropped += 1
                continue
            }
            busyState = state
            let latency = states[state].latency
            busyUntil = arrival + latency
            latencies.append(Float(latency))
            processedAt.append(arrival)
        }
        if shutdownAt == nil { advance(to: s.duration) }
        // Statistics.
        let sorted = latencies.sorted()
        func q(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return Double(sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))])
        }
        let window = min(60, s.duration / 2)
        let windowStart = s.duration - window
        let recent = processedAt.reversed().prefix { $0 >= windowStart }.count
        let final = states[state]
        let duty = min(1, final.latency * s.fps)
        let meanPower = idlePower + duty * (final.busyPower - idlePower)
        return ThermalTrace(
            frames: frames, processed: latencies.count, dropped: dropped, latencies: latencies, samples: samples,
            stateNames: states.map(\.name), residency: residency, firstThrottle: firstThrottle,
            sustainedFPS: window > 0 ? Double(recent) / window : 0, p50: q(0.5), p99: q(0.99),
            worst: Double(sorted.last ?? 0), jitter: q(0.99) - q(0.5), peakTemperature: peak,
            finalTemperature: temperature, finalState: state, steadyStateTemperature: s.ambient + meanPower * r,
            shutdownAt: shutdownAt, energyIn: energyIn, heatStored: c * (temperature - startTemperature), heatOut: heatOut)
    }
}
