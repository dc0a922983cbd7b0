import EdgeIR

/// DS-CNN keyword spotting, the MLPerf Tiny KWS reference model ("DS-CNN S" of Zhang et al. 2017,
/// *Hello Edge: Keyword Spotting on Microcontrollers*).
///
/// Layer list from `benchmark/training/keyword_spotting/keras_model.py` (`ds_cnn`) in mlcommons/tiny:
/// a 10×4 stride-2 convolution of 64 filters over the 49×10 MFCC map, four depthwise-separable blocks
/// (3×3 depthwise + 1×1 pointwise, each followed by BatchNorm and ReLU), average pooling over
/// `(frames/2, coefficients/2)`, and a 12-way dense softmax. Dropout is omitted (identity at inference).
enum DSCNN {
    /// - Parameters:
    ///   - frames: MFCC frames (49 for 1 s at a 20 ms stride).
    ///   - coefficients: MFCC coefficients per frame (10).
    ///   - filters: channels of every layer (64 in "DS-CNN S").
    ///   - classes: keywords plus "silence" and "unknown" (12).
    static func build(frames: Int, coefficients: Int, filters: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "ds_cnn_kws")
        let x = b.input("mfcc", .float32, Shape([1, 1, frames, coefficients]))
        var y = try b.kerasConvBN(x, out: filters, kernel: (10, 4), stride: (2, 2), name: "conv1")
        for i in 1...4 {
            y = try b.kerasConvBN(y, out: filters, kernel: (3, 3), depthwise: true, name: "ds\(i).dw")
            y = try b.kerasConvBN(y, out: filters, kernel: (1, 1), name: "ds\(i).pw")
        }
        y = try b.kerasAveragePool(y, pool: (max(1, frames / 2), max(1, coefficients / 2)), name: "avgpool")
        b.output(try b.kerasClassifier(y, classes: classes))
        return try b.finish()
    }
}
