import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// TFLite's int8 CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED on the fused int8 kernel
/// (``OptimizedTFLiteQConv``, fixed-point requantization in the store) against the reference loops
/// (``TFLiteInteger``, the specification) on ragged shapes: seeded inputs, outputs pre-filled with a
/// sentinel, every ISA, split into 1, 2 and 3 parts; outputs must be identical byte for byte.
@Suite struct OptimizedTFLiteQConvTests {
    typealias Q = OptimizedQuantizedTests

    struct Case {
        var kind: OptimizedTFLiteQConv.Kind = .conv
        var batch = 1, h = 7, w = 6, cin = 3, cout = 5, kh = 3, kw = 3, group = 1
        var stride = (1, 1), dilation = (1, 1), same = true
        var perChannel = true, bias = true, activation: String? = nil
        /// Output scale override (multipliers above 1: left shifts and saturation).
        var yScale: Double? = nil
        var out: DType = .int8
    }

    static let cases: [Case] = [
        Case(),
        Case(batch: 2, h: 9, w: 5, cin: 4, cout: 6, kh: 3, kw: 2, group: 2, stride: (2, 1), dilation: (1, 2), same: false),
        Case(h: 5, w: 11, cin: 13, cout: 17, kh: 1, kw: 1, perChannel: false, bias: false),           // pointwise
        Case(h: 12, w: 13, cin: 7, cout: 33, kh: 5, kw: 5, stride: (2, 2), activation: "Relu6"),
        Case(h: 40, w: 40, cin: 3, cout: 8, activation: "Relu"),                                       // two patch blocks
        Case(h: 9, w: 37, cin: 200, cout: 23, kh: 1, kw: 1, out: .int8),                             // k = 200
        Case(h: 6, w: 21, cin: 4, cout: 9, yScale: 0.0005),                                            // multipliers > 1
        Case(kind: .depthwise, h: 8, w: 8, cin: 6, cout: 6, group: 6),
        Case(kind: .depthwise, batch: 2, h: 15, w: 17, cin: 10, cout: 10, group: 10, stride: (2, 2), activation: "Relu6"),
        Case(kind: .depthwise, h: 13, w: 19, cin: 7, cout: 7, kh: 5, kw: 5, group: 7, stride: (1, 2), dilation: (2, 2), same: false),
        Case(kind: .fullyConnected, h: 1, w: 3, cin: 50, cout: 7),                                    // 3 rows of 50
        Case(kind: .fullyConnected, h: 1, w: 1, cin: 300, cout: 10, perChannel: false, activation: "Relu"),
    ]

    static func node(_ c: Case, xScale: Double, xZero: Int, wScales: [Double], yScale: Double, yZero: Int) -> Node {
        var a: [String: Attribute] = [
            "tflite_quantized": .int(1), "x0_scale": .floats([xScale]), "x0_zero_point": .ints([xZero]),
            "x1_scale": .floats(wScales), "x1_zero_point": .ints(Array(repeating: 0, count: wScales.count)),
            "y_scale": .floats([yScale]), "y_zero_point": .ints([yZero]),
        ]
        if let act = c.activation { a["activation"] = .string(act) }
        switch c.kind {
        case .fullyConnected:
            a["tflite_op"] = .string("FULLY_CONNECTED")
            return Node(name: "fc", op: .fullyConnected, inputs: c.bias ? ["x", "w", "b"] : ["x", "w"], outputs: ["y"], attributes: a)
        case .conv, .depthwise:
            a["tflite_op"] = .string(c.kind == .conv ? "CONV_2D" : "DEPTHWISE_CONV_2D")
            a["layout"] = .string("NHWC")
            a["auto_pad"] = .string(c.same ? "SAME_UPPER" : "VALID")
            a["strides"] = .ints([c.stride.0, c.stride.1])
            a["dilations"] = .ints([c.dilation.0, c.dilation.1])
            if c.kind == .depthwise { a["weight_layout"] = .string("1HWO") }
            return Node(name: "conv", op: .conv, inputs: c.bias ? ["x", "w", "b"] : ["x", "w"], outputs: ["y"], attributes: a)
        }
    }

    @Test func agreesWithReferenceLoops() throws {
        var rng = SeededRNG(seed: 4_2026)
        for (ci, c) in Self.cases.enumerated() {
            let xShape: [Int], wShape: [Int], yShape: [Int], k: Int
            switch c.kind {
            case .fullyConnected:
                xShape = [c.w, c.cin]; wShape = [c.cout, c.cin]; yShape = [c.w, c.cout]; k = c.cin
            case .conv, .depthwise:
                let effH = (c.kh - 1) * c.dilation.0 + 1, effW = (c.kw - 1) * c.dilation.1 + 1
                let oh = c.same ? (c.h + c.stride.0 - 1) / c.stride.0 : (c.h - effH) / c.stride.0 + 1
                let ow = c.same ? (c.w + c.stride.1 - 1) / c.stride.1 : (c.w - effW) / c.stride.1 + 1
                xShape = [c.batch, c.h, c.w, c.cin]
                wShape = c.kind == .depthwise ? [1, c.kh, c.kw, c.cout] : [c.cout, c.kh, c.kw, c.cin / c.group]
                yShape = [c.batch, oh, ow, c.cout]
                k = c.cin / c.group * c.kh * c.kw
            }
            let x = Q.bytes(.int8, xShape, &rng), w = Q.bytes(.int8, wShape, &rng)
            let b = c.bias ? Q.bytes(.int32, [c.cout], &rng) : nil
            let xZero = Int(rng.next() % 21) - 10, yZero = Int(rng.next() % 21) - 10
            // acc spreads about √k·74² (uniform int8 bytes, σ ≈ 74); y_scale = x_scale·w_scale·74²·√k/40 puts
            // outputs near ±40: 0.02·0.03·5476·√k/40 ≈ 0.082·√k.
            let wScales = (0..<(c.perChannel ? c.cout : 1)).map { _ in Double(rng.float(0.01, 0.05)) }
            let yScale = c.yScale ?? 0.082 * Double(k).squareRoot() + Double(rng.float(0, 0.01))
            let node = Self.node(c, xScale: 0.02, xZero: xZero, wScales: wScales, yScale: yScale, yZero: yZero)
            let inputs: [HostTensor?] = [x, w] + (b.map { [$0] } ?? [])
            let out = TensorType(c.out, Shape(yShape))
            let ref = try Q.run(try KernelRegistry.make(Q.context(node, inputs, output: out, constant: [1, 2], reference: true)), inputs, out)
            if c.yScale == nil && c.activation == nil {
                #expect(Set(ref).count > 8, "case \(ci): only \(Set(ref).count) distinct output bytes")
            }
            // The optimized table picks the fused kernel.
            let chosen = try KernelRegistry.make(Q.context(node, inputs, output: out, constant: [1, 2], reference: false))
            #expect(chosen is OptimizedTFLiteQConv, "case \(ci): \(type(of: chosen)) chosen")
            for isa in Q.isas {
                for parts in [1, 2, 3] {
                    let ctx = Q.context(node, inputs, output: out, constant: [1, 2], reference: false)
                    let kernel = OptimizedTFLiteQConv.make(ctx, kind: c.kind, isa: isa, parts: parts)
                    #expect(kernel != nil, "case \(ci) declined")
                    guard let kernel else { continue }
                    let got = try Q.run(kernel, inputs, out)
                    let first = zip(got, ref).enumerated().first { $0.element.0 != $0.element.1 }
                    #expect(first == nil, "case \(ci) isa \(isa) parts \(parts): byte \(first?.offset ?? -1) differs: \(first.map { "\($0.element.0) vs \($0.element.1)" } ?? "")")
                }
            }
        }
    }

    /// Quantized ADD of same-shaped tensors (``OptimizedTFLiteAdd``): int8 and uint8 operands, scales in either
    /// order, a fused ReLU6; 455 elements (not a multiple of 8). Broadcasting stays on the reference.
    @Test func addAgainstReference() throws {
        var rng = SeededRNG(seed: 99)
        let shape = [1, 5, 7, 13]
        for (ci, (ta, tb, ty, sa, sb, sy, act)) in [(DType.int8, DType.int8, DType.int8, 0.05, 0.03, 0.07, nil as String?),
                                                     (.uint8, .uint8, .uint8, 0.02, 0.09, 0.1, nil),
                                                     (.int8, .int8, .int8, 0.04, 0.04, 0.03, "Relu6")].enumerated() {
            let a = Q.bytes(ta, shape, &rng), b = Q.bytes(tb, shape, &rng)
            var attrs: [String: Attribute] = [
                "tflite_quantized": .int(1), "tflite_op": .string("ADD"),
                "x0_scale": .floats([sa]), "x0_zero_point": .ints([ta == .uint8 ? 131 : -3]),
                "x1_scale": .floats([sb]), "x1_zero_point": .ints([tb == .uint8 ? 120 : 5]),
                "y_scale": .floats([sy]), "y_zero_point": .ints([ty == .uint8 ? 127 : -1]),
            ]
            if let act { attrs["activation"] = .string(act) }
            let node = Node(name: "add", op: .add, inputs: ["a", "b"], outputs: ["y"], attributes: attrs)
            let out = TensorType(ty, Shape(shape))
            let ref = try Q.run(try KernelRegistry.make(Q.context(node, [a, b], output: out, constant: [], reference: true)), [a, b], out)
            #expect(Set(ref).count > 8, "case \(ci): only \(Set(ref).count) distinct bytes")
            for isa in Q.isas {
                let k = try #require(OptimizedTFLiteAdd.make(Q.context(node, [a, b], output: out, constant: [], reference: false), isa: isa))
                let got = try Q.run(k, [a, b], out)
                #expect(got == ref, "case \(ci) isa \(isa): \(zip(got, ref).filter { $0 != $1 }.count) bytes differ")
            }
            let bb = Q.bytes(tb, [1, 1, 1, 13], &rng)
            #expect(OptimizedTFLiteAdd.make(Q.context(node, [a, bb], output: out, constant: [], reference: false), isa: .portable) == nil)
        }
    }

    /// Depth multipliers other than 1 and non-constant weights stay on the reference loops.
    @Test func declines() throws {
        var rng = SeededRNG(seed: 7)
        let c = Case(kind: .depthwise, cin: 3, cout: 6, group: 3)
        let x = Q.bytes(.int8, [1, 7, 6, 3], &rng), w = Q.bytes(.int8, [1, 3, 3, 6], &rng)
        let node = Self.node(c, xScale: 0.02, xZero: 0, wScales: [0.03], yScale: 0.2, yZero: 0)
        let out = TensorType(.int8, Shape([1, 7, 6, 6]))
        #expect(OptimizedTFLiteQConv.make(Q.context(node, [x, w], output: out, constant: [1], reference: false), kind: .depthwise, isa: .portable) == nil)
        let conv = Self.node(Case(), xScale: 0.02, xZero: 0, wScales: [0.03], yScale: 0.2, yZero: 0)
        let w2 = Q.bytes(.int8, [5, 3, 3, 3], &rng)
        #expect(OptimizedTFLiteQConv.make(Q.context(conv, [x, w2], output: TensorType(.int8, Shape([1, 7, 6, 5])), constant: [], reference: false),
                                          kind: .conv, isa: .portable) == nil)
    }
}
