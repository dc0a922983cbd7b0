import EdgeIR
import Testing
@testable import EdgeSim

/// The roofline, overheads, on-chip weight caching and batching, checked against hand arithmetic.
@Suite struct PlanTests {
    @Test func computeBoundConvByHand() throws {
        let d = try SimToy.device(partition: .perLayer)
        let sim = Simulator(catalog: DeviceCatalog(devices: [d]), parameters: SimToy.parameters)
        let w = try Workload(graph: SimToy.singleConv())
        let r = try sim.simulate(w, device: d, options: .init(runtime: "cpu-only"))
        // MACs: 32·32·32 outputs × 16·3·3 = 4,718,592 → 9,437,184 FLOPs at 10 GFLOPS × 0.5 = 1.8874368 ms.
        // Memory: weights 4,608 × 4 B + activations (16,384 + 32,768) × 4 B = 215,040 B at 10 GB/s = 21.504 µs.
        // Compute-bound: 1.8874368 ms + 1 µs overhead; + 100 µs fixed = 1.9884368 ms.
        let conv = try #require(r.layers.first)
        #expect(abs(conv.compute - 1.8874368e-3) < 1e-12)
        #expect(abs(conv.memory - 21.504e-6) < 1e-12)
        #expect(conv.bound == .compute)
        #expect(abs(r.latency.value - 1.9884368e-3) < 1e-12)
        // Energy: 1 W idle × 1.9884368 ms + 2 W × 1.8884368 ms busy = 5.7653104 mJ.
        #expect(abs(r.energy.joulesPerInference - 5.7653104e-3) < 1e-12)
    }

    @Test func batchScalesWorkButReadsWeightsOnce() throws {
        let d = try SimToy.device(partition: .perLayer)
        let sim = Simulator(catalog: DeviceCatalog(devices: [d]), parameters: SimToy.parameters)
        let w = try Workload(graph: SimToy.singleConv())
        let r = try sim.simulate(w, device: d, options: .init(batch: 4, runtime: "cpu-only"))
        // Compute ×4: 7.5497472 ms; memory: 18,432 B weights + 4 × 196,608 B activations = 804,864 B → 80.4864 µs.
        let conv = try #require(r.layers.first)
        #expect(abs(conv.compute - 4 * 1.8874368e-3) < 1e-12)
        #expect(abs(conv.memory - 80.4864e-6) < 1e-12)
        // Throughput: 4 samples / (7.5497472 + 0.001 + 0.1) ms.
        #expect(abs(r.throughput.value - 4 / 7.6507472e-3) < 1e-6)
    }

    @Test func streamsOverlapTheFixedOverheadButNotTheUnit() throws {
        let d = try SimToy.device(partition: .perLayer)
        let sim = Simulator(catalog: DeviceCatalog(devices: [d]), parameters: SimToy.parameters)
        let w = try Workload(graph: SimToy.singleConv())
        // One stream: 1 / 1.9884368 ms (computeBoundConvByHand) = 502.9075… inferences/s.
        let one = try sim.simulate(w, device: d, options: .init(runtime: "cpu-only"))
        #expect(abs(one.throughput.value - 1 / 1.9884368e-3) < 1e-6)
        // Four streams: the CPU is busy 1.8874368 ms + 1 µs per inference (the 100 µs fixed overhead
        // overlaps other streams), which exceeds latency / 4 = 0.4971092 ms, so 1 / 1.8884368 ms = 529.5393… /s.
        let four = try sim.simulate(w, device: d, options: .init(streams: 4, runtime: "cpu-only"))
        #expect(abs(four.throughput.value - 1 / 1.8884368e-3) < 1e-6)
        #expect(four.latency.value == one.latency.value)
    }

    @Test func weightsBeyondOnChipMemoryAreStreamed() throws {
        // Two 16→16 3×3 convs: 2,304 int8 weights each. On-chip memory 3,000 B: conv1 cached, conv2 has
        // 3,000 − 2,304 = 696 B cached and 1,608 B streamed over a 1 MB/s link = 1.608 ms, of which the
        // NPU prefetches during conv1's spare compute time: conv1 is 2·64·16·144 = 294,912 ops at
        // 1 TOPS × 0.5 = 0.589824 µs with no memory time, so conv2 waits 1.608 ms − 0.589824 µs.
        let d = try SimToy.device(partition: .perLayer, weightMemory: 3000, linkBandwidth: 1e6)
        var b = GraphBuilder(name: "two-convs")
        var y = b.input("x", .float32, Shape([1, 16, 8, 8]))
        for i in 1...2 {
            y = try b.apply(.conv, [y, b.weight("w\(i)", .float32, Shape([16, 16, 3, 3]))],
                            ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])], name: "conv\(i)")
        }
        b.output(y)
        let sim = Simulator(catalog: DeviceCatalog(devices: [d]), parameters: SimToy.parameters)
        let r = try sim.simulate(try Workload(graph: b.finish()), device: d)
        #expect(r.layers[0].memory == 0)
        #expect(abs(r.layers[1].memory - (1.608e-3 - 0.589824e-6)) < 1e-12)
        #expect(r.memory.streamedWeights == 1608)
        #expect(r.memory.onChipWeights == 3000)
    }

    @Test func slowerPowerStateScalesCompute() throws {
        let d = try SimToy.device(partition: .perLayer)
        let sim = Simulator(catalog: DeviceCatalog(devices: [d]), parameters: SimToy.parameters)
        let w = try Workload(graph: SimToy.singleConv())
        let r = try sim.simulate(w, device: d, options: .init(runtime: "cpu-only", powerState: "slow"))
        // Half clock: compute 3.7748736 ms, overhead 2 µs; + 100 µs fixed.
        #expect(abs(r.latency.value - (3.7748736e-3 + 2e-6 + 100e-6)) < 1e-12)
        #expect(throws: SimError.unknownDVFSState(device: "toy", state: "turbo", valid: ["fast", "slow"])) {
            try sim.simulate(w, device: d, options: .init(powerState: "turbo"))
        }
    }

    @Test func impossibleOptionsAreErrors() throws {
        let d = try SimToy.device(partition: .perLayer)
        let sim = Simulator(catalog: DeviceCatalog(devices: [d]), parameters: SimToy.parameters)
        let w = try Workload(graph: SimToy.singleConv())
        #expect(throws: SimError.invalidScenario("batch must be at least 1 (got 0)")) { try sim.simulate(w, device: d, options: .init(batch: 0)) }
        #expect(throws: SimError.unknownRuntime(device: "toy", runtime: "tensorrt", valid: ["rt", "cpu-only"])) {
            try sim.simulate(w, device: d, options: .init(runtime: "tensorrt"))
        }
    }
}
