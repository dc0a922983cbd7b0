import EdgeIR

/// Reads one device's YAML tree into a ``Device``, checking every field.
///
/// Rules enforced here (each failure names file, line and key): required keys present; numbers
/// non-negative and, where it matters, positive; references (runtime → unit, unit → link, opset
/// names) resolve; DVFS states start at clock 1 and step down; trip temperatures ascend and stay
/// below the shutdown temperature, with no more trips than throttled states.
struct DeviceParser {
    let sources: [String: String]
    let opsets: [String: Set<OpType>]

    static let deviceKeys: Set<String> = ["id", "name", "family", "summary", "extends", "lifecycle", "memory", "power",
                                          "units", "links", "runtimes", "dvfs", "thermal"]

    func parse(_ c: YAMLCursor) throws -> Device {
        try c.checkKeys(Self.deviceKeys)
        let id = try c.require("id").nonEmptyString()
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw try c.require("id").error("device ids use letters, digits, '-', '_' and '.' only")
        }
        let links = try (c.optional("links")?.list() ?? []).map(parseLink)
        try unique(links.map(\.id), in: c, key: "links")
        let units = try c.require("units").list().map { try parseUnit($0, links: links) }
        guard !units.isEmpty else { throw try c.require("units").error("a device needs at least one compute unit") }
        try unique(units.map(\.id), in: c, key: "units")
        let runtimesCursor = try c.require("runtimes")
        let runtimes = try runtimesCursor.list().map { try parseRuntime($0, units: units) }
        guard !runtimes.isEmpty else { throw runtimesCursor.error("a device needs at least one runtime") }
        try unique(runtimes.map(\.id), in: c, key: "runtimes")
        let dvfs = try parseDVFS(c.require("dvfs"))
        let thermal = try parseThermal(c.require("thermal"), states: dvfs.count)
        return Device(
            id: id, name: try c.require("name").nonEmptyString(), family: try c.require("family").nonEmptyString(),
            summary: try c.optional("summary")?.string() ?? "",
            units: units, links: links, runtimes: runtimes,
            memory: try parseMemory(c.require("memory")), power: try parsePower(c.require("power")),
            dvfs: dvfs, thermal: thermal, lifecycle: try parseLifecycle(c.require("lifecycle")),
            definedIn: c.file)
    }

    private func unique(_ ids: [String], in c: YAMLCursor, key: String) throws {
        var seen = Set<String>()
        for (i, id) in ids.enumerated() where !seen.insert(id).inserted {
            let item = try c.require(key).list()[i]
            throw item.error("duplicate id '\(id)'")
        }
    }

    private func parseLink(_ c: YAMLCursor) throws -> Link {
        try c.checkKeys(["id", "name", "bandwidth", "latency"])
        return Link(id: try c.require("id").nonEmptyString(), name: try c.optional("name")?.string() ?? "",
                    bandwidth: try c.require("bandwidth").sourced(.bandwidth, sources: sources),
                    latency: try c.require("latency").sourced(.time, sources: sources, allowZero: true))
    }

    private func parseUnit(_ c: YAMLCursor, links: [Link]) throws -> ComputeUnit {
        try c.checkKeys(["id", "name", "kind", "class", "peak", "promote", "memory_bandwidth", "weight_memory",
                         "weight_overflow", "link", "ops", "unsupported", "dataflow", "power", "tops_per_watt", "notes",
                         "local_memory", "op_limits", "group", "efficiency"])
        let kindC = try c.require("kind")
        guard let kind = UnitKind(rawValue: try kindC.string()) else {
            throw kindC.error("unknown unit kind; expected one of: \(UnitKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var peak: [ComputePrecision: Sourced] = [:]
        let peakC = try c.require("peak")
        for (k, v) in try peakC.entries() {
            guard let p = ComputePrecision(rawValue: k) else {
                throw v.error("unknown datapath; expected one of: \(ComputePrecision.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            peak[p] = try v.sourced(.opsRate, sources: sources)
        }
        guard !peak.isEmpty else { throw peakC.error("a unit needs a peak throughput for at least one datapath") }
        var promote: [ComputePrecision: ComputePrecision] = [:]
        if let pc = try c.optional("promote") {
            for (k, v) in try pc.entries() {
                guard let from = ComputePrecision(rawValue: k), let to = ComputePrecision(rawValue: try v.string()) else {
                    throw v.error("expected datapath: datapath, e.g. 'int8: fp16'")
                }
                guard peak[to] != nil else { throw v.error("promotes to '\(to.rawValue)' but the unit has no peak for it") }
                promote[from] = to
            }
        }
        var link: String?
        if let lc = try c.optional("link") {
            let l = try lc.nonEmptyString()
            guard links.contains(where: { $0.id == l }) else {
                throw lc.error("no link '\(l)' on this device; links: \(links.map(\.id).joined(separator: ", "))")
            }
            link = l
        }
        var overflow = WeightOverflow.stream
        if let oc = try c.optional("weight_overflow") {
            guard let o = WeightOverflow(rawValue: try oc.string()) else { throw oc.error("expected 'stream' or 'contexts'") }
            overflow = o
        }
        let weightMemory = try c.optional("weight_memory")?.sourced(.bytes, sources: sources)
        if weightMemory != nil, link == nil {
            throw try c.require("weight_memory").error("on-chip weight memory needs a 'link' the overflow is streamed over")
        }
        let power: Sourced
        switch (try c.optional("power"), try c.optional("tops_per_watt")) {
        case (let p?, nil):
            power = try p.sourced(.power, sources: sources)
        case (nil, let t?):
            let eff = try t.sourced(.ratio, sources: sources)
            guard let top = peak[.int8] ?? peak.values.max(by: { $0.value < $1.value }) else { throw t.error("needs a peak") }
            // TOPS/W × W = TOPS, so W = peak / (TOPS/W · 10¹²).
            power = Sourced(top.value / (eff.value * 1e12), eff.source)
        case (nil, nil):
            throw DeviceFileError(file: c.file, line: c.line, key: c.path + ".power", problem: "missing required key (or give tops_per_watt)")
        case (_?, _?):
            throw try c.require("tops_per_watt").error("give either 'power' or 'tops_per_watt', not both")
        }
        var limits: [OpType: Double] = [:]
        if let lc = try c.optional("op_limits") {
            for (k, v) in try lc.entries() {
                let n = try v.quantity(.ratio)
                guard n > 0 else { throw v.error("must be a positive element count") }
                limits[OpType(k)] = n
            }
        }
        return ComputeUnit(
            id: try c.require("id").nonEmptyString(), name: try c.optional("name")?.string() ?? "",
            kind: kind, unitClass: try c.require("class").nonEmptyString(), group: try c.optional("group")?.nonEmptyString(),
            peak: peak, promote: promote,
            memoryBandwidth: try c.optional("memory_bandwidth")?.sourced(.bandwidth, sources: sources),
            weightMemory: weightMemory,
            localMemory: try c.optional("local_memory")?.sourced(.bytes, sources: sources),
            opLimits: limits, weightOverflow: overflow, link: link,
            ops: try parseOps(c), dataflow: try c.optional("dataflow")?.bool() ?? false,
            activePower: power, notes: try c.optional("notes")?.strings() ?? [],
            efficiencyPrior: try c.optional("efficiency")?.sourced(.ratio, sources: sources))
    }

    private func parseOps(_ c: YAMLCursor) throws -> OpSupport {
        func set(_ cur: YAMLCursor) throws -> Set<OpType> {
            if case .scalar = cur.value {
                let name = try cur.string()
                guard let s = opsets[name] else {
                    throw cur.error("no opset '\(name)'; known: \(opsets.keys.sorted().joined(separator: ", "))")
                }
                return s
            }
            return Set(try cur.list().map { OpType(try $0.nonEmptyString()) })
        }
        switch (try c.optional("ops"), try c.optional("unsupported")) {
        case (nil, nil): return .all
        case (let o?, nil):
            if case .scalar = o.value, try o.string() == "all" { return .all }
            return .only(try set(o))
        case (nil, let u?): return .allExcept(try set(u))
        case (_?, let u?): throw u.error("give either 'ops' (supported) or 'unsupported', not both")
        }
    }

    private func parseRuntime(_ c: YAMLCursor, units: [ComputeUnit]) throws -> Runtime {
        try c.checkKeys(["id", "name", "class", "unit", "fallback", "partition", "precisions", "fuses", "note", "speed"])
        let unitC = try c.require("unit")
        let unit = try unitC.nonEmptyString()
        guard units.contains(where: { $0.id == unit }) else {
            throw unitC.error("no unit '\(unit)' on this device; units: \(units.map(\.id).joined(separator: ", "))")
        }
        var fallback: String?
        if let fc = try c.optional("fallback") {
            let f = try fc.nonEmptyString()
            guard units.contains(where: { $0.id == f }) else {
                throw fc.error("no unit '\(f)' on this device; units: \(units.map(\.id).joined(separator: ", "))")
            }
            guard f != unit else { throw fc.error("the fallback unit must differ from the runtime's unit") }
            fallback = f
        }
        var partition = PartitionRule.perLayer
        if let pc = try c.optional("partition") {
            guard let p = PartitionRule(rawValue: try pc.string()) else {
                throw pc.error("expected one of: \(PartitionRule.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            partition = p
        }
        let precisionsC = try c.optional("precisions")
        let precisions = try precisionsC?.strings() ?? []
        if let pc = precisionsC {
            let items: [YAMLCursor] = (try? pc.list()) ?? [pc]
            for (i, p) in precisions.enumerated() where Precision.parse(p) == nil {
                throw (i < items.count ? items[i] : pc).error("unknown precision '\(p)'")
            }
        }
        return Runtime(id: try c.require("id").nonEmptyString(), name: try c.optional("name")?.string() ?? "",
                       runtimeClass: try c.require("class").nonEmptyString(), unit: unit, fallback: fallback,
                       partition: partition, precisions: precisions,
                       fusesActivations: try c.optional("fuses")?.bool() ?? true,
                       speedPrior: try c.optional("speed")?.sourced(.ratio, sources: sources),
                       note: try c.optional("note")?.string() ?? "")
    }

    private func parseMemory(_ c: YAMLCursor) throws -> MemorySpec {
        try c.checkKeys(["ram", "bandwidth", "flash", "overhead"])
        return MemorySpec(ram: try c.require("ram").sourced(.bytes, sources: sources),
                          bandwidth: try c.require("bandwidth").sourced(.bandwidth, sources: sources),
                          flash: try c.optional("flash")?.sourced(.bytes, sources: sources),
                          runtimeOverhead: try c.require("overhead").sourced(.bytes, sources: sources, allowZero: true))
    }

    private func parsePower(_ c: YAMLCursor) throws -> PowerSpec {
        try c.checkKeys(["idle"])
        return PowerSpec(idle: try c.require("idle").sourced(.power, sources: sources, allowZero: true))
    }

    private func parseDVFS(_ c: YAMLCursor) throws -> [DVFSState] {
        let items = try c.list()
        guard !items.isEmpty else { throw c.error("needs at least one state (the nominal one)") }
        var states: [DVFSState] = []
        for item in items {
            try item.checkKeys(["name", "clock", "power", "src", "est"])
            let clockC = try item.require("clock"), powerC = try item.require("power")
            let clock = try clockC.quantity(.ratio), power = try powerC.quantity(.ratio)
            guard clock > 0, clock <= 1 else { throw clockC.error("clock scale must be in (0, 1] (got \(clock))") }
            guard power > 0, power <= 1 else { throw powerC.error("power scale must be in (0, 1] (got \(power))") }
            if let prev = states.last, clock > prev.clockScale {
                throw clockC.error("states must be listed fastest first (\(clock) after \(prev.clockScale))")
            }
            let source: ValueSource
            switch (try item.optional("src"), try item.optional("est")) {
            case (let s?, nil): let k = try s.nonEmptyString(); source = .published(sources[k] ?? k)
            case (nil, let e?): source = .estimate(try e.nonEmptyString())
            default: throw item.error("needs exactly one of 'src' or 'est'")
            }
            states.append(DVFSState(name: try item.require("name").nonEmptyString(), clockScale: clock, powerScale: power, source: source))
        }
        guard states[0].clockScale == 1, states[0].powerScale == 1 else {
            throw items[0].error("the first state is the nominal one: clock 1, power 1")
        }
        return states
    }

    private func parseThermal(_ c: YAMLCursor, states: Int) throws -> ThermalSpec {
        try c.checkKeys(["resistance", "capacitance", "trips", "hysteresis", "shutdown"])
        let tripsC = try c.require("trips")
        try tripsC.checkKeys(["v", "src", "est"])
        let trips = try tripsC.require("v").list().map { try $0.quantity(.temperature) }
        let tripSource: ValueSource
        switch (try tripsC.optional("src"), try tripsC.optional("est")) {
        case (let s?, nil): let k = try s.nonEmptyString(); tripSource = .published(sources[k] ?? k)
        case (nil, let e?): tripSource = .estimate(try e.nonEmptyString())
        default: throw tripsC.error("needs exactly one of 'src' or 'est'")
        }
        for i in trips.indices.dropFirst() where trips[i] <= trips[i - 1] {
            throw tripsC.error("trip temperatures must ascend (\(trips[i]) after \(trips[i - 1]))")
        }
        guard trips.count <= states - 1 else {
            throw tripsC.error("\(trips.count) trips need \(trips.count + 1) DVFS states; the device has \(states)")
        }
        let shutdown = try c.require("shutdown").sourced(.temperature, sources: sources)
        if let last = trips.last, last >= shutdown.value {
            throw tripsC.error("trip \(last) °C is not below the shutdown temperature \(shutdown.value) °C")
        }
        let hysteresisC = try c.require("hysteresis")
        let hysteresis = try hysteresisC.quantity(.temperature)
        guard hysteresis >= 0 else { throw hysteresisC.error("must not be negative") }
        return ThermalSpec(resistance: try c.require("resistance").sourced(.thermalResistance, sources: sources),
                           capacitance: try c.require("capacitance").sourced(.heatCapacity, sources: sources),
                           trips: trips, tripSource: tripSource, hysteresis: hysteresis, shutdown: shutdown)
    }

    private func parseLifecycle(_ c: YAMLCursor) throws -> Lifecycle {
        try c.checkKeys(["status", "note"])
        let sc = try c.require("status")
        guard let status = Lifecycle.Status(rawValue: try sc.string()) else {
            throw sc.error("expected available, end-of-life, discontinued or announced")
        }
        return Lifecycle(status: status, note: try c.optional("note")?.string() ?? "")
    }
}
