import EdgeIR

/// MobileNet v1 for visual wake words, the MLPerf Tiny VWW reference model.
///
/// Layer list from `benchmark/training/visual_wake_words/vww_model.py` in mlcommons/tiny (after
/// Silicon Labs' `mobilenet_v1_eembc.py`): MobileNet v1 (Howard et al. 2017) at width 0.25 on 96×96
/// RGB, with Keras' conventions: every convolution has a bias, activations are ReLU (not ReLU6),
/// TensorFlow "same" padding, global average pooling and a dense softmax over person / no person.
///
/// TensorFlow Lite Micro's `person_detection` example runs the same architecture on 96×96 grayscale
/// frames; the catalog's `tflm_person_detection` entry is this builder with one input channel.
enum MobileNetV1VWW {
    /// (pointwise output channels at width 1.0, depthwise stride) of the 13 separable blocks.
    static let blocks: [(Int, Int)] = [
        (64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2),
        (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1),
    ]

    static func build(input: Int, width: Double, channels: Int, classes: Int, name: String) throws -> Graph {
        func scaled(_ c: Int) -> Int { max(1, Int(Double(c) * width)) }
        var b = GraphBuilder(name: name)
        let x = b.input("image", .float32, Shape([1, channels, input, input]))
        var y = try b.kerasConvBN(x, out: scaled(32), kernel: (3, 3), stride: (2, 2), name: "conv1")
        for (i, (out, stride)) in blocks.enumerated() {
            y = try b.kerasConvBN(y, out: 0, kernel: (3, 3), stride: (stride, stride), depthwise: true,
                                  name: "block\(i + 1).dw")
            y = try b.kerasConvBN(y, out: scaled(out), kernel: (1, 1), name: "block\(i + 1).pw")
        }
        let d = b.dims(of: y)
        y = try b.kerasAveragePool(y, pool: (d[2], d[3]), name: "avgpool")
        b.output(try b.kerasClassifier(y, classes: classes))
        return try b.finish()
    }
}
