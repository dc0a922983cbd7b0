import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// The optimized QLinearConv / ConvInteger / QLinearMatMul / MatMulInteger (int8 GEMM + epilogue) against
/// the reference kernels on ragged shapes: outputs must be identical byte for byte (both compute the exact
/// integer sum and round the same double product half to even).
@Suite struct OptimizedQuantizedTests {
    static let isas = KernelISA.supported

    static func bytes(_ dtype: DType, _ shape: [Int], _ rng: inout SeededRNG) -> HostTensor {
        let n = shape.reduce(1, *)
        switch dtype {
        case .uint8: return HostTensor(values: (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, shape: shape)
        case .int8: return HostTensor(values: (0..<n).map { _ in Int8(truncatingIfNeeded: rng.next()) }, shape: shape)
        default: return HostTensor(values: (0..<n).map { _ in Int32(truncatingIfNeeded: rng.next() % 20001) - 10000 }, shape: shape)
        }
    }

    /// Zero points near the middle of the range (±10), so products are centred and outputs do not all saturate.
    static func zero(_ dtype: DType, _ shape: [Int], _ rng: inout SeededRNG) -> HostTensor {
        let n = shape.reduce(1, *)
        let d = (0..<n).map { _ in Int(rng.next() % 21) - 10 }
        return dtype == .uint8 ? HostTensor(values: d.map { UInt8(128 + $0) }, shape: shape)
                               : HostTensor(values: d.map { Int8($0) }, shape: shape)
    }

    static func context(_ node: Node, _ inputs: [HostTensor?], output: TensorType, constant: Set<Int>, reference: Bool) -> KernelContext {
        var consts: [Int: HostTensor] = [:]
        for i in constant where i < inputs.count { if let t = inputs[i] { consts[i] = t } }
        return KernelContext(node: node, inputTypes: inputs.map { $0.map { TensorType($0.dtype, Shape($0.shape)) } },
                             outputTypes: [output], constants: consts, options: EngineOptions(forceReference: reference))
    }

    /// Output bytes of `kernel` (pre-filled with 0xA5 so unwritten elements show).
    static func run(_ kernel: Kernel, _ inputs: [HostTensor?], _ output: TensorType) throws -> [UInt8] {
        let out = HostTensor(dtype: output.dtype, shape: output.shape.values!)
        out.storage.pointer.initializeMemory(as: UInt8.self, repeating: 0xA5, count: out.byteCount)
        try kernel.run(inputs: inputs.map { $0?.ref ?? ExecutionPlan.absentRef }, outputs: [out.ref])
        return Array(UnsafeBufferPointer(start: out.storage.pointer.assumingMemoryBound(to: UInt8.self), count: out.byteCount))
    }

    struct ConvCase {
        var batch = 1, cin = 3, cout = 5, group = 1, h = 7, w = 6, kh = 3, kw = 3
        var stride = (1, 1), dilation = (1, 1), pads = [1, 1, 1, 1]
        var x: DType = .uint8, w8: DType = .int8, y: DType = .uint8
        var perChannel = false, bias = true
        /// An output scale that makes the multiplier exceed 0.5 (the kernel then clamps in double, not by packing).
        var yScale: Float? = nil
        var weights: Weights = .uniform
        /// One weight scale for every channel instead of seeded ones.
        var wScale: Float? = nil
    }

    /// Weight codes (as int8 after the kernel's uint8 → int8 shift): uniform over the byte (most pairs sum
    /// above 128 in magnitude: the int16-pair path), within ±60 (the u8 × s8 quads path, no remainder),
    /// or within ±60 with every 211th weight from the whole byte (quads plus a sparse remainder list).
    /// Banded: each channel within ±50 of a centre ±(70…77), so most pairs sum above 128 until the channel
    /// is centred; constant: one value ±(65…124) per channel (onnx's light models after BatchNorm folding).
    enum Weights { case uniform, small, sparseLarge, banded, constant }

    static func weights(_ c: ConvCase, _ rng: inout SeededRNG) -> HostTensor {
        let shape = [c.cout, c.cin / c.group, c.kh, c.kw]
        if c.weights == .uniform { return bytes(c.w8, shape, &rng) }
        let perChannel = shape.dropFirst().reduce(1, *)
        let v: [Int] = (0..<shape.reduce(1, *)).map { i in
            let j = i / perChannel, sign = j % 2 == 0 ? 1 : -1
            switch c.weights {
            case .banded: return sign * (70 + j % 8) + Int(rng.next() % 101) - 50
            case .constant: return sign * (65 + (j * 7) % 60)
            case .sparseLarge where i % 211 == 0: return Int(rng.next() % 256) - 128
            default: return Int(rng.next() % 121) - 60
            }
        }
        return c.w8 == .uint8 ? HostTensor(values: v.map { UInt8($0 + 128) }, shape: shape)
                              : HostTensor(values: v.map { Int8($0) }, shape: shape)
    }

    static let convCases: [ConvCase] = [
        ConvCase(),
        ConvCase(batch: 2, cin: 4, cout: 6, group: 2, h: 9, w: 5, kh: 3, kw: 2, stride: (2, 1), dilation: (1, 2), pads: [0, 1, 2, 0],
                 x: .int8, w8: .int8, y: .int8, perChannel: true, bias: true),
        ConvCase(cin: 13, cout: 17, h: 5, w: 11, kh: 1, kw: 1, pads: [0, 0, 0, 0], perChannel: true, bias: false),  // pointwise
        ConvCase(cin: 7, cout: 33, h: 12, w: 13, kh: 5, kw: 5, stride: (2, 2), pads: [2, 2, 1, 1], x: .uint8, w8: .uint8, y: .int8),
        ConvCase(cin: 6, cout: 6, group: 6, h: 8, w: 8, kh: 3, kw: 3, pads: [1, 1, 1, 1], perChannel: true),  // depthwise
        ConvCase(cin: 64, cout: 19, h: 4, w: 4, kh: 3, kw: 3, stride: (1, 1), pads: [1, 0, 1, 0], x: .uint8, w8: .int8, y: .uint8,
                 perChannel: false, bias: true),  // k = 576
        // Fused path (OptimizedQConv): depthwise with stride 2 and uneven padding, per-channel weight zeros.
        ConvCase(batch: 2, cin: 10, cout: 10, group: 10, h: 15, w: 17, kh: 3, kw: 3, stride: (2, 2), pads: [1, 1, 0, 1],
                 perChannel: true),
        // Depthwise 5×5, dilation 2, stride (1, 2), int8 input.
        ConvCase(cin: 7, cout: 7, group: 7, h: 13, w: 19, kh: 5, kw: 5, stride: (1, 2), dilation: (2, 2), pads: [4, 3, 2, 4],
                 x: .int8, w8: .int8, y: .int8),
        // Pointwise, k = 200 (patch blocks of 480 positions: two blocks, the last ragged), cout 23 (ragged tiles).
        ConvCase(cin: 200, cout: 23, h: 9, w: 61, kh: 1, kw: 1, pads: [0, 0, 0, 0], x: .uint8, w8: .int8, y: .uint8),
        // k = 301·9 = 2,709: 1,355 pairs in three K chunks (452, 452, 451; the last pair half padding) whose
        // partial sums and column sums (uint8 weights: nonzero weight zero points) carry over; stride, dilation.
        ConvCase(cin: 301, cout: 13, h: 9, w: 8, kh: 3, kw: 3, stride: (2, 1), dilation: (1, 2), pads: [1, 2, 0, 2],
                 x: .uint8, w8: .uint8, y: .int8, perChannel: true),
        // k = 540, 3 × 200 outputs in blocks of 176 positions: the first block inside one output row (its patch rows
        // read straight from the padded planes), the others across rows.
        ConvCase(cin: 60, cout: 7, h: 3, w: 200, kh: 3, kw: 3, pads: [1, 1, 1, 1], x: .int8, w8: .int8, y: .uint8),
        // Odd k (3·3·3 = 27) over 40×40 positions (two blocks), stride 1, int8 weights, uint8 output.
        ConvCase(cin: 3, cout: 8, h: 40, w: 40, kh: 3, kw: 3, pads: [1, 1, 1, 1], x: .uint8, w8: .int8, y: .uint8),
        // Stems at stride 2: the column phases are taken 16 bytes at a time while 32 input bytes remain in the row,
        // then bytewise. Width 71 with a pad column (phase 0 starts at column 1 of its plane, phase 1 at input
        // column 0; 35 and 36 columns: two vector steps and a tail), and width 64 without padding (the row's
        // last 32 bytes feed the second vector step exactly).
        ConvCase(cin: 3, cout: 8, h: 9, w: 71, kh: 3, kw: 3, stride: (2, 2), pads: [1, 1, 1, 1], x: .uint8, w8: .int8, y: .uint8),
        ConvCase(cin: 2, cout: 5, h: 5, w: 64, kh: 3, kw: 3, stride: (2, 2), pads: [0, 0, 0, 0], x: .int8, w8: .int8, y: .int8),
        // Grouped, not depthwise (2 input and 3 output channels per group).
        ConvCase(cin: 8, cout: 12, group: 4, h: 6, w: 10, kh: 3, kw: 1, stride: (1, 2), pads: [1, 0, 1, 0], perChannel: true),
        // u8 × s8 quads: k = 37·9 = 333 (the last quad one tap), weights within ±60 (no remainder).
        ConvCase(cin: 37, cout: 14, h: 10, w: 12, kh: 3, kw: 3, x: .uint8, w8: .int8, y: .uint8, weights: .small),
        // Quads with remainders over three K chunks (k = 2,709), uint8 weights (column sums), int8 input.
        ConvCase(cin: 301, cout: 13, h: 7, w: 6, kh: 3, kw: 3, x: .int8, w8: .uint8, y: .int8, perChannel: true,
                 weights: .sparseLarge),
        // Quads with remainders, pointwise, two position blocks.
        ConvCase(cin: 64, cout: 30, h: 20, w: 31, kh: 1, kw: 1, pads: [0, 0, 0, 0], x: .uint8, w8: .int8, y: .uint8,
                 weights: .sparseLarge),
        // Centred channels (quads on w − m, m in the column-sum term): 3×3 banded weights; pointwise constant
        // channels with uint8 weights and per-channel zero points (both terms at once); constant channels over
        // two K chunks (k = 1,350) over 7×7 outputs, whose last panel of one position takes the 8-position tile
        // (so do the banded case's 99 = 6·16 + 3 and case 13's 120 = 7·16 + 8).
        ConvCase(cin: 24, cout: 14, h: 9, w: 11, kh: 3, kw: 3, x: .uint8, w8: .int8, y: .uint8, weights: .banded),
        ConvCase(cin: 40, cout: 13, h: 6, w: 7, kh: 1, kw: 1, pads: [0, 0, 0, 0], x: .int8, w8: .uint8, y: .int8,
                 perChannel: true, weights: .constant),
        ConvCase(cin: 150, cout: 7, h: 7, w: 7, kh: 3, kw: 3, x: .uint8, w8: .int8, y: .uint8, weights: .constant),
        // PP-OCR's short planes: depthwise 5×5 over 2 rows (three of five kernel rows in padding), 45 columns
        // (32 + 13); 5×5 with stride (2, 1) over 3 rows; 9×9 (81 taps, past the float rows' 64: int32 rows).
        ConvCase(cin: 9, cout: 9, group: 9, h: 2, w: 45, kh: 5, kw: 5, pads: [2, 2, 2, 2], x: .uint8, w8: .int8, y: .uint8,
                 perChannel: true),
        ConvCase(cin: 4, cout: 4, group: 4, h: 3, w: 20, kh: 5, kw: 5, stride: (2, 1), pads: [2, 2, 2, 2], x: .int8, w8: .int8,
                 y: .int8),
        ConvCase(cin: 5, cout: 5, group: 5, h: 6, w: 11, kh: 9, kw: 9, pads: [4, 4, 4, 4], x: .int8, w8: .int8, y: .int8,
                 perChannel: true),
        // Multiplier 0.02 · (0.01…0.05) / 0.0005 = 0.4…2: most outputs saturate, the rest round (double clamp path).
        ConvCase(cin: 4, cout: 9, h: 6, w: 21, kh: 3, kw: 3, pads: [1, 1, 1, 1], perChannel: true, yScale: 0.0005),
        // Depthwise with a multiplier of about 1/16 (0.02 · 0.05 / 0.016 in float): one sum in sixteen lies within
        // float error of a tie, so most 32-output runs of the float requantization take the double epilogue and
        // the rest do not; both must give the reference's bytes (round half to even at the ties).
        ConvCase(cin: 6, cout: 6, group: 6, h: 5, w: 70, kh: 3, kw: 3, x: .uint8, w8: .int8, y: .uint8, yScale: 0.016,
                 weights: .small, wScale: 0.05),
        // Depthwise row pairs (two output rows per pass over their input rows): no top padding and three rows of
        // bottom padding (6 output rows in 3 pairs), horizontal dilation 2.
        ConvCase(cin: 5, cout: 5, group: 5, h: 7, w: 40, kh: 5, kw: 5, dilation: (1, 2), pads: [0, 4, 3, 4], x: .int8, w8: .int8,
                 y: .uint8, perChannel: true),
    ]

    /// QLinearConv (requantize) and ConvInteger: every case, every ISA, bytes identical to the reference.
    @Test(arguments: [true, false]) func convAgainstReference(requantize: Bool) throws {
        var rng = SeededRNG(seed: 401)
        for (ci, c) in Self.convCases.enumerated() {
            let x = Self.bytes(c.x, [c.batch, c.cin, c.h, c.w], &rng)
            let w = Self.weights(c, &rng)
            let xz = Self.zero(c.x, [], &rng)
            let wz = Self.zero(c.w8, c.perChannel ? [c.cout] : [], &rng)
            let oh = (c.h + c.pads[0] + c.pads[2] - c.dilation.0 * (c.kh - 1) - 1) / c.stride.0 + 1
            let ow = (c.w + c.pads[1] + c.pads[3] - c.dilation.1 * (c.kw - 1) - 1) / c.stride.1 + 1
            let attrs: [String: Attribute] = ["group": .int(c.group), "strides": .ints([c.stride.0, c.stride.1]),
                                              "dilations": .ints([c.dilation.0, c.dilation.1]), "pads": .ints(c.pads),
                                              "kernel_shape": .ints([c.kh, c.kw])]
            let inputs: [HostTensor?], names: [String], out: TensorType, constant: Set<Int>
            if requantize {
                // Scales so acc · multiplier spans the output range: acc's spread is about √k · 74² (uniform bytes,
                // σ ≈ 74); with w_scale ≈ 0.03 and y_scale = 0.08·√k: 5476·√k · 0.02 · 0.03 / (0.08·√k) ≈ 41.
                let ws = HostTensor((0..<(c.perChannel ? c.cout : 1)).map { _ in c.wScale ?? rng.float(0.01, 0.05) }, shape: c.perChannel ? [c.cout] : [])
                let ys = HostTensor([c.yScale ?? Float(c.cin / c.group * c.kh * c.kw).squareRoot() * 0.08 + rng.float(0, 0.01)], shape: [])
                let yz = Self.zero(c.y, [], &rng)
                let b = c.bias ? Self.bytes(.int32, [c.cout], &rng) : nil
                inputs = [x, HostTensor([0.02], shape: []), xz, w, ws, wz, ys, yz] + (b.map { [$0] } ?? [])
                names = ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"] + (c.bias ? ["b"] : [])
                out = TensorType(c.y, Shape([c.batch, c.cout, oh, ow]))
                constant = [1, 2, 3, 4, 5, 6, 7, 8]
            } else {
                inputs = [x, w, xz, wz]
                names = ["x", "w", "xz", "wz"]
                out = TensorType(.int32, Shape([c.batch, c.cout, oh, ow]))
                constant = [1, 2, 3]
            }
            let node = Node(name: "qconv", op: requantize ? "QLinearConv" : "ConvInteger", inputs: names, outputs: ["y"], attributes: attrs)
            let ref = try Self.run(try KernelRegistry.make(Self.context(node, inputs, output: out, constant: constant, reference: true)), inputs, out)
            for isa in Self.isas {
                let ctx = Self.context(node, inputs, output: out, constant: constant, reference: false)
                let k = try OptimizedQuantized.makeConv(ctx, requantize: requantize, isa: isa)
                #expect(k != nil, "case \(ci) declined")
                guard let k else { continue }
                if c.weights != .uniform, c.group == 1, isa.level >= KernelISA.avx2.level {
                    #expect((k as? OptimizedQConv)?.usesQuads == true, "case \(ci) isa \(isa): quads path not taken")
                }
                let got = try Self.run(k, inputs, out)
                let first = zip(got, ref).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(first == nil, "case \(ci) isa \(isa): byte \(first?.offset ?? -1) differs")
                // The fused kernel split into 2 and 3 parts (run concurrently): the same bytes.
                for parts in [2, 3] {
                    let kp = OptimizedQConv.make(ctx, requantize: requantize, isa: isa, parts: parts)
                    #expect(kp != nil, "case \(ci) declined by the fused kernel")
                    guard let kp else { continue }
                    let gotP = try Self.run(kp, inputs, out)
                    let firstP = zip(gotP, ref).enumerated().first { $0.element.0 != $0.element.1 }
                    #expect(firstP == nil, "case \(ci) isa \(isa) parts \(parts): byte \(firstP?.offset ?? -1) differs")
                }
            }
            if requantize && c.yScale == nil {
                // Not every output saturated: the comparison exercised rounding, not just clamping.
                let distinct = Set(try Self.run(try KernelRegistry.make(Self.context(node, inputs, output: out, constant: constant, reference: true)), inputs, out))
                #expect(distinct.count > 8, "case \(ci): only \(distinct.count) distinct output bytes")
            }
        }
    }

    /// QLinearMatMul and MatMulInteger: batched A [2, m, k] times a constant 2-D B, per-column B zero points
    /// for MatMulInteger, every ISA, bytes identical to the reference.
    @Test(arguments: [true, false]) func matMulAgainstReference(requantize: Bool) throws {
        var rng = SeededRNG(seed: 977)
        for (m, k, n, a8, b8) in [(3, 5, 7, DType.uint8, DType.int8), (17, 130, 9, .int8, .int8), (1, 1, 1, .uint8, .uint8),
                                  (33, 64, 40, .uint8, .int8)] {
            let a = Self.bytes(a8, [2, m, k], &rng), b = Self.bytes(b8, [k, n], &rng)
            let az = Self.zero(a8, [], &rng)
            let inputs: [HostTensor?], names: [String], out: TensorType, constant: Set<Int>
            if requantize {
                let bz = Self.zero(b8, [], &rng), yz = Self.zero(a8, [], &rng)
                inputs = [a, HostTensor([0.03], shape: []), az, b, HostTensor([0.02], shape: []), bz,
                          HostTensor([Float(k) * 0.005 + 0.01], shape: []), yz]
                names = ["a", "as", "az", "b", "bs", "bz", "ys", "yz"]
                out = TensorType(a8, Shape([2, m, n]))
                constant = [1, 2, 3, 4, 5, 6, 7]
            } else {
                let bz = Self.zero(b8, [n], &rng)
                inputs = [a, b, az, bz]
                names = ["a", "b", "az", "bz"]
                out = TensorType(.int32, Shape([2, m, n]))
                constant = [1, 2, 3]
            }
            let node = Node(name: "qmm", op: requantize ? "QLinearMatMul" : "MatMulInteger", inputs: names, outputs: ["y"])
            let ref = try Self.run(try KernelRegistry.make(Self.context(node, inputs, output: out, constant: constant, reference: true)), inputs, out)
            for isa in Self.isas {
                let ctx = Self.context(node, inputs, output: out, constant: constant, reference: false)
                let kern = try OptimizedQuantized.makeMatMul(ctx, requantize: requantize, isa: isa)
                #expect(kern != nil, "m \(m) k \(k) n \(n) declined")
                guard let kern else { continue }
                let got = try Self.run(kern, inputs, out)
                let first = zip(got, ref).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(first == nil, "m \(m) k \(k) n \(n) isa \(isa): byte \(first?.offset ?? -1) differs")
            }
        }
    }

    /// Per-tensor QuantizeLinear / DequantizeLinear against the reference: ties (x / scale = k + ½ rounds to
    /// even), saturation both ways, NaN, and 1000 seeded values; bytes / floats identical.
    @Test(arguments: [DType.uint8, .int8]) func quantizeDequantizeAgainstReference(type: DType) throws {
        var rng = SeededRNG(seed: 88)
        // With scale 0.5: 0.25 → 0.5 → 0 (even), 0.75 → 1.5 → 2, −0.25 → −0.5 → −0, 1.25 → 2.5 → 2; ±1000 saturate.
        let xs: [Float] = [0.25, 0.75, -0.25, 1.25, 1000, -1000, .nan] + (0..<1000).map { _ in rng.float(-80, 80) }
        let x = HostTensor(xs, shape: [xs.count])
        let scale = HostTensor([Float(0.5)], shape: []), zero = Self.zero(type, [], &rng)
        let q = Node(name: "q", op: "QuantizeLinear", inputs: ["x", "s", "z"], outputs: ["y"])
        let qOut = TensorType(type, Shape([xs.count]))
        let qIn: [HostTensor?] = [x, scale, zero]
        let fast = try #require(try OptimizedQuantizeLinear.makeQuantize(Self.context(q, qIn, output: qOut, constant: [1, 2], reference: false)))
        let qRef = try Self.run(try KernelRegistry.make(Self.context(q, qIn, output: qOut, constant: [1, 2], reference: true)), qIn, qOut)
        #expect(try Self.run(fast, qIn, qOut) == qRef)
        let d = Node(name: "d", op: "DequantizeLinear", inputs: ["x", "s", "z"], outputs: ["y"])
        let dIn: [HostTensor?] = [Self.bytes(type, [257], &rng), HostTensor([Float(0.037)], shape: []), zero]
        let dOut = TensorType(.float32, Shape([257]))
        let dFast = try #require(try OptimizedQuantizeLinear.makeDequantize(Self.context(d, dIn, output: dOut, constant: [1, 2], reference: false)))
        let dRef = try Self.run(try KernelRegistry.make(Self.context(d, dIn, output: dOut, constant: [1, 2], reference: true)), dIn, dOut)
        #expect(try Self.run(dFast, dIn, dOut) == dRef)
    }

    /// QuantizeLinear at ties where x · (1/scale) is not x / scale, against a kernel that would multiply by
    /// the reciprocal (tried, see DECISIONS.md: slower here): with scale 0.1 (1/0.1 inexact in float), values x
    /// whose float quotient is exactly k + ½ but whose product with fl(1/0.1) is not.
    @Test(arguments: [DType.uint8, .int8]) func quantizeTiesWithInexactReciprocal(type: DType) throws {
        let s: Float = 0.1, r = 1 / s
        var xs: [Float] = []
        for k in -100..<100 {
            let target = Float(k) + 0.5
            var x = target * s
            for _ in 0..<8 { x = x.nextDown }
            for _ in 0..<17 {
                if x / s == target, x * r != target { xs.append(x) }
                x = x.nextUp
            }
        }
        #expect(xs.count >= 8, "only \(xs.count) ties found")
        let x = HostTensor(xs, shape: [xs.count])
        let zero = HostTensor(dtype: type, shape: [])
        zero.ref.u8()[0] = type == .uint8 ? 100 : 0
        let q = Node(name: "q", op: "QuantizeLinear", inputs: ["x", "s", "z"], outputs: ["y"])
        let qOut = TensorType(type, Shape([xs.count]))
        let qIn: [HostTensor?] = [x, HostTensor([s], shape: []), zero]
        let fast = try #require(try OptimizedQuantizeLinear.makeQuantize(Self.context(q, qIn, output: qOut, constant: [1, 2], reference: false)))
        let qRef = try Self.run(try KernelRegistry.make(Self.context(q, qIn, output: qOut, constant: [1, 2], reference: true)), qIn, qOut)
        #expect(try Self.run(fast, qIn, qOut) == qRef)
        // The first value by hand: its quotient rounded half to even, plus the zero point, saturated.
        let first = Double((xs[0] / s).rounded(.toNearestOrEven)) + (type == .uint8 ? 100 : 0)
        let (lo, hi) = type == .uint8 ? (0.0, 255.0) : (-128.0, 127.0)
        let want = Int(min(hi, max(lo, first)))
        #expect(qRef[0] == (type == .uint8 ? UInt8(want) : UInt8(bitPattern: Int8(want))))
    }

    /// 8-bit MaxPool against the reference: pads, stride, dilation, ceil_mode, int8 (negative values) and uint8.
    @Test(arguments: [DType.uint8, .int8]) func maxPoolAgainstReference(type: DType) throws {
        var rng = SeededRNG(seed: 12)
        // (input H, W; kernel; strides; pads t, l, b, r; dilations; ceil_mode; output H, W), shapes by ONNX's formula:
        // 11×9, k 3×2, s 2, pads (1,0,1,1), d (1,2), ceil: H ⌊(11+2−3)/2⌋+1 = 6, W ⌈(9+1−2−1)/2⌉+1 = 5;
        // 13×17, k 3, s 2, ceil: ⌈10/2⌉+1 = 6, ⌈14/2⌉+1 = 8 (SqueezeNet's pools); 5×7, k 3, s 1, pads 1: 5×7;
        // 8×10, k 2×4, s 3, pads (0,2,0,1): ⌊6/3⌋+1 = 3, ⌊(10+3−4)/3⌋+1 = 4.
        let configs: [([Int], [Int], [Int], [Int], [Int], Int, [Int])] = [
            ([11, 9], [3, 2], [2, 2], [1, 0, 1, 1], [1, 2], 1, [6, 5]),
            ([13, 17], [3, 3], [2, 2], [0, 0, 0, 0], [1, 1], 1, [6, 8]),
            ([5, 7], [3, 3], [1, 1], [1, 1, 1, 1], [1, 1], 0, [5, 7]),
            ([8, 10], [2, 4], [3, 3], [0, 2, 0, 1], [1, 1], 0, [3, 4]),
        ]
        for (hw, k, st, pads, dil, ceil, o) in configs {
            let x = Self.bytes(type, [2, 3] + hw, &rng)
            let attrs: [String: Attribute] = ["kernel_shape": .ints(k), "strides": .ints(st), "pads": .ints(pads),
                                              "dilations": .ints(dil), "ceil_mode": .int(ceil)]
            let node = Node(name: "mp", op: .maxPool, inputs: ["x"], outputs: ["y"], attributes: attrs)
            let out = TensorType(type, Shape([2, 3] + o))
            let fast = try #require(try OptimizedMaxPool8.make(Self.context(node, [x], output: out, constant: [], reference: false)))
            let ref = try Self.run(try KernelRegistry.make(Self.context(node, [x], output: out, constant: [], reference: true)), [x], out)
            #expect(try Self.run(fast, [x], out) == ref, "input \(hw) kernel \(k) strides \(st)")
        }
        // The networks' pools on ragged planes: SqueezeNet's 3×3 / 2 (111 → 55), ResNet's 3×3 / 2 pad 1,
        // stride 3 with dilation 2 and asymmetric pads, stride 1 with pad 2, a 1-wide kernel.
        let cases: [(x: [Int], k: [Int], s: [Int], d: [Int], p: [Int], y: [Int])] = [
            ([1, 2, 111, 111], [3, 3], [2, 2], [1, 1], [0, 0, 0, 0], [1, 2, 55, 55]),   // (111 − 3) / 2 + 1 = 55
            ([1, 3, 13, 17], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], [1, 3, 7, 9]),       // (13 + 2 − 3)/2 + 1 = 7; (17 + 2 − 3)/2 + 1 = 9
            ([2, 2, 10, 23], [2, 3], [1, 3], [1, 2], [0, 2, 1, 1], [2, 2, 10, 8]),      // H (10 + 1 − 2)/1 + 1 = 10; W (23 + 3 − 5)/3 + 1 = 8
            ([1, 1, 5, 7], [3, 5], [1, 1], [1, 1], [1, 2, 1, 2], [1, 1, 5, 7]),         // (5 + 2 − 3) + 1 = 5; (7 + 4 − 5) + 1 = 7
            ([1, 2, 6, 9], [2, 1], [2, 2], [1, 1], [0, 0, 0, 0], [1, 2, 3, 5]),         // (6 − 2)/2 + 1 = 3; (9 − 1)/2 + 1 = 5
            // Rows of ≥ 16 bytes run in 16-byte vectors whose last one overlaps: ResNet's 112 → 56 with pad 1;
            // stride 1 (40 → 40); stride 3 with dilation 2 (50 → 16, one vector exactly); 16 → 8 (one input vector).
            ([1, 2, 112, 112], [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], [1, 2, 56, 56]),  // (112 + 2 − 3)/2 + 1 = 56
            ([1, 2, 9, 40], [3, 3], [1, 1], [1, 1], [1, 1, 1, 1], [1, 2, 9, 40]),
            ([1, 1, 7, 50], [2, 3], [1, 3], [1, 2], [0, 1, 1, 0], [1, 1, 7, 16]),       // H (7 + 1 − 2) + 1 = 7; W (50 + 1 − 5)/3 + 1 = 16
            ([1, 2, 5, 16], [3, 3], [2, 2], [1, 1], [0, 0, 0, 1], [1, 2, 2, 8]),        // H (5 − 3)/2 + 1 = 2; W (16 + 1 − 3)/2 + 1 = 8
        ]
        for c in cases {
            let x = Self.bytes(type, c.x, &rng)
            let attrs: [String: Attribute] = ["kernel_shape": .ints(c.k), "strides": .ints(c.s), "pads": .ints(c.p), "dilations": .ints(c.d)]
            let node = Node(name: "mp", op: .maxPool, inputs: ["x"], outputs: ["y"], attributes: attrs)
            let out = TensorType(type, Shape(c.y))
            let fast = try #require(try OptimizedMaxPool8.make(Self.context(node, [x], output: out, constant: [], reference: false)))
            let ref = try Self.run(try KernelRegistry.make(Self.context(node, [x], output: out, constant: [], reference: true)), [x], out)
            #expect(try Self.run(fast, [x], out) == ref, "\(c)")
        }
    }

    /// Run-time weights or a per-row A zero point are left to the reference kernel.
    @Test func declines() throws {
        var rng = SeededRNG(seed: 5)
        let a = Self.bytes(.uint8, [4, 6], &rng), b = Self.bytes(.int8, [6, 3], &rng)
        let node = Node(name: "qmm", op: "MatMulInteger", inputs: ["a", "b", "az"], outputs: ["y"])
        let out = TensorType(.int32, Shape([4, 3]))
        let runtimeB = Self.context(node, [a, b, Self.zero(.uint8, [], &rng)], output: out, constant: [2], reference: false)
        #expect(try OptimizedQuantized.makeMatMul(runtimeB, requantize: false, isa: .selected) == nil)
        let perRow = Self.context(node, [a, b, Self.zero(.uint8, [4], &rng)], output: out, constant: [1, 2], reference: false)
        #expect(try OptimizedQuantized.makeMatMul(perRow, requantize: false, isa: .selected) == nil)
        // ConvInteger with stride 10⁹ and padding 10⁹ on a 3×3 input: outputs ⌊(3 + 2·10⁹ − 1)/10⁹⌋ + 1 = 3 per axis,
        // but the padded column phases would take 10⁹ · (2·10⁹) bytes per channel: left to the reference kernel,
        // which computes the same 3×3 output.
        let big = 1_000_000_000
        let x = Self.bytes(.uint8, [1, 2, 3, 3], &rng), w = Self.bytes(.int8, [4, 2, 1, 1], &rng)
        let attrs: [String: Attribute] = ["strides": .ints([big, big]), "pads": .ints([big, big, big, big])]
        let conv = Node(name: "qc", op: "ConvInteger", inputs: ["x", "w"], outputs: ["y"], attributes: attrs)
        let convOut = TensorType(.int32, Shape([1, 4, 3, 3]))
        let ctx = Self.context(conv, [x, w], output: convOut, constant: [1], reference: false)
        #expect(OptimizedQConv.make(ctx, requantize: false, isa: .selected, parts: 1) == nil)
        let ref = try Self.run(try KernelRegistry.make(Self.context(conv, [x, w], output: convOut, constant: [1], reference: true)),
                               [x, w], convOut)
        // Only output (1, 1) reads the input (row and column 1·10⁹ − 10⁹ = 0); the rest read padding (zero point 0).
        let got = ref.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        let xs = x.values(as: UInt8.self), wsb = w.values(as: Int8.self)
        for co in 0..<4 {
            let centre = (0..<2).reduce(Int32(0)) { $0 + Int32(xs[$1 * 9]) * Int32(wsb[co * 2 + $1]) }
            #expect(got[co * 9 + 4] == centre)
            #expect(got[co * 9..<co * 9 + 9].enumerated().allSatisfy { $0.offset == 4 || $0.element == 0 })
        }
    }
}
