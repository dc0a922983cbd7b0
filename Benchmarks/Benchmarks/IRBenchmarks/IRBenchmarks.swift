import Benchmark
import EdgeIR
import EdgeZoo

/// Issue 2's speed goals: building and analysing a catalog graph must fit well inside one TUI frame.
/// Goal: resnet50 and the Llama-3.2-1B decode graph, build + cost analysis, each under 5 ms.
let benchmarks: @Sendable () -> Void = {
    let config = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal], maxDuration: .seconds(3))
    for reference in ["zoo:resnet50", "zoo:llama-3.2-1b?phase=decode&context=2048"] {
        Benchmark("build+analyse \(reference)", configuration: config) { benchmark in
            for _ in benchmark.scaledIterations {
                let model = try Zoo.model(reference)
                let report = try model.graph.costReport(bindings: model.graph.inputSymbols.contains("N") ? ["N": 1] : [:])
                blackHole(report.total.macs)
            }
        }
    }
}
