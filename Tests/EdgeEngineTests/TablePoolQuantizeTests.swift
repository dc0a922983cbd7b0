import CEdgeKernels
import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// TablePoolQuantize: QuantizeLinear of a table pool, settled from integer sums over the table's polynomial
/// pieces where a bracket on the ordered float sum allows. The specification is the unfused float path
/// (GlobalAveragePool in element order, then QuantizeLinear) and the op's reference kernel.
@Suite struct TablePoolQuantizeTests {
    /// HardSwish of DequantizeLinear, in float32 as the graph computes it: x·Clip(x + 3, 0, 6)/6.
    static func hardSwishTable(scale: Float, zero: Int, codes: DType) -> [Float] {
        (0..<256).map { b in
            let c = codes == .int8 ? Int(Int8(truncatingIfNeeded: b)) : b
            let x = Float(c - zero) * scale
            return x * min(max(x + 3, 0), 6) / 6
        }
    }

    /// DequantizeLinear → hard-swish → GlobalAveragePool → QuantizeLinear (PP-OCR's squeeze-excitation input)
    /// becomes one TablePoolQuantize, with the same bytes as the float path: planes of 35 codes (one 32-code
    /// step and a tail), 192 (PP-OCR's) and 1,900, int8 and uint8 codes.
    @Test(arguments: [([1, 10, 5, 7], DType.uint8), ([1, 40, 12, 16], .int8), ([1, 6, 19, 100], .int8)])
    func poolThenQuantizeBecomesOneOp(shape: [Int], codes: DType) throws {
        var b = GraphBuilder(name: "gapq")
        let x = b.input("x", codes, Shape(shape))
        let d = try b.apply("DequantizeLinear", [x, IntegerGlueTests.const(&b, "s", [0.047]),
                                                 IntegerGlueTests.code(&b, "z", codes, codes == .int8 ? -9 : 119)], name: "dq")
        let a = try b.apply(.add, [d, IntegerGlueTests.const(&b, "three", [3])], name: "a")
        let c = try b.apply(.clip, [a, IntegerGlueTests.const(&b, "zero", [0]), IntegerGlueTests.const(&b, "six", [6])], name: "c")
        let m = try b.apply(.mul, [d, c], name: "m")
        let h = try b.apply(.div, [m, IntegerGlueTests.const(&b, "six2", [6])], name: "h")
        let p = try b.apply(.globalAveragePool, [h], name: "gap")
        let y = try b.apply("QuantizeLinear", [p, IntegerGlueTests.const(&b, "ys", [0.0061]), IntegerGlueTests.code(&b, "yz", .int8, -100)],
                            name: "q")
        b.output(y)
        let g = try b.finish()
        _ = try IntegerGlueTests.expectSame(g, ["x": IntegerGlueTests.codes(codes, shape, seed: 21)], rewrites: 2, pass: "int8-table-pool",
                                            ops: [IntegerGlue.lookupPoolQuantizeOp])
    }

    /// HardSwish's table is three pieces: all zero, a parabola, a line, each within a few float roundings.
    @Test func hardSwishIsThreePieces() throws {
        let table = Self.hardSwishTable(scale: 0.05, zero: 0, codes: .int8)
        let pieces = try #require(TablePieces.fit(table, flip: 0x80))
        #expect(pieces.map(\.degree) == [-1, 2, 1])
        // Ordered code w = byte ^ 0x80 = c + 128: x = −3 at c = −60 (w = 68), 3 at c = 60 (w = 188).
        #expect(pieces[0].hi == 68 && pieces[1].hi == 188, "\(pieces.map { ($0.lo, $0.hi) })")
        for p in pieces { #expect(p.eps <= 6 * 0x1p-22, "\(p)") }
    }

    /// Runs the C kernel on `codes` and returns its bytes and how many planes took the ordered sum.
    static func runKernel(_ table: [Float], _ codes: HostTensor, planes: Int, size: Int, scale: Float, zero: Int32, out: DType)
        -> ([UInt8], Int32) {
        let flip: UInt8 = codes.dtype == .int8 ? 0x80 : 0
        let pieces = TablePieces.fit(table, flip: flip) ?? []
        var y = [UInt8](repeating: 0xA5, count: planes)
        let (lo, hi): (Int32, Int32) = out == .uint8 ? (0, 255) : (-128, 127)
        let ordered = table.withUnsafeBufferPointer { t in
            pieces.withUnsafeBufferPointer { pp in
                ck_lookup_gap_quantize(codes.ref.u8(), Int32(planes), Int32(size), t.baseAddress, flip, pp.baseAddress, Int32(pp.count),
                                       scale, zero, lo, hi, out == .uint8 ? 1 : 0, &y)
            }
        }
        return (y, ordered)
    }

    /// The op's reference kernel on the same inputs.
    static func runReference(_ table: [Float], _ codes: HostTensor, scale: Float, zero: Int, out: DType) throws -> [UInt8] {
        let tableT = HostTensor(table, shape: [256]), scaleT = HostTensor([scale], shape: []), zeroT = HostTensor(dtype: out, shape: [])
        zeroT.ref.u8()[0] = UInt8(truncatingIfNeeded: zero)
        let planes = codes.shape[0] * codes.shape[1]
        let node = Node(name: "tpq", op: IntegerGlue.lookupPoolQuantizeOp, domain: "edgewise", inputs: ["x", "t", "s", "z"], outputs: ["y"])
        let ctx = KernelContext(node: node, inputTypes: [codes, tableT, scaleT, zeroT].map { TensorType($0.dtype, Shape($0.shape)) },
                                outputTypes: [TensorType(out, Shape([codes.shape[0], codes.shape[1], 1, 1]))],
                                constants: [1: tableT, 2: scaleT, 3: zeroT], options: EngineOptions(forceReference: true))
        let y = HostTensor(dtype: out, shape: [codes.shape[0], codes.shape[1], 1, 1])
        try KernelRegistry.make(ctx).run(inputs: [codes.ref, tableT.ref, scaleT.ref, zeroT.ref], outputs: [y.ref])
        return (0..<planes).map { y.ref.u8()[$0] }
    }

    /// Seeded planes through a hard-swish table: the C kernel's bytes equal the reference kernel's, and the
    /// pieces settle nearly every plane (a kernel that always fell back to the ordered sum would fail here).
    @Test(arguments: [(DType.int8, DType.int8, 192), (.uint8, .uint8, 35), (.int8, .uint8, 1900), (.uint8, .int8, 1)])
    func seededPlanesMatchReference(codeType: DType, out: DType, size: Int) throws {
        let planes = 300
        let table = Self.hardSwishTable(scale: 0.043, zero: codeType == .int8 ? 7 : 131, codes: codeType)
        var rng = SeededRNG(seed: 31)
        let codes = HostTensor(dtype: codeType, shape: [1, planes, size])
        for i in 0..<planes * size { codes.ref.u8()[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let zero = out == .int8 ? -3 : 40
        let (fast, ordered) = Self.runKernel(table, codes, planes: planes, size: size, scale: 0.0093, zero: Int32(zero), out: out)
        let ref = try Self.runReference(table, codes, scale: 0.0093, zero: zero, out: out)
        #expect(fast == ref, "first difference at plane \(fast.indices.first { fast[$0] != ref[$0] } ?? -1)")
        #expect(ordered < planes / 10, "\(ordered) of \(planes) planes took the ordered sum")
    }

    /// Means exactly halfway between two codes: a line table (exact entries k/4), planes of one repeated code,
    /// scale 1/2. Odd k lands on a tie, which the bracket cannot settle: those planes take the ordered sum and
    /// round to even, like the reference; even k settle. Hand-worked: code 3 → 0.75 / 0.5 = 1.5 → 2.
    @Test func tiesTakeTheOrderedSum() throws {
        let table = (0..<256).map { Float($0) / 4 }
        let planes = 64, size = 4
        let codes = HostTensor(dtype: .uint8, shape: [1, planes, size])
        for p in 0..<planes { for k in 0..<size { codes.ref.u8()[p * size + k] = UInt8(p) } }
        let (fast, ordered) = Self.runKernel(table, codes, planes: planes, size: size, scale: 0.5, zero: 0, out: .uint8)
        let ref = try Self.runReference(table, codes, scale: 0.5, zero: 0, out: .uint8)
        #expect(fast == ref)
        #expect(ordered == Int32(planes / 2))
        #expect(ref[3] == 2 && ref[5] == 2 && ref[6] == 3)
    }

    /// A table no few pieces fit (seeded values): no pieces, every plane summed in order, same bytes.
    @Test func unfittableTableSumsInOrder() throws {
        var rng = SeededRNG(seed: 33)
        let table = (0..<256).map { _ in rng.float(-2, 2) }
        #expect(TablePieces.fit(table, flip: 0) == nil)
        let planes = 21, size = 50
        let codes = HostTensor(dtype: .uint8, shape: [1, planes, size])
        for i in 0..<planes * size { codes.ref.u8()[i] = UInt8(truncatingIfNeeded: rng.next()) }
        let (fast, ordered) = Self.runKernel(table, codes, planes: planes, size: size, scale: 0.011, zero: 128, out: .uint8)
        #expect(fast == (try Self.runReference(table, codes, scale: 0.011, zero: 128, out: .uint8)))
        #expect(ordered == Int32(planes))
    }
}
