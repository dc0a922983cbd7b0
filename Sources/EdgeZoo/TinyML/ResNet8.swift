import EdgeIR

/// ResNet-8 for CIFAR-10, the MLPerf Tiny image-classification reference model.
///
/// Layer list from `resnet_v1_eembc` in `benchmark/training/image_classification/keras_model.py`
/// (mlcommons/tiny v0.5–v1.x): a 3×3 stem of 16 filters, three residual stacks of two 3×3
/// convolutions (16, 32, 64 filters; the second and third start with stride 2 and have a 1×1
/// stride-2 projection shortcut without BatchNorm), average pooling over the 8×8 map and a dense
/// softmax. Every convolution has a bias (Keras' default).
enum ResNet8 {
    static func build(input: Int, filters: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "resnet8")
        let x = b.input("image", .float32, Shape([1, 3, input, input]))
        var y = try b.kerasConvBN(x, out: filters, kernel: (3, 3), name: "conv1")
        for stack in 1...3 {
            let width = filters << (stack - 1)
            let stride = stack == 1 ? 1 : 2
            try b.scope("stack\(stack)") { b in
                var r = try b.kerasConvBN(y, out: width, kernel: (3, 3), stride: (stride, stride), name: "conv1")
                r = try b.kerasConvBN(r, out: width, kernel: (3, 3), relu: false, name: "conv2")
                let shortcut = stack == 1
                    ? y : try b.kerasConv(y, out: width, kernel: (1, 1), stride: (stride, stride), name: "shortcut")
                y = try b.activation(try b.add(shortcut, r, name: "add"), .relu, name: "relu")
            }
        }
        let d = b.dims(of: y)
        y = try b.kerasAveragePool(y, pool: (min(d[2], d[3]), min(d[2], d[3])), name: "avgpool")
        b.output(try b.kerasClassifier(y, classes: classes))
        return try b.finish()
    }
}
