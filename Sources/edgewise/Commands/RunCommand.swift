import ArgumentParser
import EdgeEngine
import EdgeIR
import Foundation

/// `edgewise run MODEL --input name=FILE …`: runs a model once on the host CPU and writes its outputs.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model once on this host's CPU; write each output as .npy and print a summary.",
        discussion: """
            Inputs: .npy (used as is), PNG or JPEG (resized to the input's height and width, then (pixel/255 − mean)/std; \
            NCHW or NHWC after the model's input), WAV (mono float32 [1, samples]), or a number for a small \
            input (sr=16000). NaN or Inf in inputs or outputs is \
            flagged in the summary.
            """)

    @Argument(help: "A model file (ONNX, TFLite).")
    var model: String

    @Option(name: .customLong("input"), help: "NAME=FILE for each model input (repeatable).")
    var inputs: [String] = []

    @Option(help: "Directory for the output .npy files.")
    var outputDir: String = "."

    @Option(help: "Image resize method: bilinear or nearest.")
    var resize: String = "bilinear"

    @Option(help: "Per-channel mean subtracted from pixel/255 (one value or R,G,B).")
    var mean: String = "0"

    @Option(help: "Per-channel divisor after the mean (one value or R,G,B).")
    var std: String = "1"

    @Option(help: "How many top classes to list for classifier outputs.")
    var top: Int = 5

    @Flag(help: "Use only the reference kernels.")
    var reference = false

    @Option(help: "Threads for the optimized Conv/Gemm/MatMul kernels (default: EDGEWISE_THREADS, else 1).")
    var threads: Int?

    func validate() throws {
        guard (threads ?? 1) >= 1 else { throw CLIError("--threads must be ≥ 1") }
        guard ImagePreprocess.Method(rawValue: resize) != nil else { throw CLIError("--resize must be bilinear or nearest") }
        guard top >= 0 else { throw CLIError("--top must be ≥ 0") }
    }

    func run() throws {
        let m = try ModelReference.load(model)
        var loader = InputFiles()
        loader.method = ImagePreprocess.Method(rawValue: resize) ?? .bilinear
        loader.mean = try InputFiles.floats(mean, "--mean")
        loader.std = try InputFiles.floats(std, "--std")
        let feeds = try loader.tensors(inputs, model: m)
        for i in m.graph.inputs {
            if let t = feeds[i.name], t.dtype != i.type.dtype {
                throw CLIError("input '\(i.name)': the model takes \(i.type.dtype.rawValue)\(i.type.shape), the file holds \(t.dtype.rawValue)\(t.shape)")
            }
        }
        do {
            let plan = try ExecutionPlan(model: m, inputShapes: feeds.mapValues(\.shape), options: EngineOptions(forceReference: reference, threads: threads ?? IntraOp.environmentThreads()))
            for (name, t) in feeds.sorted(by: { $0.key < $1.key }) {
                let s = TensorSummary(t)
                print("input  \(name) \(t.dtype.rawValue)\(t.shape)  \(s.text)")
            }
            let start = monotonicNow()
            let out = try plan.run(feeds)
            let elapsed = monotonicNow() - start
            try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
            var flagged = false
            for name in plan.outputNames {
                guard let t = out[name] else { continue }
                let file = (outputDir as NSString).appendingPathComponent(Self.fileName(name) + ".npy")
                try NPY.write(t, path: file)
                let s = TensorSummary(t)
                flagged = flagged || s.nonFinite > 0
                print("output \(name) \(t.dtype.rawValue)\(t.shape)  \(s.text)  → \(file)")
                if top > 0, let best = TensorSummary.top(t, k: top) {
                    print("  top-\(best.count): " + best.map { "#\($0.index) \(String(format: "%.4g", $0.value))" }.joined(separator: ", "))
                }
            }
            print(String(format: "ran in %.3f ms (measured, on this host; one run, includes no compilation)", elapsed * 1000))
            if flagged || feeds.values.contains(where: { TensorSummary($0).nonFinite > 0 }) {
                print("warning: NaN or Inf present (propagated from the inputs or produced by the model)")
            }
        } catch let e as EngineError {
            throw CLIError("\(model): \(e.description)")
        } catch let e as NPY.Failure {
            throw CLIError(e.description)
        }
    }

    /// A file name for an output value (path separators and odd characters replaced).
    static func fileName(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." ? $0 : "_" })
    }
}

/// Seconds on a monotonic clock.
func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
