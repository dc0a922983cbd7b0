import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Optimized Conv (implicit GEMM, pointwise, depthwise; NCHW and NHWC) against the reference Conv.
///
/// The reference kernel is NCHW; NHWC cases transpose input and weights into NCHW for it and the
/// reference output back (pure index permutations), so both layouts are held to the same
/// specification.
/// One convolution configuration (2-D, or 1-D with `oneD`: then only the width fields count).
struct ConvCase: CustomStringConvertible {
    var n = 1
    var c: Int
    var h: Int
    var w: Int
    var cout: Int
    var k: (Int, Int)
    var stride = (1, 1)
    var dilation = (1, 1)
    var pads = [0, 0, 0, 0]
    var group = 1
    var bias = true
    var autoPad: String? = nil
    var oneD = false
    var description: String {
        "n\(n) c\(c) \(oneD ? "L\(w)" : "\(h)x\(w)") cout\(cout) k\(k) s\(stride) d\(dilation) pads\(pads) g\(group) bias \(bias) auto \(autoPad ?? "-")"
    }
}

@Suite struct OptimizedConvTests {
    typealias Case = ConvCase
    static let isas = OptimizedMatrixTests.isas

    static let cases: [Case] = [
        Case(c: 3, h: 11, w: 13, cout: 9, k: (3, 3), pads: [1, 1, 1, 1]),
        Case(n: 2, c: 5, h: 9, w: 7, cout: 17, k: (3, 3), stride: (2, 2), pads: [1, 1, 1, 1]),
        Case(c: 16, h: 6, w: 10, cout: 7, k: (1, 1)),                                   // pointwise: X read directly
        Case(c: 8, h: 7, w: 7, cout: 33, k: (1, 1), stride: (2, 2)),                    // strided 1×1: im2col
        Case(c: 3, h: 15, w: 14, cout: 8, k: (7, 7), stride: (2, 2), pads: [3, 3, 3, 3]),
        Case(c: 4, h: 12, w: 11, cout: 6, k: (5, 3), dilation: (2, 1), pads: [0, 2, 3, 1]),
        Case(c: 6, h: 8, w: 9, cout: 10, k: (3, 3), pads: [1, 1, 1, 1], group: 2),
        Case(c: 4, h: 9, w: 9, cout: 8, k: (3, 3), stride: (2, 2), bias: false, autoPad: "SAME_UPPER"),
        Case(c: 4, h: 10, w: 10, cout: 5, k: (2, 2), stride: (2, 2), autoPad: "SAME_LOWER"),
        Case(c: 30, h: 9, w: 9, cout: 19, k: (3, 3), pads: [1, 1, 1, 1]),               // K = 270 > KC
        Case(c: 7, h: 1, w: 40, cout: 5, k: (1, 5), stride: (1, 2), pads: [0, 2, 0, 2], oneD: true),
        // depthwise
        Case(c: 8, h: 10, w: 13, cout: 8, k: (3, 3), pads: [1, 1, 1, 1], group: 8),
        Case(c: 5, h: 11, w: 12, cout: 5, k: (3, 3), stride: (2, 2), pads: [1, 1, 1, 1], group: 5),
        Case(c: 6, h: 13, w: 9, cout: 6, k: (5, 5), pads: [2, 2, 2, 2], group: 6, bias: false),
        Case(n: 2, c: 3, h: 14, w: 15, cout: 3, k: (5, 5), stride: (2, 2), pads: [1, 2, 2, 1], group: 3),
        Case(c: 4, h: 12, w: 12, cout: 4, k: (3, 3), dilation: (2, 2), pads: [2, 2, 2, 2], group: 4),
        Case(c: 4, h: 7, w: 17, cout: 4, k: (3, 3), stride: (3, 2), group: 4),
        Case(c: 3, h: 11, w: 10, cout: 3, k: (3, 3), stride: (2, 2), dilation: (2, 1), pads: [2, 1, 0, 2], group: 3),
        Case(c: 5, h: 7, w: 7, cout: 5, k: (3, 3), pads: [1, 1, 1, 1], group: 5),          // ShuffleNet 7×7: wide rows
        Case(c: 6, h: 19, w: 1, cout: 7, k: (5, 1), pads: [2, 0, 1, 0]),                  // 1-D along H (Magika): one run per row
        Case(n: 2, c: 4, h: 23, w: 1, cout: 9, k: (3, 1), stride: (2, 1), dilation: (2, 1)),
        Case(c: 9, h: 1, w: 33, cout: 9, k: (1, 3), pads: [0, 1, 0, 1], group: 9, oneD: true),
        Case(c: 3, h: 8, w: 8, cout: 6, k: (3, 3), pads: [1, 1, 1, 1], group: 3),        // channel multiplier 2: grouped GEMM
    ]

    static func outSize(_ i: Int, _ k: Int, _ s: Int, _ d: Int, _ p0: Int, _ p1: Int) -> Int {
        (i + p0 + p1 - d * (k - 1) - 1) / s + 1
    }

    /// Output spatial size and the pads auto_pad resolves to (ONNX: out = ceil(in / stride)).
    static func geometry(_ c: Case) -> (oh: Int, ow: Int, pads: [Int]) {
        var pads = c.pads
        if let auto = c.autoPad {
            for (i, (inp, k, s, d)) in [(c.h, c.k.0, c.stride.0, c.dilation.0), (c.w, c.k.1, c.stride.1, c.dilation.1)].enumerated() {
                let out = (inp + s - 1) / s
                let total = max(0, (out - 1) * s + d * (k - 1) + 1 - inp)
                pads[i] = auto == "SAME_UPPER" ? total / 2 : total - total / 2
                pads[i + 2] = total - pads[i]
            }
        }
        return (outSize(c.h, c.k.0, c.stride.0, c.dilation.0, pads[0], pads[2]),
                outSize(c.w, c.k.1, c.stride.1, c.dilation.1, pads[1], pads[3]), pads)
    }

    static func attributes(_ c: Case) -> [String: Attribute] {
        var a: [String: Attribute] = ["group": .int(c.group)]
        if c.oneD {
            a["strides"] = .ints([c.stride.1]); a["dilations"] = .ints([c.dilation.1]); a["pads"] = .ints([c.pads[1], c.pads[3]])
        } else {
            a["strides"] = .ints([c.stride.0, c.stride.1]); a["dilations"] = .ints([c.dilation.0, c.dilation.1])
            if let auto = c.autoPad { a["auto_pad"] = .string(auto) } else { a["pads"] = .ints(c.pads) }
        }
        return a
    }

    /// Reference NCHW output (optionally followed by the reference activation) and the inputs.
    static func reference(_ c: Case, _ rng: inout SeededRNG) throws -> (x: HostTensor, w: HostTensor, b: HostTensor?, y: [Float], yShape: [Int]) {
        let (oh, ow, _) = geometry(c)
        let xShape = c.oneD ? [c.n, c.c, c.w] : [c.n, c.c, c.h, c.w]
        let wShape = c.oneD ? [c.cout, c.c / c.group, c.k.1] : [c.cout, c.c / c.group, c.k.0, c.k.1]
        let yShape = c.oneD ? [c.n, c.cout, ow] : [c.n, c.cout, oh, ow]
        let x = OptimizedCheck.random(xShape, &rng), w = OptimizedCheck.random(wShape, &rng)
        let b = c.bias ? OptimizedCheck.random([c.cout], &rng) : nil
        let node = Node(name: "conv", op: .conv, inputs: b == nil ? ["x", "w"] : ["x", "w", "b"], outputs: ["y"], attributes: attributes(c))
        let inputs: [HostTensor?] = b == nil ? [x, w] : [x, w, b]
        let y = try OptimizedCheck.reference(node, inputs, output: yShape, constant: [1, 2])
        return (x, w, b, y, yShape)
    }

    @Test(arguments: isas) func nchwAgainstReference(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 21)
        for c in Self.cases {
            let r = try Self.reference(c, &rng)
            let inputs: [HostTensor?] = r.b == nil ? [r.x, r.w] : [r.x, r.w, r.b]
            let node = Node(name: "conv", op: .conv, inputs: r.b == nil ? ["x", "w"] : ["x", "w", "b"], outputs: ["y"],
                            attributes: Self.attributes(c))
            let ctx = OptimizedCheck.context(node, inputs: inputs, output: r.yShape, constant: [1, 2])
            let kernel = try #require(try OptimizedConv.make(ctx, isa: isa), "declined: \(c)")
            let got = try OptimizedCheck.run(kernel, inputs, output: r.yShape)
            let problem = OptimizedCheck.mismatch(got, r.y, tol: 1e-5)
            #expect(problem == nil, "isa \(isa) \(c): \(problem ?? "")")
        }
    }

    /// Permutes a row-major tensor: `out[perm-indexed]` (NumPy's transpose(axes)).
    static func transpose(_ t: [Float], _ shape: [Int], _ axes: [Int]) -> (values: [Float], shape: [Int]) {
        let outShape = axes.map { shape[$0] }
        let inStrides = strides(shape)
        var out = [Float](repeating: 0, count: t.count)
        var idx = [Int](repeating: 0, count: shape.count)
        for o in 0..<t.count {
            var src = 0
            for (d, a) in axes.enumerated() { src += idx[d] * inStrides[a] }
            out[o] = t[src]
            var d = shape.count - 1
            while d >= 0 { idx[d] += 1; if idx[d] < outShape[d] { break }; idx[d] = 0; d -= 1 }
        }
        return (out, outShape)
    }

    @Test(arguments: isas) func nhwcAgainstReference(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 22)
        for c in Self.cases {
            let depthwise = c.group == c.c && c.cout == c.c
            guard c.group == 1 || depthwise else { continue }  // grouped NHWC is declined
            let r = try Self.reference(c, &rng)
            let rank = c.oneD ? 3 : 4
            let toNHWC = rank == 3 ? [0, 2, 1] : [0, 2, 3, 1], toNCHW = rank == 3 ? [0, 2, 1] : [0, 3, 1, 2]
            let x = Self.transpose(r.x.floats(), r.x.shape, toNHWC)
            let want = Self.transpose(r.y, r.yShape, toNHWC)
            var attrs = Self.attributes(c)
            attrs["layout"] = .string("NHWC")
            let w: (values: [Float], shape: [Int])
            if depthwise {
                // [C,1,KH,KW] → TFLite's 1HWO [1,KH,KW,C]
                let t = Self.transpose(r.w.floats(), r.w.shape, rank == 3 ? [1, 2, 0] : [1, 2, 3, 0])
                w = t
                attrs["weight_layout"] = .string("1HWO")
                attrs["group"] = nil
            } else {
                w = Self.transpose(r.w.floats(), r.w.shape, toNHWC)  // OIHW → OHWI
            }
            _ = toNCHW
            let inputs: [HostTensor?] = [HostTensor(x.values, shape: x.shape), HostTensor(w.values, shape: w.shape)] + (r.b.map { [$0] } ?? [])
            let node = Node(name: "conv", op: .conv, inputs: r.b == nil ? ["x", "w"] : ["x", "w", "b"], outputs: ["y"], attributes: attrs)
            let ctx = OptimizedCheck.context(node, inputs: inputs, output: want.shape, constant: [1, 2])
            let kernel = try #require(try OptimizedConv.make(ctx, isa: isa), "declined: \(c)")
            let got = try OptimizedCheck.run(kernel, inputs, output: want.shape)
            let problem = OptimizedCheck.mismatch(got, want.values, tol: 1e-5)
            #expect(problem == nil, "isa \(isa) NHWC \(c): \(problem ?? "")")
        }
    }

    /// Fused activations on both paths equal the reference Conv followed by the reference activation.
    @Test(arguments: isas) func fusedActivation(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 23)
        for c in [Self.cases[1], Self.cases[12]] {
            let r = try Self.reference(c, &rng)
            for (name, op) in [("Relu", OpType.relu), ("HardSwish", .hardSwish), ("Sigmoid", .sigmoid)] {
                var attrs = Self.attributes(c)
                attrs["activation"] = .string(name)
                let inputs: [HostTensor?] = [r.x, r.w, r.b]
                let node = Node(name: "conv", op: .conv, inputs: ["x", "w", "b"], outputs: ["y"], attributes: attrs)
                let kernel = try #require(try OptimizedConv.make(
                    OptimizedCheck.context(node, inputs: inputs, output: r.yShape, constant: [1, 2]), isa: isa))
                let got = try OptimizedCheck.run(kernel, inputs, output: r.yShape)
                let want = try OptimizedCheck.referenceUnary(op, r.y)
                let problem = OptimizedCheck.mismatch(got, want, tol: 1e-5)
                #expect(problem == nil, "isa \(isa) \(c) + \(name): \(problem ?? "")")
            }
        }
    }

    /// Configurations the kernel does not handle are declined, not mis-computed.
    @Test func declines() throws {
        var rng = SeededRNG(seed: 24)
        let x = OptimizedCheck.random([1, 2, 4, 4, 4], &rng), w = OptimizedCheck.random([3, 2, 1, 1, 1], &rng)
        let node3d = Node(name: "c3", op: .conv, inputs: ["x", "w"], outputs: ["y"])
        #expect(try OptimizedConv.make(OptimizedCheck.context(node3d, inputs: [x, w], output: [1, 3, 4, 4, 4], constant: [1]),
                                       isa: .portable) == nil)
        let x2 = OptimizedCheck.random([1, 2, 4, 4], &rng), w2 = OptimizedCheck.random([3, 2, 1, 1], &rng)
        let node = Node(name: "c", op: .conv, inputs: ["x", "w"], outputs: ["y"])
        #expect(try OptimizedConv.make(OptimizedCheck.context(node, inputs: [x2, w2], output: [1, 3, 4, 4], constant: []),
                                       isa: .portable) == nil, "weights that are not constant")
        var signBit = node
        signBit.attributes["activation"] = .string("SignBit")
        #expect(try OptimizedConv.make(OptimizedCheck.context(signBit, inputs: [x2, w2], output: [1, 3, 4, 4], constant: [1]),
                                       isa: .portable) == nil, "an activation the epilogue lacks")
    }
}
