import ArgumentParser
import EdgeSim
import Foundation

/// `edgewise devices`: the device catalog with peaks, memory, power and lifecycle.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the simulator's devices: compute units, memory, power, lifecycle (every number with its source).")

    @Option(name: .customLong("device-file"), help: "A YAML file adding or overriding devices (repeatable).")
    var deviceFiles: [String] = []

    @Option(help: "Show one device in full.")
    var device: String?

    @Flag(help: "Skip measuring this machine (the host device).")
    var noHost = false

    @Flag(help: "Emit JSON: one record per device with provenance for every number.")
    var json = false

    func run() throws {
        let sim = try SimCLI.simulator(deviceFiles: deviceFiles, includeHost: !noHost)
        var devices = sim.catalog.devices
        if let id = device { devices = [try SimCLI.device(id, in: sim)] }
        if json {
            try SimCLI.printJSON(devices.map(DeviceRecord.init))
            return
        }
        if device != nil, let d = devices.first {
            print(DevicesText.detail(d))
            return
        }
        var t = TextTable([("id", .left), ("family", .left), ("compute", .left), ("peak int8/fp16", .right),
                           ("RAM", .right), ("GB/s", .right), ("status", .left)])
        for d in devices {
            let units = d.units.map { "\($0.kind.rawValue)" }.joined(separator: "+")
            let peak = d.units.first.map { u -> String in
                let i = u.peak[.int8].map { Units.short($0.value / 1e12) } ?? "–"
                let f = u.peak[.fp16].map { Units.short($0.value / 1e12) } ?? "–"
                return "\(i)/\(f) T"
            } ?? ""
            t.add([d.id, d.family, units, peak, Units.bytes(d.memory.ram.value),
                   Units.short(d.memory.bandwidth.value / 1e9), d.lifecycle.status.rawValue])
        }
        print(t.render())
        print("\n\(devices.count) devices; peaks are the first unit's (ops/s at 10¹²). `edgewise devices --device ID` shows one with sources.")
    }
}

/// Text rendering of one device.
enum DevicesText {
    static func detail(_ d: Device) -> String {
        var out = ["\(d.id): \(d.name)", "family: \(d.family)   lifecycle: \(d.lifecycle.status.rawValue) — \(d.lifecycle.note)"]
        if !d.summary.isEmpty { out.append(d.summary) }
        out.append("memory: \(Units.bytes(d.memory.ram.value)) at \(Units.short(d.memory.bandwidth.value / 1e9)) GB/s [\(d.memory.bandwidth.source)]")
        if let f = d.memory.flash { out.append("flash: \(Units.bytes(f.value)) [\(f.source)]") }
        out.append("idle power: \(Units.short(d.power.idle.value)) W [\(d.power.idle.source)]")
        for u in d.units {
            out.append("unit \(u.id) (\(u.kind.rawValue), class \(u.unitClass)): \(u.name)")
            for (p, v) in u.peak.sorted(by: { $0.key < $1.key }) {
                out.append("  peak \(p.rawValue): \(Units.short(v.value / 1e12)) T ops/s [\(v.source)]")
            }
            if let w = u.weightMemory { out.append("  on-chip weight memory: \(Units.bytes(w.value)) [\(w.source)]") }
            if let l = u.link { out.append("  link: \(l)") }
            out.append("  active power: \(Units.short(u.activePower.value)) W [\(u.activePower.source)]")
            for n in u.notes { out.append("  note: \(n)") }
        }
        for l in d.links {
            out.append("link \(l.id): \(l.name), \(Units.short(l.bandwidth.value / 1e6)) MB/s [\(l.bandwidth.source)]")
        }
        for r in d.runtimes {
            out.append("runtime \(r.id): \(r.name) on \(r.unit)\(r.fallback.map { ", fallback \($0)" } ?? "") (\(r.partition.rawValue))"
                       + (r.precisions.isEmpty ? "" : ", precisions \(r.precisions.joined(separator: "/"))"))
            if !r.note.isEmpty { out.append("  \(r.note)") }
        }
        out.append("power states: " + d.dvfs.map { "\($0.name) (clock ×\(Units.short($0.clockScale)), power ×\(Units.short($0.powerScale)))" }.joined(separator: ", "))
        out.append("thermal: R \(Units.short(d.thermal.resistance.value)) °C/W, C \(Units.short(d.thermal.capacitance.value)) J/°C, trips \(d.thermal.trips.map { Units.short($0) }.joined(separator: "/")) °C, shutdown \(Units.short(d.thermal.shutdown.value)) °C")
        out.append("defined in \(d.definedIn)")
        return out.joined(separator: "\n")
    }
}

/// Shared plumbing of the simulator commands: catalog loading, errors, JSON.
enum SimCLI {
    static func simulator(deviceFiles: [String], includeHost: Bool, parameters: String? = nil) throws -> Simulator {
        do {
            return try Simulator.standard(userFiles: deviceFiles.map { URL(fileURLWithPath: $0) }, includeHost: includeHost,
                                          parametersFile: parameters.map { URL(fileURLWithPath: $0) })
        } catch let e as DeviceFileError {
            throw CLIError(e.description)
        } catch let e as SimError {
            throw CLIError(e.description)
        }
    }

    static func device(_ id: String, in sim: Simulator) throws -> Device {
        do { return try sim.catalog.require(id) } catch let e as SimError { throw CLIError(e.description) }
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        FileHandle.standardOutput.write(try enc.encode(value))
        print()
    }
}
