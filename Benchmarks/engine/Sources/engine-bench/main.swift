import EdgeEngine
import EdgeImport
import EdgeIR
import Foundation

/// engine-bench MODEL [--input name=file.npy]… [--runs N] [--warmup N] [--reference] [--outputs DIR] [--paired OTHER]
///
/// Prints one JSON line: median / p10 / p90 latency of `ExecutionPlan.run` in milliseconds (measured,
/// on this host), plan compile time, and the kernel ISA; with --outputs, writes each output as .npy.
/// With --paired, OTHER (same inputs) runs in turn with MODEL, blocks of 20 runs each, and the line adds
/// OTHER's median and the median over block pairs of MODEL's block median / OTHER's: a host whose speed
/// drifts over seconds (a busy neighbour on a shared machine) moves both blocks of a pair alike, so the
/// ratio holds where two separate medians taken seconds apart do not. --paired-threads N pairs MODEL
/// with itself planned for N threads (MODEL's own plan keeps --threads / EDGEWISE_THREADS).
protocol ClosureKernelMarker {}
var args = Array(CommandLine.arguments.dropFirst())
if args.first == "--gguf" {
    decodeBenchmark(Array(args.dropFirst()))
    exit(0)
}
guard let modelPath = args.first else {
    FileHandle.standardError.write(Data("usage: engine-bench MODEL [--input name=file.npy]… [--runs N] [--warmup N] [--reference] [--outputs DIR]\n".utf8))
    exit(2)
}
args.removeFirst()
var inputs: [String: HostTensor] = [:]
var runs = 50, warmup = 5, reference = false, outputsDir: String?, profileTop = 0, pairedPath: String?, pairedThreads: Int?
var threads = IntraOp.environmentThreads()
var i = 0
func fail(_ message: String) -> Never {
    let json = (try? JSONSerialization.data(withJSONObject: ["error": message])).flatMap { String(data: $0, encoding: .utf8) }
    print(json ?? "{\"error\": \"?\"}")
    exit(1)
}
while i < args.count {
    switch args[i] {
    case "--input":
        let spec = args[i + 1].split(separator: "=", maxSplits: 1).map(String.init)
        do { inputs[spec[0]] = try NPY.read(spec[1]) } catch { fail("\(error)") }
        i += 2
    case "--runs": runs = Int(args[i + 1]) ?? runs; i += 2
    case "--warmup": warmup = Int(args[i + 1]) ?? warmup; i += 2
    case "--reference": reference = true; i += 1
    case "--threads": threads = Int(args[i + 1]) ?? threads; i += 2
    case "--profile": profileTop = Int(args[i + 1]) ?? 10; i += 2
    case "--outputs": outputsDir = args[i + 1]; i += 2
    case "--paired": pairedPath = args[i + 1]; i += 2
    case "--paired-threads": pairedThreads = Int(args[i + 1]); i += 2
    default: fail("unknown argument \(args[i])")
    }
}

if pairedPath != nil && pairedThreads != nil { fail("--paired and --paired-threads pair MODEL with one other plan; give one") }

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

do {
    let model = try ModelLoader.load(path: modelPath)
    let t0 = now()
    let plan = try ExecutionPlan(model: model, inputShapes: inputs.mapValues(\.shape),
                                 options: EngineOptions(forceReference: reference, threads: threads))
    let compile = now() - t0
    let other: ExecutionPlan?
    if let path = pairedPath {
        other = try ExecutionPlan(model: try ModelLoader.load(path: path), inputShapes: inputs.mapValues(\.shape),
                                  options: EngineOptions(forceReference: reference, threads: threads))
    } else if let n = pairedThreads {
        other = try ExecutionPlan(model: model, inputShapes: inputs.mapValues(\.shape),
                                  options: EngineOptions(forceReference: reference, threads: n))
    } else {
        other = nil
    }
    var outputs: [String: HostTensor] = [:]
    for _ in 0..<warmup {
        outputs = try plan.run(inputs)
        _ = try other?.run(inputs)
    }
    func mid(_ v: [Double]) -> Double { v.isEmpty ? 0 : v.sorted()[v.count / 2] }
    var times: [Double] = [], otherTimes: [Double] = [], ratios: [Double] = []
    // Paired: blocks of `block` runs of each model in turn (one run each in turn would measure both with
    // caches the other model had just filled); a ratio per pair of blocks, of their medians.
    let block = other == nil ? runs : 20
    var done = 0
    while done < runs {
        let n = min(block, runs - done)
        var mine: [Double] = [], theirs: [Double] = []
        for _ in 0..<n {
            let s = now()
            outputs = try plan.run(inputs)
            mine.append((now() - s) * 1e3)
        }
        if let other {
            for _ in 0..<n {
                let s = now()
                _ = try other.run(inputs)
                theirs.append((now() - s) * 1e3)
            }
            ratios.append(mid(mine) / mid(theirs))
        }
        times += mine
        otherTimes += theirs
        done += n
    }
    times.sort()
    let paired = other == nil ? "" : ", \"paired_median_ms\": \(mid(otherTimes)), \"paired_ratio\": \(mid(ratios))"
    func q(_ f: Double) -> Double { times.isEmpty ? 0 : times[min(times.count - 1, Int(f * Double(times.count)))] }
    if let dir = outputsDir {
        for (k, o) in model.graph.outputs.enumerated() {
            if let t = outputs[o.name] { try NPY.write(t, to: "\(dir)/output_\(k).npy") }
        }
    }
    if profileTop > 0 {
        // Per-op time over a few profiled runs, to stderr (not part of the JSON line).
        let (plan, inputs) = plan.executing(inputs)
        let profile = StepProfile(steps: plan.steps.count)
        for _ in 0..<max(1, runs / 5) { _ = try plan.run(inputs, profile: profile) }
        var byOp: [String: (ns: UInt64, count: Int)] = [:]
        for (k, step) in plan.steps.enumerated() {
            var key = "\(step.node.op.rawValue)\(step.kernel.map { $0 is ClosureKernelMarker ? "" : " [\(type(of: $0))]" } ?? "")"
            // ENGINE_BENCH_BY_NODE=1: one line per node (its name and kernel shape) instead of per op.
            if ProcessInfo.processInfo.environment["ENGINE_BENCH_BY_NODE"] != nil {
                key += " \(step.node.name) k=\(step.node.ints("kernel_shape") ?? []) s=\(step.node.ints("strides") ?? [])"
            }
            byOp[key, default: (0, 0)].ns += profile.nanoseconds[k]
            byOp[key, default: (0, 0)].count += 1
        }
        let total = Double(byOp.values.reduce(0) { $0 + $1.ns })
        for (op, v) in byOp.sorted(by: { $0.value.ns > $1.value.ns }).prefix(profileTop) {
            FileHandle.standardError.write(Data(String(format: "%6.1f%%  %8.3f ms  %4d× %@\n", Double(v.ns) / total * 100,
                                                        Double(v.ns) / 1e6 / Double(profile.runs), v.count, op).utf8))
        }
    }
    print("{\"median_ms\": \(q(0.5)), \"p10_ms\": \(q(0.1)), \"p90_ms\": \(q(0.9)), \"compile_s\": \(compile), \"isa\": \"\(KernelISA.selected)\", \"steps\": \(plan.steps.count), \"threads\": \(threads)\(paired)}")
} catch {
    fail("\(error)")
}
