import CEdgeKernels
import EdgeIR

extension OptimizedKernels {
    /// The optimized factories by op; each returns nil for configurations it does not handle.
    static let table: [OpType: KernelRegistry.OptionalFactory] = [
        .conv: { try OptimizedConv.make($0) },
        .gemm: { try OptimizedMatrix.makeGemm($0) },
        .matMul: { try OptimizedMatrix.makeMatMul($0) },
        .fullyConnected: { try OptimizedMatrix.makeFullyConnected($0) },
        .maxPool: { try OptimizedMaxPool8.make($0) ?? OptimizedPool.make($0, isMax: true) },
        .averagePool: { try OptimizedPool.make($0, isMax: false) },
        .globalAveragePool: { try OptimizedGlobalAveragePool.make($0) },
        .add: OptimizedBinary.factory(CK_BIN_ADD),
        // Sum of two operands is Add (ResNet's residual joins).
        "Sum": { ctx in ctx.inputTypes.count == 2 ? try OptimizedBinary.make(ctx, op: CK_BIN_ADD, isa: .selected) : nil },
        .sub: OptimizedBinary.factory(CK_BIN_SUB),
        .mul: OptimizedBinary.factory(CK_BIN_MUL),
        .div: OptimizedBinary.factory(CK_BIN_DIV),
        .relu: OptimizedActivation.factory(.relu),
        .sigmoid: OptimizedActivation.factory(.sigmoid),
        .tanh: OptimizedActivation.factory(.tanh),
        .silu: OptimizedActivation.factory(.silu),
        .hardSwish: OptimizedActivation.factory(.hardSwish),
        .hardSigmoid: OptimizedActivation.factory(.hardSigmoid),
        .leakyRelu: OptimizedActivation.factory(.leakyRelu),
        .clip: OptimizedActivation.factory(.clip),
        .transpose: { try OptimizedTranspose.make($0) },
        .pad: { try OptimizedPad.make($0) },
        .prelu: { try OptimizedPRelu.make($0) },
        "LSTM": { try OptimizedLSTM.make($0) },
        .convTranspose: { try OptimizedConvTranspose.make($0) },
        .resize: { try OptimizedResize.make($0, upsample: false) },
        "Upsample": { try OptimizedResize.make($0, upsample: true) },
        "QLinearConv": { try OptimizedQuantized.makeConv($0, requantize: true) },
        "ConvInteger": { try OptimizedQuantized.makeConv($0, requantize: false) },
        "QLinearMatMul": { try OptimizedQuantized.makeMatMul($0, requantize: true) },
        "MatMulInteger": { try OptimizedQuantized.makeMatMul($0, requantize: false) },
        "tflite:CONV_2D": { try OptimizedTFLiteQConv.make($0, kind: .conv) },
        "tflite:DEPTHWISE_CONV_2D": { try OptimizedTFLiteQConv.make($0, kind: .depthwise) },
        "tflite:FULLY_CONNECTED": { try OptimizedTFLiteQConv.make($0, kind: .fullyConnected) },
        "tflite:ADD": { try OptimizedTFLiteAdd.make($0) },
        "QuantizeLinear": { try OptimizedQuantizeLinear.makeQuantize($0) },
        "DequantizeLinear": { try OptimizedQuantizeLinear.makeDequantize($0) },
        IntegerGlue.lookupOp: { try OptimizedLookup.make($0) },
        IntegerGlue.lookupPoolOp: { try OptimizedLookupPool.make($0) },
        IntegerGlue.lookupMulQuantizeOp: { try OptimizedLookupMulQuantize.make($0) },
    ]
}
