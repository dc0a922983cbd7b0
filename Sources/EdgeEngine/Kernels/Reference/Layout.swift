import EdgeIR

/// Reshape, Flatten, Squeeze, Unsqueeze: row-major data is unchanged; copy only when not aliased.
extension ReferenceKernels {
    static let copyKernel: KernelRegistry.Factory = { _ in
        ClosureKernel { ins, outs in
            if ins[0].data != outs[0].data {
                outs[0].data.copyMemory(from: ins[0].data, byteCount: ins[0].dtype.approximateBytes(elements: ins[0].count))
            }
        }
    }

    static let layout: [OpType: KernelRegistry.Factory] = [
        .reshape: copyKernel, .flatten: copyKernel, .squeeze: copyKernel, .unsqueeze: copyKernel,
    ]
}
