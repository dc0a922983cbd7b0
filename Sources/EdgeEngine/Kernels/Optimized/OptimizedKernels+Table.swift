import EdgeIR

extension OptimizedKernels {
    /// The optimized factories by op; each returns nil for configurations it does not handle.
    static let table: [OpType: KernelRegistry.OptionalFactory] = [
        .conv: { try OptimizedConv.make($0) },
        .gemm: { try OptimizedMatrix.makeGemm($0) },
        .matMul: { try OptimizedMatrix.makeMatMul($0) },
        .fullyConnected: { try OptimizedMatrix.makeFullyConnected($0) },
    ]
}
