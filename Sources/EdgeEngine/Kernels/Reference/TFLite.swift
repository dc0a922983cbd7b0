import EdgeIR

/// TFLite operators that reach the engine in their own domain (the importer maps the builtins it can
/// onto ONNX ops; see Sources/EdgeImport/TFLite/TFLiteOperatorMapping.swift). The quantized integer
/// builtins of fully-quantized models run with TFLite's own arithmetic (``TFLiteInteger``).
extension ReferenceKernels {
    static let tflite: [OpType: KernelSpec] = TFLiteInteger.kernels
}
