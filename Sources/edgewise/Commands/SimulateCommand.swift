import ArgumentParser
import EdgeIR
import EdgeImport
import EdgeSim
import Foundation

/// `edgewise simulate MODEL --device ID`: latency, fallback map, memory fit, energy and heat on a device.
struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Predict a model's latency, throughput, memory fit, energy and sustained behaviour on a device.",
        discussion: """
            Every figure is labelled estimated (with the error band of the device family's calibration residuals) \
            or published. --fps with --duration runs the thermal model; --budget checks a real-time requirement.
            """)

    @Argument(help: "zoo:<id>[?key=value&…] or a model file.")
    var model: String

    @Option(help: "Device id (see `edgewise devices`).")
    var device: String?

    @Flag(help: "Simulate on every device, one row each.")
    var allDevices = false

    @Option(help: "Precision: fp32, fp16, int8, w8a16, int4, w4a16 or a GGUF type (Q4_K_M …). Default: the runtime's first.")
    var precision: String?

    @Option(help: "Batch size.")
    var batch: Int = 1

    @Option(help: "Concurrent streams.")
    var streams: Int = 1

    @Option(help: "Runtime id on the device (default: the device's first).")
    var runtime: String?

    @Option(name: .customLong("power-state"), help: "DVFS state (power mode) name.")
    var powerState: String?

    @Option(help: "Frame rate of a sustained run (with --duration).")
    var fps: Double?

    @Option(help: "Length of the sustained run in seconds.")
    var duration: Double?

    @Option(help: "Ambient temperature in °C for the sustained run.")
    var ambient: Double = 25

    @Option(help: "Real-time latency budget per frame in ms.")
    var budget: Double?

    @Flag(help: "Hard real-time: the worst frame (upper error bound) must meet the budget (default: soft, p99).")
    var hard = false

    @Option(help: "Inference rate (per second) for average power, TOPS/W and battery life.")
    var rate: Double?

    @Option(help: "Battery capacity in Wh for battery life.")
    var battery: Double?

    @Option(help: "Fraction of time the workload runs (battery life), 0–1.")
    var duty: Double = 1

    @Option(help: "Decoders: prompt tokens for prefill.")
    var prompt: Int?

    @Option(help: "Decoders: cached tokens (context) for decode.")
    var context: Int?

    @Flag(help: "Show every layer: unit, time, bound and why it is there.")
    var layers = false

    @Option(name: .customLong("device-file"), help: "A YAML file adding or overriding devices (repeatable).")
    var deviceFiles: [String] = []

    @Flag(help: "Do not measure this machine (no host device).")
    var noHost = false

    @Option(help: "Fitted parameters from `edgewise calibrate --write` (default: the built-in ones).")
    var parameters: String?

    @Flag(help: "Emit JSON.")
    var json = false

    func validate() throws {
        guard batch >= 1 else { throw CLIError("--batch must be ≥ 1 (got \(batch))") }
        guard streams >= 1 else { throw CLIError("--streams must be ≥ 1 (got \(streams))") }
        if let f = fps, !(f > 0 && f.isFinite) { throw CLIError("--fps must be positive (got \(f))") }
        if let d = duration, !(d > 0 && d.isFinite) { throw CLIError("--duration must be positive (got \(d))") }
        if (fps == nil) != (duration == nil), budget == nil { throw CLIError("--fps and --duration go together") }
        if let b = budget, !(b > 0 && b.isFinite) { throw CLIError("--budget must be a positive number of ms (got \(b))") }
        if let r = rate, !(r > 0 && r.isFinite) { throw CLIError("--rate must be positive (got \(r))") }
        if let b = battery, !(b > 0 && b.isFinite) { throw CLIError("--battery must be a positive Wh figure (got \(b))") }
        guard duty >= 0, duty <= 1 else { throw CLIError("--duty must be between 0 and 1 (got \(duty))") }
        guard ambient.isFinite else { throw CLIError("--ambient must be a number") }
        guard allDevices != (device != nil) else { throw CLIError("give exactly one of --device ID or --all-devices") }
        if let p = precision, Precision.parse(p) == nil { throw CLIError(SimError.unknownPrecision(p).description) }
        if let p = prompt, p < 1 { throw CLIError("--prompt must be ≥ 1") }
        if let c = context, c < 1 { throw CLIError("--context must be ≥ 1") }
    }

    func run() throws {
        do {
            try execute()
        } catch let e as SimError {
            throw CLIError(e.description)
        } catch let e as IRError {
            throw CLIError("\(model): \(e.description)")
        }
    }

    func execute() throws {
        let sim = try SimCLI.simulator(deviceFiles: deviceFiles, includeHost: !noHost, parameters: parameters)
        let options = SimulationOptions(precision: precision.flatMap(Precision.parse), batch: batch, streams: streams,
                                        runtime: runtime, powerState: powerState)
        if model.hasPrefix("zoo:"), LLMModels.isDecoder(model) {
            try runDecoder(sim, options, try LLMModels.workloads(reference: model, prompt: prompt, context: context))
            return
        }
        let m = try ModelReference.load(model)
        if m.metadata.format == "gguf", m.metadata.task == "llm-decode" {
            let source: GGUFDecoder.Source?
            do { source = try GGUFDecoder.load(path: model) } catch let e as ImportError { throw CLIError(e.description) }
            if let d = source {
                try runDecoder(sim, options, try LLMModels.workloads(config: d.config, weightTypes: d.weightTypes, name: d.name,
                                                                     prompt: prompt, context: context))
                return
            }
        }
        let workload = try Workload(graph: m.graph, name: m.metadata.source)
        if allDevices {
            try runAll(sim, workload, options)
            return
        }
        let d = try SimCLI.device(device ?? "", in: sim)
        let result = try sim.simulate(workload, device: d, options: options)
        var trace: ThermalTrace?
        if let f = fps, let s = duration {
            trace = try sim.sustained(workload, device: d, scenario: ThermalScenario(fps: f, duration: s, ambient: ambient), options: options)
        } else if let f = fps, budget != nil {
            // A rate with a budget but no duration: a one-minute sustained run.
            trace = try sim.sustained(workload, device: d, scenario: ThermalScenario(fps: f, duration: 60, ambient: ambient), options: options)
        }
        var verdict: RealTimeVerdict?
        if let b = budget {
            verdict = try RealTimeVerdict.check(result, trace: trace, budget: RealTimeBudget(budget: b / 1000, mode: hard ? .hard : .soft, fps: fps))
        }
        if json {
            try SimCLI.printJSON(SimulateJSON(model: m.metadata.source, result: result, thermal: trace.map(ThermalJSON.init),
                                              realTime: verdict, energy: energyJSON(result), llm: nil))
            return
        }
        print(SimulateText.render(result, layers: layers))
        if let e = energyJSON(result) { print(SimulateText.energy(e)) }
        if let t = trace { print(SimulateText.thermal(t, ambient: ambient)) }
        if let v = verdict { print(SimulateText.realTime(v)) }
    }

    func energyJSON(_ r: SimulationResult) -> EnergyJSON? {
        guard rate != nil || battery != nil else { return nil }
        let at = rate ?? r.energy.maxRate
        return EnergyJSON(rate: min(at, r.energy.maxRate), averagePower: r.energy.averagePower(rate: at),
                          topsPerWatt: r.energy.topsPerWatt(rate: at),
                          batteryHours: battery.map { r.energy.batteryHours(wattHours: $0, rate: at, duty: duty) },
                          duty: duty, rateCapped: at > r.energy.maxRate)
    }

    func runAll(_ sim: Simulator, _ workload: Workload, _ options: SimulationOptions) throws {
        let rows = sim.simulateAll(workload, options: options)
        if json {
            try SimCLI.printJSON(rows.map { d, r -> AllDevicesJSON in
                switch r {
                case .success(let s): return AllDevicesJSON(device: d.id, result: s, error: nil)
                case .failure(let e): return AllDevicesJSON(device: d.id, result: nil, error: String(describing: e))
                }
            })
            return
        }
        var t = TextTable([("device", .left), ("runtime", .left), ("prec", .left), ("latency", .right), ("band", .left),
                           ("inf/s", .right), ("mJ/inf", .right), ("memory", .left), ("fallback", .right)])
        for (d, r) in rows {
            switch r {
            case .success(let s):
                t.add([d.id, s.runtimeID, s.precision, Units.time(s.latency.value), SimulateText.band(s.latency),
                       Units.short(s.throughput.value), Units.short(s.energy.joulesPerInference * 1000),
                       s.memory.fits ? "fits" : "no fit", s.fallbackLayers > 0 ? String(s.fallbackLayers) : ""])
            case .failure(let e):
                t.add([d.id, "—", "—", "—", "", "", "", String(describing: e), ""])
            }
        }
        print("\(workload.name): one row per device (estimated; band = 10th–90th percentile of the family's cross-validated calibration error)")
        print(t.render())
    }

    /// Prefill and decode token rates of a decoder (catalog or GGUF file) on one or every device.
    func runDecoder(_ sim: Simulator, _ options: SimulationOptions,
                    _ w: (prefill: Workload, decode: Workload, prompt: Int, context: Int)) throws {
        let devices = allDevices ? sim.catalog.devices : [try SimCLI.device(device ?? "", in: sim)]
        var results: [LLMResult] = []
        var failures: [(String, String)] = []
        for d in devices {
            do {
                results.append(try sim.simulateLLM(prefill: w.prefill, decode: w.decode, promptTokens: w.prompt, context: w.context,
                                                   device: d, options: options))
            } catch {
                failures.append((d.id, String(describing: error)))
                if !allDevices { throw error }
            }
        }
        if json {
            try SimCLI.printJSON(results)
            return
        }
        print("\(model): prompt \(w.prompt) tokens, decode at context \(w.context) (estimated)")
        var t = TextTable([("device", .left), ("prec", .left), ("prefill tok/s", .right), ("decode tok/s", .right),
                           ("band", .left), ("TTFT", .right), ("MB/token", .right), ("memory", .left)])
        for r in results {
            // Across devices, token rates are shown only where the model fits (weights, KV cache at the
            // context, runtime); the row still says by how much it misses.
            if allDevices, !r.memory.fits {
                t.add([r.deviceID, r.precision, "—", "—", "", "—", Units.short(r.bytesPerToken / 1e6), r.memory.summary])
                continue
            }
            t.add([r.deviceID, r.precision, Units.short(r.prefillTokensPerSecond.value), Units.short(r.decodeTokensPerSecond.value),
                   SimulateText.band(r.decodeTokensPerSecond), Units.time(r.timeToFirstToken), Units.short(r.bytesPerToken / 1e6),
                   r.memory.fits ? "fits" : r.memory.summary])
        }
        print(t.render())
        for (d, e) in failures { print("\(d): \(e)") }
    }
}

/// Text rendering of simulation results.
enum SimulateText {
    static func band(_ f: Figure) -> String {
        switch f.provenance {
        case .estimated(let lo, let hi, _, _):
            if f.unit == "s" { return "\(Units.time(lo))–\(Units.time(hi))" }
            return "\(Units.short(lo))–\(Units.short(hi))"
        case .published(_, let row): return "published \(row)"
        case .measured: return "measured"
        case .exact: return "exact"
        }
    }

    /// "estimated, 6.1–12.3 ms (family, n rows)" with the band in the figure's unit.
    static func provenance(_ f: Figure) -> String {
        switch f.provenance {
        case .estimated(_, _, let family, let n):
            let unit = f.unit == "s" ? "" : " " + f.unit
            return n == 0 ? "estimated, no calibration rows for \(family); band \(band(f))\(unit)"
                : "estimated, likely \(band(f))\(unit) (\(family): \(n) calibration rows, p10–p90 of cross-validated error)"
        default: return f.provenance.description
        }
    }

    static func render(_ r: SimulationResult, layers: Bool) -> String {
        var out: [String] = []
        out.append("\(r.deviceName) [\(r.deviceID)] — \(r.runtimeName), \(r.precision), batch \(r.batch)"
                   + (r.streams > 1 ? ", \(r.streams) streams" : "") + ", power state \(r.powerState)")
        out.append("latency:    \(Units.time(r.latency.value))  [\(provenance(r.latency))]")
        out.append("throughput: \(Units.short(r.throughput.value)) inferences/s  [\(provenance(r.throughput))]")
        for p in r.published {
            out.append("published:  \(p.published) (\(p.metric.rawValue), row \(p.id)) — \(p.source)")
        }
        var parts = r.unitTimes.map { "\($0.unit) \(Units.time($0.time)) (\($0.layers) layers)" }
        if r.transferTime > 0 { parts.append("link transfers \(Units.time(r.transferTime))") }
        if r.syncTime > 0 { parts.append("unit switches \(Units.time(r.syncTime))") }
        if r.contextSwitchTime > 0 { parts.append("context switches \(Units.time(r.contextSwitchTime))") }
        parts.append("fixed \(Units.time(r.fixedOverhead))")
        out.append("time:       " + parts.joined(separator: ", "))
        out.append("memory:     \(r.memory.summary)")
        if r.memory.streamedWeights > 0 || r.memory.onChipCapacity != nil {
            out.append("on-chip:    \(Units.bytes(r.memory.onChipWeights)) of weights cached, \(Units.bytes(r.memory.streamedWeights)) streamed")
        }
        out.append("energy:     \(Units.short(r.energy.joulesPerInference * 1000)) mJ/inference back to back "
                   + "(\(Units.short(r.energy.inferencesPerJoule)) inferences/J, \(Units.short(r.energy.busyPower)) W busy, \(Units.short(r.energy.idlePower)) W idle)")
        out.append("partitioning: \(r.partitionRule)")
        for n in r.notes { out.append("note: \(n)") }
        let fallbacks = r.layers.filter { !$0.reason.isEmpty }
        if !fallbacks.isEmpty && !layers {
            out.append("fallback map (\(fallbacks.count) layers off the main unit):")
            for l in fallbacks.prefix(12) { out.append("  \(l.name) (\(l.op)) → \(l.unit): \(l.reason)") }
            if fallbacks.count > 12 { out.append("  … \(fallbacks.count - 12) more (--layers shows all)") }
        }
        if layers {
            var t = TextTable([("layer", .left), ("op", .left), ("unit", .left), ("time", .right), ("bound", .left), ("why", .left)])
            for l in r.layers where l.bound != .free {
                t.add([l.name, l.op, l.unit, Units.time(l.time), l.bound.rawValue, l.reason])
            }
            out.append(t.render())
        }
        return out.joined(separator: "\n")
    }

    static func energy(_ e: EnergyJSON) -> String {
        var s = "at \(Units.short(e.rate)) inferences/s\(e.rateCapped ? " (capped at the maximum)" : ""): average \(Units.short(e.averagePower)) W, "
            + "\(Units.short(e.topsPerWatt)) TOPS/W achieved"
        if let h = e.batteryHours { s += "; battery life \(Units.short(h)) h at duty \(Units.short(e.duty))" }
        return s + " (estimated)"
    }

    static func thermal(_ t: ThermalTrace, ambient: Double) -> String {
        var out = ["sustained run: \(t.frames) frames at \(Units.short(Double(t.frames) / max(t.samples.last?.time ?? 1, 1e-9))) fps, ambient \(Units.short(ambient)) °C"]
        out.append("  processed \(t.processed), dropped \(t.dropped); sustained \(Units.short(t.sustainedFPS)) fps")
        out.append("  latency p50 \(Units.time(t.p50)), p99 \(Units.time(t.p99)), worst \(Units.time(t.worst)), jitter \(Units.time(t.jitter))")
        out.append("  temperature peak \(Units.short(t.peakTemperature)) °C, final \(Units.short(t.finalTemperature)) °C, steady state \(Units.short(t.steadyStateTemperature)) °C in \(t.stateNames[t.finalState])")
        out.append("  first throttle: " + (t.firstThrottle.map { "\(Units.short($0)) s" } ?? "none"))
        let res = zip(t.stateNames, t.residency).filter { $0.1 > 0 }.map { "\($0.0) \(Units.short($0.1)) s" }
        out.append("  time per power state: " + res.joined(separator: ", "))
        if let s = t.shutdownAt { out.append("  SHUTDOWN at \(Units.short(s)) s (reached the shutdown temperature)") }
        return out.joined(separator: "\n")
    }

    static func realTime(_ v: RealTimeVerdict) -> String {
        let head = "\(v.mode.rawValue) real-time, budget \(Units.time(v.budget)): \(v.passes ? "PASS" : "FAIL") (checked \(Units.time(v.checkedLatency)))"
        return ([head] + v.reasons.map { "  " + $0 }).joined(separator: "\n")
    }
}

struct EnergyJSON: Encodable {
    var rate: Double
    var averagePower: Double
    var topsPerWatt: Double
    var batteryHours: Double?
    var duty: Double
    var rateCapped: Bool
}

/// The thermal trace without per-frame latencies (those are summarised).
struct ThermalJSON: Encodable {
    var frames, processed, dropped: Int
    var sustainedFPS, p50, p99, worst, jitter: Double
    var firstThrottle: Double?
    var peakTemperature, finalTemperature, steadyStateTemperature: Double
    var finalState: String
    var shutdownAt: Double?
    var residency: [String: Double]
    var samples: [ThermalTrace.Sample]

    init(_ t: ThermalTrace) {
        frames = t.frames; processed = t.processed; dropped = t.dropped
        sustainedFPS = t.sustainedFPS; p50 = t.p50; p99 = t.p99; worst = t.worst; jitter = t.jitter
        firstThrottle = t.firstThrottle
        peakTemperature = t.peakTemperature; finalTemperature = t.finalTemperature; steadyStateTemperature = t.steadyStateTemperature
        finalState = t.stateNames[t.finalState]
        shutdownAt = t.shutdownAt
        var r: [String: Double] = [:]
        for (n, v) in zip(t.stateNames, t.residency) { r[n] = v }
        residency = r
        samples = t.samples
    }
}

struct SimulateJSON: Encodable {
    var schema = "edgewise.simulate/1"
    var model: String
    var result: SimulationResult
    var thermal: ThermalJSON?
    var realTime: RealTimeVerdict?
    var energy: EnergyJSON?
    var llm: LLMResult?
}

struct AllDevicesJSON: Encodable {
    var device: String
    var result: SimulationResult?
    var error: String?
}
