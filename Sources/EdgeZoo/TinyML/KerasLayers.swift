import EdgeIR

/// Keras/TensorFlow conventions the MLPerf Tiny reference models rely on.
enum Keras {
    /// TensorFlow's `padding='same'`: (before, after) padding of one axis.
    ///
    /// The output is `ceil(input / stride)`; the total padding needed for that is split with the odd
    /// pixel at the end, which is where TensorFlow puts it (PyTorch's symmetric `k/2` differs for
    /// stride 2 on even inputs, and the MLPerf Tiny reference models are Keras models).
    static func samePadding(input: Int, kernel: Int, stride: Int) -> (Int, Int) {
        let out = (input + stride - 1) / stride
        let total = max((out - 1) * stride + kernel - input, 0)
        return (total / 2, total - total / 2)
    }
}

/// Layer helpers for the Keras-defined MLPerf Tiny reference models, in the catalog's NCHW layout.
///
/// Keras layers carry a bias by default even when a BatchNormalization follows, and Keras counts a
/// BatchNormalization's moving mean and variance among the model's (non-trainable) parameters, so
/// graphs built with these helpers have the parameter count `model.summary()` prints as "Total".
extension GraphBuilder {
    /// Keras `Conv2D` (or `DepthwiseConv2D` with `depthwise`) with `padding='same'` and bias.
    @discardableResult
    mutating func kerasConv(_ x: String, out: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                            depthwise: Bool = false, name: String) throws -> String {
        let d = dims(of: x)
        let (top, bottom) = Keras.samePadding(input: d[2], kernel: kernel.0, stride: stride.0)
        let (left, right) = Keras.samePadding(input: d[3], kernel: kernel.1, stride: stride.1)
        let channels = depthwise ? d[1] : out
        return try conv(x, out: channels, kernel: kernel, stride: stride, padding: (top, left, bottom, right),
                        groups: depthwise ? d[1] : 1, bias: true, name: name)
    }

    /// Keras `Conv2D` → `BatchNormalization` → ReLU (when `relu`), the block every MLPerf Tiny CNN repeats.
    @discardableResult
    mutating func kerasConvBN(_ x: String, out: Int, kernel: (Int, Int), stride: (Int, Int) = (1, 1),
                              depthwise: Bool = false, relu: Bool = true, name: String) throws -> String {
        var y = try kerasConv(x, out: out, kernel: kernel, stride: stride, depthwise: depthwise, name: name)
        y = try batchNorm(y, name: name + "_bn")
        if relu { y = try activation(y, .relu, name: name + "_relu") }
        return y
    }

    /// Keras `AveragePooling2D(pool_size)` with its default strides (= pool size) and no padding.
    @discardableResult
    mutating func kerasAveragePool(_ x: String, pool: (Int, Int), name: String) throws -> String {
        try apply(.averagePool, [x], ["kernel_shape": .ints([pool.0, pool.1]), "strides": .ints([pool.0, pool.1]),
                                       "pads": .ints([0, 0, 0, 0])], name: name)
    }

    /// Flatten → `Dense(classes)` → softmax, the classifier head of the Keras reference models.
    @discardableResult
    mutating func kerasClassifier(_ x: String, classes: Int, name: String = "dense") throws -> String {
        let flat = try flatten(x, name: "flatten")
        let logits = try linear(flat, out: classes, name: name)
        return try softmax(logits, name: "softmax")
    }
}
