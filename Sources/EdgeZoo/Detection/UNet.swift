import EdgeIR

/// U-Net with a MobileNet v2 encoder at 128×128, the model of TensorFlow's image-segmentation
/// tutorial (`unet_model`): Keras MobileNetV2 taps `block_1/3/6/13_expand_relu` and `block_16_project`,
/// four pix2pix upsample blocks (3×3 stride-2 transposed conv without bias, BatchNorm, ReLU) each
/// concatenated with the matching tap, and a last 3×3 stride-2 transposed conv to the classes.
///
/// BatchNorm stays a separate node here (four tensors per channel) because the published count is
/// Keras' `model.summary()` total, which includes the moving statistics.
enum UNet {
    static func graph(input: Int, classes: Int) throws -> Graph {
        try DetectionGeometry.requireMultiple(input, of: 32, id: "unet_mobilenet_v2")
        var b = GraphBuilder(name: "unet_mobilenet_v2")
        let x = b.input("input", .float32, Shape([.symbol("N"), 3, .value(input), .value(input)]))
        let trunk = try b.scope("down_stack") { bb in
            try bb.mobileNetV2(x, finalConv: false, foldBN: false, lastProjectBN: false)
        }
        let skips = [trunk.blocks[1].expansion, trunk.blocks[3].expansion, trunk.blocks[6].expansion,
                     trunk.blocks[13].expansion]
        var y = trunk.output
        for (i, (filters, skip)) in zip([512, 256, 128, 64], skips.reversed()).enumerated() {
            y = try b.scope("up_stack.\(i)") { bb in
                let t = try bb.transposedConv3x3s2(y, out: filters, bias: false, name: "conv_transpose")
                let a = try bb.activation(try bb.batchNorm(t, name: "bn"), .relu)
                return try bb.concat([a, skip])
            }
        }
        b.output(try b.transposedConv3x3s2(y, out: classes, bias: true, name: "last"))
        return try b.finish()
    }
}

extension GraphBuilder {
    /// A 3×3 stride-2 transposed convolution with Keras' `padding="same"` (output exactly twice the input).
    @discardableResult
    mutating func transposedConv3x3s2(_ x: String, out: Int, bias: Bool, name: String) throws -> String {
        let cin = dims(of: x)[1]
        return try scope(name) { b in
            var inputs = [x, b.weight("weight", .float32, Shape([cin, out, 3, 3]))]
            if bias { inputs.append(b.weight("bias", .float32, Shape([out]))) }
            return try b.apply(.convTranspose, inputs, ["strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")], name: "")
        }
    }
}
