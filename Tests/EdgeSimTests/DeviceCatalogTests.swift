import Foundation
import Testing
@testable import EdgeSim

/// The built-in catalog loads and carries provenance for every number; user files add, replace and
/// amend devices; bad files fail with file, line and key.
@Suite struct DeviceCatalogTests {
    /// A minimal valid device, used as the base of the bad-file cases (line numbers below count from 1).
    static let valid = """
        devices:
          - id: toy
            name: Toy board
            family: toy
            lifecycle: {status: available}
            memory:
              ram: {v: 1 GB, est: test}
              bandwidth: {v: 10 GB/s, est: test}
              overhead: {v: 0 B, est: test}
            power:
              idle: {v: 1 W, est: test}
            units:
              - id: cpu
                kind: cpu
                class: toy-cpu
                peak: {fp32: {v: 10 GFLOPS, est: test}}
                power: {v: 2 W, est: test}
            runtimes:
              - {id: rt, class: toy-rt, unit: cpu}
            dvfs:
              - {name: fast, clock: 1, power: 1, est: test}
              - {name: slow, clock: 0.5, power: 0.4, est: test}
            thermal:
              resistance: {v: 10 C/W, est: test}
              capacitance: {v: 5 J/C, est: test}
              trips: {v: [80], est: test}
              hysteresis: 5 C
              shutdown: {v: 100 C, est: test}
        """

    func parse(_ text: String, name: String = "user.yaml") throws -> DeviceCatalog {
        try DeviceCatalog.parse(files: [(name, text)])
    }

    func expectError(_ text: String, line: Int, key: String, contains: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try parse(text)
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let e as DeviceFileError {
            #expect(e.file == "user.yaml", sourceLocation: sourceLocation)
            #expect(e.line == line, "\(e)", sourceLocation: sourceLocation)
            #expect(e.key == key, "\(e)", sourceLocation: sourceLocation)
            #expect(e.problem.contains(contains), "\(e)", sourceLocation: sourceLocation)
            #expect(!e.description.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func builtInCatalogCoversTheIssueDevices() throws {
        let catalog = try DeviceCatalog.load()
        for id in ["jetson-agx-orin", "jetson-orin-nx-16gb", "jetson-orin-nano-super", "coral-usb", "coral-devboard", "coral-m2",
                   "ncs2", "iphone-14-pro", "iphone-15-pro", "mac-m1", "galaxy-s24", "galaxy-s25", "rb3-gen2", "rpi5", "rpi4",
                   "rpi5-hailo8l", "rpi5-hailo8", "hailo8-m2", "stm32l4r5", "stm32h7a3", "nrf5340", "esp32-s3", "alif-e3"] {
            #expect(catalog.device(id) != nil, "missing \(id)")
        }
        // The NCS2 is flagged end-of-life with the last OpenVINO release that supports it.
        let ncs = try #require(catalog.device("ncs2"))
        #expect(ncs.lifecycle.status == .endOfLife)
        #expect(ncs.lifecycle.note.contains("2022.3"))
        // The Edge TPU's 8 MB parameter memory and 4 TOPS come from their sources.
        let tpu = try #require(catalog.device("coral-usb")?.unit("tpu"))
        #expect(tpu.weightMemory?.value == 8e6)
        #expect(tpu.peak[.int8]?.value == 4e12)
        // 2 TOPS/W at 4 TOPS is 2 W.
        #expect(tpu.activePower.value == 2)
    }

    @Test func everyBuiltInNumberHasASourceOrIsAnEstimate() throws {
        let catalog = try DeviceCatalog.load()
        var unsourced: [String] = []
        func check(_ s: Sourced, _ what: String) { if case .user = s.source { unsourced.append(what) } }
        for d in catalog.devices {
            check(d.memory.ram, "\(d.id) ram"); check(d.memory.bandwidth, "\(d.id) bandwidth")
            check(d.memory.runtimeOverhead, "\(d.id) overhead"); check(d.power.idle, "\(d.id) idle")
            if let f = d.memory.flash { check(f, "\(d.id) flash") }
            check(d.thermal.resistance, "\(d.id) R"); check(d.thermal.capacitance, "\(d.id) C"); check(d.thermal.shutdown, "\(d.id) shutdown")
            for u in d.units {
                for (p, v) in u.peak { check(v, "\(d.id).\(u.id) peak \(p)") }
                check(u.activePower, "\(d.id).\(u.id) power")
                if let w = u.weightMemory { check(w, "\(d.id).\(u.id) weight memory") }
                if let l = u.localMemory { check(l, "\(d.id).\(u.id) local memory") }
            }
            for l in d.links { check(l.bandwidth, "\(d.id) link"); check(l.latency, "\(d.id) link latency") }
        }
        #expect(unsourced.isEmpty, "numbers without src/est: \(unsourced)")
    }

    @Test func validToyParses() throws {
        let d = try #require(try parse(Self.valid).device("toy"))
        #expect(d.memory.ram.value == 1e9)
        #expect(d.memory.bandwidth.value == 10e9)
        #expect(d.units[0].peak[.fp32]?.value == 10e9)
        #expect(d.dvfs.map(\.clockScale) == [1, 0.5])
        #expect(d.thermal.trips == [80])
        #expect(d.defaultRuntime.partition == .perLayer)
    }

    @Test func missingKeyNamesFileLineAndKey() {
        // Drop `family:` (line 4): reported at the device mapping's line (line 2, where `- id:` starts).
        let text = Self.valid.replacingOccurrences(of: "    family: toy\n", with: "")
        expectError(text, line: 2, key: "devices[0].family", contains: "missing required key")
    }

    @Test func negativeValueNamesItsLine() {
        // Line 8 holds the bandwidth.
        let text = Self.valid.replacingOccurrences(of: "{v: 10 GB/s, est: test}", with: "{v: -10 GB/s, est: test}")
        expectError(text, line: 8, key: "devices[0].memory.bandwidth", contains: "negative")
    }

    @Test func wrongUnitIsRejected() {
        let text = Self.valid.replacingOccurrences(of: "{v: 10 GB/s, est: test}", with: "{v: 10 MB, est: test}")
        expectError(text, line: 8, key: "devices[0].memory.bandwidth.v", contains: "is not a bandwidth value")
    }

    @Test func tripAboveShutdownIsInconsistent() {
        // trips on line 26; shutdown 100 °C.
        let text = Self.valid.replacingOccurrences(of: "trips: {v: [80], est: test}", with: "trips: {v: [120], est: test}")
        expectError(text, line: 26, key: "devices[0].thermal.trips", contains: "not below the shutdown temperature")
    }

    @Test func runtimeOnUnknownUnitIsInconsistent() {
        // The runtime line is 19.
        let text = Self.valid.replacingOccurrences(of: "unit: cpu}", with: "unit: gpu}")
        expectError(text, line: 19, key: "devices[0].runtimes[0].unit", contains: "no unit 'gpu'")
    }

    @Test func dvfsMustStepDown() {
        // Second state (line 22) faster than the first.
        let text = Self.valid.replacingOccurrences(of: "{name: slow, clock: 0.5", with: "{name: slow, clock: 1.5")
        expectError(text, line: 22, key: "devices[0].dvfs[1].clock", contains: "(0, 1]")
    }

    @Test func typoedKeyIsRejected() {
        let text = Self.valid.replacingOccurrences(of: "    summary", with: "").replacingOccurrences(of: "    family: toy", with: "    family: toy\n    famly: toy")
        expectError(text, line: 5, key: "devices[0].famly", contains: "unknown key")
    }

    @Test func missingProvenanceIsRejected() {
        let text = Self.valid.replacingOccurrences(of: "{v: 1 GB, est: test}", with: "{v: 1 GB}")
        expectError(text, line: 7, key: "devices[0].memory.ram", contains: "needs 'src'")
    }

    @Test func yamlSyntaxErrorNamesTheLine() {
        let text = Self.valid.replacingOccurrences(of: "name: Toy board", with: "name: [Toy board")
        do {
            _ = try parse(text)
            Issue.record("expected an error")
        } catch let e as DeviceFileError {
            #expect(e.file == "user.yaml")
            #expect(e.problem.hasPrefix("not valid YAML"))
            #expect(e.line >= 3)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func userFileExtendsAndReplaces() throws {
        let user = """
            devices:
              - id: toy-fast
                extends: toy
                name: Faster toy
                units:
                  - id: cpu
                    peak: {fp32: {v: 20 GFLOPS, est: overclocked}}
              - id: toy
                extends: toy
                memory:
                  ram: 2 GB
            """
        let c = try DeviceCatalog.parse(files: [("base.yaml", Self.valid), ("user.yaml", user)])
        let fast = try #require(c.device("toy-fast"))
        #expect(fast.units[0].peak[.fp32]?.value == 20e9)
        #expect(fast.units[0].unitClass == "toy-cpu")          // inherited
        #expect(fast.memory.ram.value == 1e9)
        let toy = try #require(c.device("toy"))
        #expect(toy.memory.ram.value == 2e9)                   // amended in place
        #expect(toy.memory.ram.source == .user("user.yaml"))   // a bare number is marked as user-supplied
        #expect(c.devices.map(\.id) == ["toy", "toy-fast"])
    }

    @Test func unknownDeviceSuggestsNearest() throws {
        let c = try DeviceCatalog.load()
        #expect(throws: SimError.unknownDevice("jetson-orin-nx", suggestion: "jetson-orin-nx-16gb")) { try c.require("jetson-orin-nx") }
        #expect(throws: SimError.unknownDevice("rpi6", suggestion: "rpi5")) { try c.require("rpi6") }
        #expect(SimError.unknownDevice("rpi6", suggestion: "rpi5").description == "unknown device 'rpi6'; did you mean 'rpi5'?")
    }
}

/// Numbers with units in device files.
@Suite struct QuantityTests {
    @Test func unitsScaleToSI() {
        #expect(Dimension.bytes.parse("8 MB") == 8e6)
        #expect(Dimension.bytes.parse("1 MiB") == 1_048_576)
        #expect(Dimension.bandwidth.parse("5 Gbit/s") == 625e6)        // 5e9 / 8
        #expect(Dimension.opsRate.parse("4 TOPS") == 4e12)
        #expect(Dimension.opsRate.parse("1 GMAC/s") == 2e9)             // 2 ops per MAC
        #expect(abs(Dimension.time.parse("50 us")! - 50e-6) < 1e-18)
        #expect(Dimension.power.parse("140 mW") == 0.14)
        #expect(Dimension.bytes.parse("12") == 12)
        #expect(Dimension.bytes.parse("8 GB/s") == nil)
        #expect(Dimension.bytes.parse("lots") == nil)
        #expect(Dimension.bytes.parse("nan") == nil)
    }
}
