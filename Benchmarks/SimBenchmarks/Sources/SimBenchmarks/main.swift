import EdgeIR
import EdgeSim
import EdgeZoo
import Foundation

// The TUI recomputes on every keypress, so issue 6 sets two goals: resnet50 on every catalog device
// ≤ 5 ms, and a 10-minute thermal trace at 30 fps ≤ 20 ms. Each case runs repeatedly for about a
// second; the table shows the median and p90 wall time, and the ratio to the peer in the same run:
// the IR's own cost analysis of resnet50 (`Graph.costReport`), which every simulation starts from.

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

struct Row { let name: String; let median: Double; let p90: Double; let runs: Int; let goal: Double? }

func measure(_ name: String, goal: Double? = nil, seconds: Double = 1.0, _ body: () throws -> Void) rethrows -> Row {
    try body()  // warm-up
    var samples: [Double] = []
    let start = now()
    while Double(now() - start) / 1e9 < seconds || samples.count < 5 {
        let t0 = now()
        try body()
        samples.append(Double(now() - t0) / 1e6)
    }
    samples.sort()
    return Row(name: name, median: samples[samples.count / 2], p90: samples[Int(Double(samples.count - 1) * 0.9)],
               runs: samples.count, goal: goal)
}

var sink = 0.0
let catalog = try DeviceCatalog.load()
let sim = Simulator(catalog: catalog)
let resnet = try Zoo.model("zoo:resnet50")
// SIMBENCH_PROFILE=1 loops the all-devices case for a profiler and exits.
if ProcessInfo.processInfo.environment["SIMBENCH_PROFILE"] != nil {
    let w = try Workload(graph: resnet.graph)
    for _ in 0..<300 { for (_, r) in sim.simulateAll(w) { if case .success(let s) = r { sink += s.latency.value } } }
    print(sink)
    exit(0)
}
var rows: [Row] = []

let peer = try measure("peer: resnet50 cost analysis (Graph.costReport)") {
    sink += Double(try resnet.graph.costReport(bindings: ["N": 1]).total.macs)
}
rows.append(peer)
let workload = try Workload(graph: resnet.graph, name: "resnet50")
rows.append(try measure("prepare resnet50 workload (cost report + layer table)") {
    sink += try Workload(graph: resnet.graph).totalMACs
})
rows.append(measure("simulate resnet50 on all \(catalog.devices.count) devices (prepared workload)", goal: 5) {
    for (_, r) in sim.simulateAll(workload) { if case .success(let s) = r { sink += s.latency.value } }
})
rows.append(try measure("prepare + simulate resnet50 on all devices", goal: nil) {
    let w = try Workload(graph: resnet.graph)
    for (_, r) in sim.simulateAll(w) { if case .success(let s) = r { sink += s.latency.value } }
})
let rpi = try catalog.require("rpi5")
let states = try sim.thermalStates(workload, device: rpi)
rows.append(try measure("thermal trace: 10 min at 30 fps (18,000 frames), rpi5", goal: 20) {
    let t = try ThermalSimulation.run(ThermalScenario(fps: 30, duration: 600, ambient: 25), states: states,
                                      idlePower: rpi.power.idle.value, thermal: rpi.thermal)
    sink += t.finalTemperature
})
rows.append(try measure("thermal states + trace (10 min at 30 fps), rpi5") {
    sink += try sim.sustained(workload, device: rpi, scenario: ThermalScenario(fps: 30, duration: 600)).finalTemperature
})
rows.append(try measure("load the built-in device catalog (YAML)", seconds: 2) {
    sink += Double(try DeviceCatalog.load().devices.count)
})
let llm = try LLMModels.workloads(reference: "zoo:llama-3.2-1b", prompt: 128, context: 1024)
rows.append(try measure("llama-3.2-1b prefill + decode on jetson-orin-nano-super") {
    sink += try sim.simulateLLM(prefill: llm.prefill, decode: llm.decode, promptTokens: 128, context: 1024,
                                device: catalog.require("jetson-orin-nano-super")).decodeTokensPerSecond.value
})

func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
print("host: \(ProcessInfo.processInfo.activeProcessorCount) cores; times in ms (median of repeated runs)")
print(pad("case", 72) + lpad("median", 10) + lpad("p90", 10) + lpad("runs", 7) + lpad("× peer", 9) + lpad("goal", 8))
for r in rows {
    let ratio = String(format: "%.2f", r.median / peer.median)
    let goal = r.goal.map { String(format: "%.0f %@", $0, r.median <= $0 ? "✓" : "✗") } ?? ""
    print(pad(r.name, 72) + lpad(String(format: "%.3f", r.median), 10) + lpad(String(format: "%.3f", r.p90), 10)
          + lpad(String(r.runs), 7) + lpad(ratio, 9) + lpad(goal, 8))
}
if sink == -1 { print(sink) }
