import Foundation

/// Measures this machine (`host` device) with two short micro-benchmarks: single-core fp32 GEMM
/// throughput and streaming read bandwidth. Together they take well under 200 ms; the result is
/// cached per machine in `~/.cache/edgewise/host-profile.json` (or `$EDGEWISE_CACHE`).
public struct HostProbe: Sendable, Codable, Hashable {
    /// fp32 FLOP/s of one core on a cache-resident GEMM.
    public var gemmFlopsPerCore: Double
    /// Bytes/s of one core streaming through a buffer larger than the last-level cache.
    public var readBandwidth: Double
    public var cores: Int
    public var memoryBytes: Double
    public var cpuModel: String
    /// `debug` or `release`: an unoptimised build measures a much slower GEMM, so caches are per build.
    public var build: String
    /// Version of the probe's kernels; a cache written by another version is measured again.
    public var probe: Int? = HostProbe.probeVersion

    /// 2: the GEMM multiplies and adds instead of `addingProduct`, which without FMA in the target
    /// is a `fmaf` call per lane and measured ~70× too slow (0.2 instead of ~13 GFLOP/s here).
    static let probeVersion = 2

    /// A nanosecond monotonic clock; injectable so tests can check the arithmetic.
    public typealias Clock = @Sendable () -> UInt64

    public static let systemClock: Clock = { DispatchTime.now().uptimeNanoseconds }

    static var buildKind: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    /// Runs the micro-benchmarks.
    /// - Parameters:
    ///   - gemmSize: matrix size n of the n×n×n GEMM (2n³ FLOPs per run).
    ///   - bufferBytes: bytes streamed by the bandwidth probe.
    public static func measure(clock: Clock = systemClock, gemmSize: Int = 192, bufferBytes: Int = 48 << 20) -> HostProbe {
        let flops = measureGEMM(n: gemmSize, clock: clock)
        let bw = measureBandwidth(bytes: bufferBytes, clock: clock)
        return HostProbe(gemmFlopsPerCore: flops, readBandwidth: bw, cores: ProcessInfo.processInfo.activeProcessorCount,
                         memoryBytes: Double(ProcessInfo.processInfo.physicalMemory), cpuModel: cpuModelName(), build: buildKind)
    }

    /// Best of three n×n×n fp32 GEMMs (i-k-j order, 8-wide SIMD accumulation over j).
    static func measureGEMM(n: Int, clock: Clock) -> Double {
        let a = [Float](repeating: 0.5, count: n * n)
        let b = [Float](repeating: 0.25, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        var best = UInt64.max
        for _ in 0..<3 {
            let t0 = clock()
            gemm(a, b, &c, n)
            let dt = clock() &- t0
            best = min(best, max(dt, 1))
        }
        // Keep the result observable so the optimiser cannot drop the work.
        if c[0] == -1 { print("") }
        return 2 * Double(n) * Double(n) * Double(n) / (Double(best) * 1e-9)
    }

    static func gemm(_ a: [Float], _ b: [Float], _ c: inout [Float], _ n: Int) {
        let lanes = 8
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<n {
                        var j = 0
                        while j + lanes <= n {
                            var acc = SIMD8<Float>(repeating: 0)
                            // Multiply and add, not `addingProduct`: the baseline x86-64 target has no FMA,
                            // where `addingProduct` becomes an `fmaf` call per lane (~70× slower).
                            for k in 0..<n {
                                let av = SIMD8<Float>(repeating: pa[i * n + k])
                                let bv = UnsafeRawPointer(pb.baseAddress! + (k * n + j)).loadUnaligned(as: SIMD8<Float>.self)
                                acc = acc + av * bv
                            }
                            UnsafeMutableRawPointer(pc.baseAddress! + (i * n + j)).storeBytes(of: acc, as: SIMD8<Float>.self)
                            j += lanes
                        }
                        while j < n {
                            var s: Float = 0
                            for k in 0..<n { s += pa[i * n + k] * pb[k * n + j] }
                            pc[i * n + j] = s
                            j += 1
                        }
                    }
                }
            }
        }
    }

    /// Best of two passes summing a buffer of `bytes` (after one pass that faults the pages in).
    static func measureBandwidth(bytes: Int, clock: Clock) -> Double {
        let count = max(bytes / MemoryLayout<SIMD8<Float>>.stride, 1)
        var buffer = [SIMD8<Float>](repeating: SIMD8(repeating: 1), count: count)
        var best = UInt64.max
        var total = SIMD8<Float>(repeating: 0)
        for pass in 0..<3 {
            let t0 = clock()
            buffer.withUnsafeBufferPointer { p in
                var s0 = SIMD8<Float>(repeating: 0), s1 = s0, s2 = s0, s3 = s0
                var i = 0
                while i + 4 <= p.count {
                    s0 += p[i]; s1 += p[i + 1]; s2 += p[i + 2]; s3 += p[i + 3]
                    i += 4
                }
                total += s0 + s1 + s2 + s3
            }
            let dt = clock() &- t0
            if pass > 0 { best = min(best, max(dt, 1)) }
        }
        if total[0] == -1 { buffer[0] = total }
        return Double(count * MemoryLayout<SIMD8<Float>>.stride) / (Double(best) * 1e-9)
    }

    static func cpuModelName() -> String {
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let name = line.split(separator: ":", maxSplits: 1).last {
            return name.trimmingCharacters(in: .whitespaces)
        }
        return "unknown CPU"
    }

    static var cacheURL: URL {
        let base = ProcessInfo.processInfo.environment["EDGEWISE_CACHE"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/edgewise")
        return base.appendingPathComponent("host-profile.json")
    }

    /// The cached profile for this machine and build, or a fresh measurement (then cached).
    public static func cachedOrMeasured() -> HostProbe {
        let url = cacheURL
        let model = cpuModelName(), cores = ProcessInfo.processInfo.activeProcessorCount
        if let data = try? Data(contentsOf: url), let p = try? JSONDecoder().decode(HostProbe.self, from: data),
           p.cpuModel == model, p.cores == cores, p.build == buildKind, p.probe == probeVersion {
            return p
        }
        let p = measure()
        if let data = try? JSONEncoder().encode(p) {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            // Atomic: a half-written cache would only be re-measured, but never leave one behind.
            try? data.write(to: url, options: .atomic)
        }
        return p
    }

    /// The `host` device built from this measurement.
    public func device() -> Device {
        let m = "host micro-benchmark (\(build) build)"
        let flops = gemmFlopsPerCore * Double(cores)
        let cpu = ComputeUnit(
            id: "cpu", name: "\(cpuModel) (\(cores) cores)", kind: .cpu, unitClass: "host-cpu", group: nil,
            peak: [.fp32: Sourced(flops, .measured("\(m): \(Units.short(gemmFlopsPerCore / 1e9)) GFLOP/s per core × \(cores)")),
                   .int8: Sourced(2 * flops, .estimate("twice the measured fp32 GEMM rate (int8 dot products)")),
                   .fp16: Sourced(flops, .estimate("fp16 computed at the fp32 rate"))],
            promote: [.int4: .int8], memoryBandwidth: nil, weightMemory: nil,
            localMemory: .estimate(32e6, "last-level cache of a server CPU"), opLimits: [:], weightOverflow: .stream, link: nil,
            ops: .all, dataflow: false, activePower: .estimate(10 * Double(cores), "~10 W per busy core"),
            notes: ["peak is a measured GEMM rate, so the fitted efficiency of host-cpu is relative to achieved GEMM, not to the datasheet"])
        return Device(
            id: "host", name: "This machine (\(cpuModel))", family: "host",
            summary: "Measured at start-up: \(Units.short(gemmFlopsPerCore / 1e9)) GFLOP/s fp32 per core, \(Units.short(readBandwidth / 1e9)) GB/s streaming read.",
            units: [cpu], links: [],
            runtimes: [Runtime(id: "edgewise", name: "Edgewise engine (CPU)", runtimeClass: "edgewise-engine", unit: "cpu",
                               fallback: nil, partition: .perLayer, precisions: ["fp32", "int8"], fusesActivations: true, speedPrior: nil,
                               note: "everything runs on the CPU")],
            memory: MemorySpec(ram: Sourced(memoryBytes, .measured("physical memory")),
                               bandwidth: Sourced(readBandwidth, .measured(m)),
                               flash: nil, runtimeOverhead: .estimate(200e6, "process and runtime")),
            power: PowerSpec(idle: .estimate(20, "server/desktop idle share")),
            dvfs: [DVFSState(name: "nominal", clockScale: 1, powerScale: 1, source: .measured(m))],
            thermal: ThermalSpec(resistance: .estimate(0.3, "server heatsink"), capacitance: .estimate(500, "heatsink"),
                                 trips: [], tripSource: .estimate("no throttling modelled"), hysteresis: 0,
                                 shutdown: .estimate(100, "typical CPU Tj max")),
            lifecycle: Lifecycle(status: .available, note: "the machine running Edgewise"), definedIn: "(measured)")
    }
}
