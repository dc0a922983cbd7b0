import ArgumentParser
import EdgeEngine
import EdgeIR
import Foundation

/// `edgewise bench MODEL`: host latency distribution, jitter, throughput and the slowest layers.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure a model's latency on this host's CPU (p50/p90/p99, jitter, throughput, slowest layers).",
        discussion: """
            Inputs are synthetic unless given: floats uniform in [−1, 1) from a fixed seed, integers 0. \
            Symbolic dimensions are 1 unless --shape sets them. Every figure is measured, on this host.
            """)

    @Argument(help: "A model file (ONNX, TFLite).")
    var model: String

    @Option(help: "Threads for the optimized Conv/Gemm/MatMul kernels (default: EDGEWISE_THREADS, else 1; at most the cores; small ops and the reference kernels run on one).")
    var threads: Int?

    @Option(help: "Timed runs.")
    var runs: Int = 50

    @Option(help: "Untimed warm-up runs.")
    var warmup: Int = 5

    @Option(name: .customLong("input"), help: "NAME=FILE for an input instead of synthetic data (repeatable).")
    var inputs: [String] = []

    @Option(name: .customLong("shape"), help: "NAME=D1,D2,… shape for a synthetic input (repeatable).")
    var shapes: [String] = []

    @Option(help: "How many of the slowest layers to list.")
    var top: Int = 10

    @Flag(help: "Use only the reference kernels.")
    var reference = false

    @Flag(help: "Emit JSON instead of text.")
    var json = false

    func validate() throws {
        guard runs >= 1, runs <= 1_000_000 else { throw CLIError("--runs must be in 1…1000000") }
        guard warmup >= 0 else { throw CLIError("--warmup must be ≥ 0") }
        guard (threads ?? 1) >= 1 else { throw CLIError("--threads must be ≥ 1") }
        guard top >= 0 else { throw CLIError("--top must be ≥ 0") }
    }

    /// --threads, else EDGEWISE_THREADS, else 1.
    var requestedThreads: Int { threads ?? IntraOp.environmentThreads() }

    func syntheticInputs(_ m: Model) throws -> [String: HostTensor] {
        var given: [String: [Int]] = [:]
        for s in shapes {
            let kv = s.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { throw CLIError("bad --shape '\(s)'; expected NAME=D1,D2,…") }
            let dims = kv[1].split(separator: ",").compactMap { Int($0) }
            guard !dims.isEmpty || kv[1].isEmpty, dims.allSatisfy({ $0 >= 0 }) else { throw CLIError("bad --shape '\(s)'") }
            given[String(kv[0])] = dims
        }
        var feeds = try InputFiles().tensors(inputs, model: m, allowMissing: true)
        var state: UInt64 = 0x2545F4914F6CDD1D
        for i in m.graph.inputs where feeds[i.name] == nil {
            let shape = given[i.name] ?? i.type.shape.dims.map { $0.value ?? 1 }
            let t = HostTensor(dtype: i.type.dtype, shape: shape)
            if i.type.dtype == .float32 {
                for k in 0..<t.elementCount {
                    state ^= state << 13; state ^= state >> 7; state ^= state << 17
                    t.ref.f32()[k] = Float(state >> 40) / Float(1 << 23) - 1
                }
            }
            feeds[i.name] = t
        }
        return feeds
    }

    /// When the plan fails on synthetic inputs whose symbolic dimensions were set to 1, the likely cause
    /// (a PP-OCR classifier's width of 1 pooled by 2), and the flag that fixes it, naming each such input.
    func symbolicHint(_ m: Model) -> String {
        let given = Set(shapes.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        let fromFiles = Set(inputs.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        let defaulted = m.graph.inputs.filter { i in
            !given.contains(i.name) && !fromFiles.contains(i.name) && i.type.shape.dims.contains { $0.value == nil }
        }
        guard !defaulted.isEmpty else { return "" }
        let list = defaulted.map { i in
            "'\(i.name)' [\(i.type.shape.dims.map { $0.value.map(String.init) ?? "?" }.joined(separator: ", "))]"
        }
        return " (symbolic dimensions set to 1 in \(list.joined(separator: ", ")); give the shape with --shape NAME=D1,D2,…)"
    }

    func run() throws {
        let m = try ModelReference.load(model)
        let feeds = try syntheticInputs(m)
        let generic: ExecutionPlan
        let compileStart = monotonicNow()
        do {
            generic = try ExecutionPlan(model: m, inputShapes: feeds.mapValues(\.shape),
                                     options: EngineOptions(forceReference: reference, threads: requestedThreads))
        } catch let e as EngineError {
            throw CLIError("\(model): \(e.description)\(symbolicHint(m))")
        } catch let e as IRError {
            throw CLIError("\(model): \(e)\(symbolicHint(m))")   // shape inference on the given shapes
        }
        let compileSeconds = monotonicNow() - compileStart
        // Time and profile the plan these inputs run (specialised for scalar control inputs, if any).
        let (plan, planFeeds) = generic.executing(feeds)
        do {
            for _ in 0..<warmup { _ = try plan.run(planFeeds) }
            let profile = StepProfile(steps: plan.steps.count)
            var times: [Double] = []
            times.reserveCapacity(runs)
            for _ in 0..<runs {
                let t0 = monotonicNow()
                _ = try plan.run(planFeeds, profile: profile)
                times.append(monotonicNow() - t0)
            }
            let report = BenchReport(model: model, plan: plan, times: times, profile: profile, compileSeconds: compileSeconds,
                                     threadsRequested: requestedThreads, reference: reference, top: top)
            if json {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try enc.encode(report))
                print()
            } else {
                print(report.text)
            }
        } catch let e as EngineError { throw CLIError("\(model): \(e.description)") }
    }
}

/// The measured figures of a benchmark run (`edgewise bench --json` emits this).
struct BenchReport: Encodable {
    struct Layer: Encodable {
        let node: String
        let op: String
        let meanMilliseconds: Double
        let share: Double
    }

    let label = "measured, on this host"
    let host: String
    let model: String
    let runs: Int
    let threadsRequested: Int
    let threadsUsed: Int
    let compileMilliseconds: Double
    let p50Milliseconds: Double
    let p90Milliseconds: Double
    let p99Milliseconds: Double
    let meanMilliseconds: Double
    let stddevMilliseconds: Double
    let throughputPerSecond: Double
    let arenaBytes: Int
    let constantBytes: Int
    let steps: Int
    let dynamicSteps: Int
    let topLayers: [Layer]

    init(model: String, plan: ExecutionPlan, times: [Double], profile: StepProfile, compileSeconds: Double,
         threadsRequested: Int, reference: Bool, top: Int) {
        let ms = times.map { $0 * 1000 }.sorted()
        func pct(_ p: Double) -> Double { ms[Swift.min(ms.count - 1, Int((p * Double(ms.count - 1)).rounded()))] }
        let mean = ms.reduce(0, +) / Double(ms.count)
        host = Self.cpuName()
        self.model = model
        runs = ms.count
        self.threadsRequested = threadsRequested
        threadsUsed = reference ? 1 : Swift.max(1, Swift.min(threadsRequested, ProcessInfo.processInfo.activeProcessorCount))
        compileMilliseconds = compileSeconds * 1000
        p50Milliseconds = pct(0.5); p90Milliseconds = pct(0.9); p99Milliseconds = pct(0.99)
        meanMilliseconds = mean
        stddevMilliseconds = (ms.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ms.count)).squareRoot()
        throughputPerSecond = 1000 / mean
        arenaBytes = plan.report.arenaBytes
        constantBytes = plan.report.constantBytes
        steps = plan.report.steps
        dynamicSteps = plan.report.dynamicSteps
        let total = Double(profile.nanoseconds.reduce(0, +))
        topLayers = profile.nanoseconds.enumerated().sorted { $0.element > $1.element }.prefix(top).map { i, ns in
            Layer(node: plan.steps[i].node.name, op: plan.steps[i].node.op.rawValue,
                  meanMilliseconds: Double(ns) / 1e6 / Double(Swift.max(profile.runs, 1)), share: total > 0 ? Double(ns) / total : 0)
        }
    }

    static func cpuName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown CPU" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces) + ", \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }

    var text: String {
        var out = ["\(model) — \(label) (\(host))"]
        out.append(String(format: "latency  p50 %.3f ms   p90 %.3f ms   p99 %.3f ms   mean %.3f ms", p50Milliseconds, p90Milliseconds, p99Milliseconds, meanMilliseconds))
        out.append(String(format: "jitter   stddev %.3f ms   throughput %.1f runs/s   (%d runs)", stddevMilliseconds, throughputPerSecond, runs))
        out.append("threads  requested \(threadsRequested), used up to \(threadsUsed) (optimized Conv/Gemm/MatMul of ≥ 2¹⁸ multiply-adds split when measured faster, per node and for the whole run; other kernels run on one)")
        out.append(String(format: "plan     %d steps (%d dynamic), arena %@, constants %@, compiled in %.1f ms", steps, dynamicSteps,
                          Format.bytes(arenaBytes), Format.bytes(constantBytes), compileMilliseconds))
        if !topLayers.isEmpty {
            out.append("slowest layers (mean per run):")
            for l in topLayers {
                out.append(String(format: "  %8.3f ms  %5.1f%%  %@  %@", l.meanMilliseconds, l.share * 100, l.op.padding(toLength: 18, withPad: " ", startingAt: 0), l.node))
            }
        }
        return out.joined(separator: "\n")
    }
}
