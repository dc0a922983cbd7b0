import EdgeIR
@testable import EdgeSim

/// Small hand-made devices, graphs and parameters whose simulated numbers the tests work out by hand.
enum SimToy {
    /// A board with an accelerator (`npu`, int8 only, Conv and Relu only, on a link) and a CPU.
    static func device(partition: PartitionRule, weightMemory: Double? = nil, linkBandwidth: Double = 1e9) throws -> Device {
        let wm = weightMemory.map { "        weight_memory: {v: \(Int($0)) B, est: test}\n" } ?? ""
        let yaml = """
            devices:
              - id: toy
                name: Toy
                family: toy
                lifecycle: {status: available}
                memory:
                  ram: {v: 1 GB, est: test}
                  bandwidth: {v: 10 GB/s, est: test}
                  overhead: {v: 100 MB, est: test}
                power:
                  idle: {v: 1 W, est: test}
                units:
                  - id: npu
                    kind: npu
                    class: toy-npu
                    peak: {int8: {v: 1 TOPS, est: test}}
                    ops: [Conv, Relu]
                    link: bus
            \(wm)        power: {v: 2 W, est: test}
                  - id: cpu
                    kind: cpu
                    class: toy-cpu
                    peak: {fp32: {v: 10 GFLOPS, est: test}, int8: {v: 20 GOPS, est: test}}
                    power: {v: 2 W, est: test}
                links:
                  - {id: bus, bandwidth: {v: \(Int(linkBandwidth)) B/s, est: test}, latency: {v: 10 us, est: test}}
                runtimes:
                  - {id: rt, class: toy-rt, unit: npu, fallback: cpu, partition: \(partition.rawValue), precisions: [int8]}
                  - {id: cpu-only, class: toy-cpu-rt, unit: cpu, precisions: [fp32]}
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
        return try DeviceCatalog.parse(files: [("toy.yaml", yaml)]).require("toy")
    }

    /// Parameters with round values: efficiency 0.5 everywhere, full bandwidth and link rate,
    /// 1 µs per layer, 100 µs per inference, the whole on-chip memory usable.
    static var parameters: FittedParameters {
        var p = FittedParameters()
        func set(_ k: String, _ v: Double) { p.entries[k] = .init(value: v, prior: ParameterKey.prior(for: k, unitKind: nil), rows: 0) }
        for c in ["toy-npu", "toy-cpu"] {
            for d in ComputePrecision.allCases { set(ParameterKey.eff(c, d), 0.5) }
            for k in OpKind.allCases { set(ParameterKey.kind(c, k), 1) }
            set(ParameterKey.bandwidth(c), 1)
            set(ParameterKey.cache(c), 1)
        }
        for r in ["toy-rt", "toy-cpu-rt"] {
            set(ParameterKey.runtime(r), 1)
            set(ParameterKey.fixed(r), 100e-6)
            set(ParameterKey.sync(r), 0)
            for k in UnitKind.allCases { set(ParameterKey.opOverhead(r, k), 1e-6) }
        }
        set(ParameterKey.link("bus"), 1)
        return p
    }

    /// x[1,16,32,32] → Conv 3×3 (16→32, pad 1, no bias) → out.
    static func singleConv() throws -> Graph {
        var b = GraphBuilder(name: "single-conv")
        let x = b.input("x", .float32, Shape([1, 16, 32, 32]))
        let w = b.weight("w", .float32, Shape([32, 16, 3, 3]))
        let y = try b.apply(.conv, [x, w], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])], name: "conv")
        b.output(y)
        return try b.finish()
    }

    /// x[1,16,8,8] → conv1 (3×3) → Tanh → conv2 (3×3) → Relu → out: Tanh is the op the toy NPU lacks.
    static func convTanhConv() throws -> Graph {
        var b = GraphBuilder(name: "conv-tanh-conv")
        let x = b.input("x", .float32, Shape([1, 16, 8, 8]))
        var y = try b.apply(.conv, [x, b.weight("w1", .float32, Shape([16, 16, 3, 3]))],
                            ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])], name: "conv1")
        y = try b.apply(.tanh, [y], name: "tanh")
        y = try b.apply(.conv, [y, b.weight("w2", .float32, Shape([16, 16, 3, 3]))],
                        ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])], name: "conv2")
        y = try b.apply(.relu, [y], name: "relu")
        b.output(y)
        return try b.finish()
    }

    /// x[1,1000] → Gemm with a [300000, 1000] weight (300 M parameters, no bias) → y[1,300000].
    static func bigLinear() throws -> Workload {
        var b = GraphBuilder(name: "big-linear")
        let x = b.input("x", .float32, Shape([1, 1000]))
        let y = try b.apply(.gemm, [x, b.weight("w", .float32, Shape([300_000, 1000]))], ["transB": .int(1)], name: "fc")
        b.output(y)
        return try Workload(graph: b.finish())
    }
}
