import EdgeIR

/// The small CNN Edgewise trains itself on the sklearn digits set (8×8 grey images, 10 classes), so
/// compression can be measured as task accuracy on labelled data.
///
/// `image [N, 1, 8, 8] → Conv 8×3×3 (pad 1) → Relu → MaxPool 2 → Conv 16×3×3 (pad 1) → Relu →
/// MaxPool 2 → Flatten → Gemm 64→10 (transB) → Softmax`: 1,898 parameters (``parameterCount``) and
/// 23,680 MACs per image (8·64·9 + 16·16·72 + 64·10). Weights start He-uniform (`U(−b, b)`, `b = √(6 / fan_in)`)
/// from a SplitMix64 stream, biases at zero, so a seed names one initial model.
public enum DigitsCNN {
    /// Conv1 8·1·3·3 + 8, Conv2 16·8·3·3 + 16, Gemm 10·64 + 10 = 80 + 1,168 + 650.
    public static let parameterCount = 80 + 1168 + 650

    public static func untrained(seed: UInt64) throws -> Graph {
        var rng = SplitMix64(seed: seed)
        func heUniform(_ count: Int, fanIn: Int) -> [Float] {
            let bound = (6 / Float(fanIn)).squareRoot()
            return (0..<count).map { _ in (rng.unit() * 2 - 1) * bound }
        }
        var b = GraphBuilder(name: "digits-cnn")
        let x = b.input("image", .float32, Shape([.symbol("N"), .value(1), .value(8), .value(8)]))
        func tensor(_ name: String, _ values: [Float], _ shape: [Int]) -> String {
            b.weight(name, .float32, Shape(shape), storage: .memory(values.withUnsafeBytes { Array($0) }))
        }
        let w1 = tensor("conv1.weight", heUniform(8 * 9, fanIn: 9), [8, 1, 3, 3])
        let b1 = tensor("conv1.bias", [Float](repeating: 0, count: 8), [8])
        let w2 = tensor("conv2.weight", heUniform(16 * 72, fanIn: 72), [16, 8, 3, 3])
        let b2 = tensor("conv2.bias", [Float](repeating: 0, count: 16), [16])
        let w3 = tensor("fc.weight", heUniform(10 * 64, fanIn: 64), [10, 64])
        let b3 = tensor("fc.bias", [Float](repeating: 0, count: 10), [10])
        let conv: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "strides": .ints([1, 1])]
        let pool: [String: Attribute] = ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]
        var h = try b.apply(.conv, [x, w1, b1], conv, name: "conv1")
        h = try b.apply(.relu, [h], name: "relu1")
        h = try b.apply(.maxPool, [h], pool, name: "pool1")
        h = try b.apply(.conv, [h, w2, b2], conv, name: "conv2")
        h = try b.apply(.relu, [h], name: "relu2")
        h = try b.apply(.maxPool, [h], pool, name: "pool2")
        h = try b.apply(.flatten, [h], ["axis": .int(1)], name: "flatten")
        h = try b.apply(.gemm, [h, w3, b3], ["transB": .int(1)], name: "fc")
        let p = try b.apply(.softmax, [h], ["axis": .int(-1)], name: "probabilities")
        b.output(p)
        return try b.finish()
    }
}
