import EdgeIR

/// The fully connected auto-encoder of the MLPerf Tiny anomaly-detection benchmark (ToyADMOS car).
///
/// Layer list from `benchmark/training/anomaly_detection/keras_model.py` in mlcommons/tiny (the DCASE
/// 2020 Task 2 baseline by Hitachi): the input is `frames` consecutive log-mel frames of `mels` bands
/// flattened (5 × 128 = 640); four Dense(128) → BatchNorm → ReLU layers, a Dense(8) bottleneck with
/// BatchNorm and ReLU, four more Dense(128) layers, and a linear Dense back to the input width.
/// The anomaly score is the reconstruction error, computed outside the network.
enum DenseAutoencoder {
    static func build(frames: Int, mels: Int, hidden: Int, bottleneck: Int) throws -> Graph {
        let width = frames * mels
        var b = GraphBuilder(name: "fc_autoencoder")
        var y = b.input("log_mel", .float32, Shape([1, width]))
        let encoder = [hidden, hidden, hidden, hidden, bottleneck, hidden, hidden, hidden, hidden]
        for (i, units) in encoder.enumerated() {
            y = try b.linear(y, out: units, name: "dense\(i + 1)")
            y = try b.batchNorm(y, name: "dense\(i + 1)_bn")
            y = try b.activation(y, .relu, name: "dense\(i + 1)_relu")
        }
        b.output(try b.linear(y, out: width, name: "dense\(encoder.count + 1)"))
        return try b.finish()
    }
}

