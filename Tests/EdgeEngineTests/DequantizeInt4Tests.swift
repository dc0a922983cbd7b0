import EdgeEngine
import EdgeIR
import Testing

/// DequantizeLinear of packed 4-bit tensors (ONNX INT4/UINT4: two values a byte, the first in the low
/// nibble), per tensor and blocked (`block_size`, opset 21), as mixed precision writes int4 weights.
struct DequantizeInt4Tests {
    func run(_ data: Tensor, _ scale: Tensor, zero: Tensor? = nil, attrs: [String: Attribute], shape: [Int]) throws -> [Float] {
        var b = GraphBuilder(name: "dq4")
        let x = b.input("x", .float32, Shape(shape.map { .value($0) }))
        for t in [data, scale] + (zero.map { [$0] } ?? []) { b.weight(t.name, t.dtype, t.shape, storage: t.storage) }
        let w = try b.apply("DequantizeLinear", [data.name, scale.name] + (zero.map { [$0.name] } ?? []), attrs, name: "dq")
        b.output(try b.apply(.add, [x, w], name: "add"))
        let g = try b.finish()
        return try ExecutionPlan(graph: g, inputShapes: ["x": shape])
            .run(["x": HostTensor([Float](repeating: 0, count: shape.reduce(1, *)), shape: shape)])[g.outputs[0].name]!.floats()
    }

    @Test func blockedInt4() throws {
        // Values row 0: −8 7 −1 0 3, row 1: 1 −2 5 −6 2 → nibbles 8 7 F 0 3 1 E 5 A 2 → bytes 0x78 0x0F 0x13 0x5E 0x2A.
        let data = Tensor(name: "d", type: TensorType(.int4, Shape([2, 5])), storage: .memory([0x78, 0x0F, 0x13, 0x5E, 0x2A]))
        // Blocks of 2 along axis 1: columns {0,1} {2,3} {4}; scale [2, 3].
        let scale = Tensor.float32("s", [0.5, 0.25, 2, 1, -0.5, 0.125], shape: Shape([2, 3]))
        let y = try run(data, scale, attrs: ["axis": .int(1), "block_size": .int(2)], shape: [2, 5])
        // Row 0: −8·0.5 7·0.5 −1·0.25 0·0.25 3·2; row 1: 1·1 −2·1 5·−0.5 −6·−0.5 2·0.125.
        #expect(y == [-4, 3.5, -0.25, 0, 6, 1, -2, -2.5, 3, 0.25])
    }

    @Test func uint4WithAZeroPoint() throws {
        // 15 0 8 → bytes 0x0F (15 low, 0 high), 0x08; zero point 8 (one nibble in one byte), scale 0.5.
        let data = Tensor(name: "d", type: TensorType(.uint4, Shape([3])), storage: .memory([0x0F, 0x08]))
        let zero = Tensor(name: "z", type: TensorType(.uint4, .scalar), storage: .memory([0x08]))
        let y = try run(data, .float32("s", [0.5], shape: .scalar), zero: zero, attrs: [:], shape: [3])
        // (15 − 8)·0.5, (0 − 8)·0.5, (8 − 8)·0.5.
        #expect(y == [3.5, -4, 0])
    }
}
