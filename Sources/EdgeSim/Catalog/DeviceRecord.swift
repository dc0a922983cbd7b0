/// A device as `edgewise devices --json` prints it: every number with its provenance.
public struct DeviceRecord: Sendable, Codable {
    public struct Number: Sendable, Codable {
        public var value: Double
        public var source: ValueSource
        init(_ s: Sourced) { value = s.value; source = s.source }
    }

    public struct Unit: Sendable, Codable {
        public var id: String
        public var name: String
        public var kind: UnitKind
        public var unitClass: String
        /// Peak ops/s per datapath.
        public var peak: [String: Number]
        public var weightMemory: Number?
        public var localMemory: Number?
        public var link: String?
        public var ops: String
        public var dataflow: Bool
        public var activePower: Number
        public var notes: [String]
    }

    public struct LinkRecord: Sendable, Codable {
        public var id: String
        public var name: String
        public var bandwidth: Number
        public var latency: Number
    }

    public struct RuntimeRecord: Sendable, Codable {
        public var id: String
        public var name: String
        public var unit: String
        public var fallback: String?
        public var partition: PartitionRule
        public var precisions: [String]
        public var note: String
    }

    public struct State: Sendable, Codable {
        public var name: String
        public var clock: Double
        public var power: Double
        public var source: ValueSource
    }

    public struct Thermal: Sendable, Codable {
        public var resistance: Number
        public var capacitance: Number
        public var trips: [Double]
        public var tripSource: ValueSource
        public var hysteresis: Double
        public var shutdown: Number
    }

    public var id: String
    public var name: String
    public var family: String
    public var summary: String
    public var lifecycle: Lifecycle
    public var ram: Number
    public var memoryBandwidth: Number
    public var flash: Number?
    public var runtimeOverhead: Number
    public var idlePower: Number
    public var units: [Unit]
    public var links: [LinkRecord]
    public var runtimes: [RuntimeRecord]
    public var dvfs: [State]
    public var thermal: Thermal
    public var definedIn: String

    public init(_ d: Device) {
        id = d.id
        name = d.name
        family = d.family
        summary = d.summary
        lifecycle = d.lifecycle
        ram = Number(d.memory.ram)
        memoryBandwidth = Number(d.memory.bandwidth)
        flash = d.memory.flash.map(Number.init)
        runtimeOverhead = Number(d.memory.runtimeOverhead)
        idlePower = Number(d.power.idle)
        units = d.units.map { u in
            let ops: String
            switch u.ops {
            case .all: ops = "all"
            case .only(let s): ops = "only: " + s.map(\.rawValue).sorted().joined(separator: ", ")
            case .allExcept(let s): ops = "all except: " + s.map(\.rawValue).sorted().joined(separator: ", ")
            }
            var peak: [String: Number] = [:]
            for (k, v) in u.peak { peak[k.rawValue] = Number(v) }
            return Unit(id: u.id, name: u.name, kind: u.kind, unitClass: u.unitClass, peak: peak,
                        weightMemory: u.weightMemory.map(Number.init), localMemory: u.localMemory.map(Number.init),
                        link: u.link, ops: ops, dataflow: u.dataflow, activePower: Number(u.activePower), notes: u.notes)
        }
        links = d.links.map { LinkRecord(id: $0.id, name: $0.name, bandwidth: Number($0.bandwidth), latency: Number($0.latency)) }
        runtimes = d.runtimes.map {
            RuntimeRecord(id: $0.id, name: $0.name, unit: $0.unit, fallback: $0.fallback, partition: $0.partition,
                          precisions: $0.precisions, note: $0.note)
        }
        dvfs = d.dvfs.map { State(name: $0.name, clock: $0.clockScale, power: $0.powerScale, source: $0.source) }
        thermal = Thermal(resistance: Number(d.thermal.resistance), capacitance: Number(d.thermal.capacitance),
                          trips: d.thermal.trips, tripSource: d.thermal.tripSource, hysteresis: d.thermal.hysteresis,
                          shutdown: Number(d.thermal.shutdown))
        definedIn = d.definedIn
    }
}
